import Archive
import Foundation
import TestSupport
import XCTest

/// Damaged archives must produce a clear error naming what was expected and where, never a
/// crash or a huge allocation; the CLI exits 1 and leaves no output file.
final class BadInputTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try Fixtures.temporaryDirectory("badinput")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    var sample: URL {
        Fixtures.archives.first { $0.lastPathComponent == "pg15-gzip.dump" } ?? Fixtures.archives[0]
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func readAll(_ path: String) throws {
        let reader = try ArchiveReader(path: path)
        for e in reader.entries where e.hasData { try reader.readData(of: e) { _ in } }
    }

    func expectError(_ path: String, contains fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try readAll(path), file: file, line: line) { error in
            let text = "\(error)"
            for f in fragments { XCTAssertTrue(text.contains(f), "\"\(text)\" lacks \"\(f)\"", file: file, line: line) }
        }
        // The CLI: exit status 1, one error line, nothing written at the destination.
        let out = dir.appendingPathComponent("out-\(UUID().uuidString).sql")
        let result = try? ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: ["restore", "-f", out.path, path])
        XCTAssertEqual(result?.status, 1, file: file, line: line)
        XCTAssertTrue(result?.stderr.text.hasPrefix("pgfunnel: error: ") ?? false, result?.stderr.text ?? "", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "half-written output left behind", file: file, line: line)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter { $0.hasSuffix(".tmp") } ?? []
        XCTAssertEqual(leftovers, [], file: file, line: line)
    }

    func original() throws -> [UInt8] { [UInt8](try Data(contentsOf: sample)) }

    func testWrongMagic() throws {
        var bytes = try original()
        bytes[0] = UInt8(ascii: "X")
        expectError(try write(bytes, "magic.dump"), contains: ["expected magic \"PGDMP\" at offset 0", "XGDMP"])
    }

    func testUnknownVersion() throws {
        var bytes = try original()
        bytes[6] = 99
        expectError(try write(bytes, "version.dump"), contains: ["unsupported archive version 1.99"])
    }

    func testTruncatedInHeader() throws {
        let bytes = Array(try original().prefix(20))
        expectError(try write(bytes, "short.dump"), contains: ["unexpected end of file at offset 20"])
    }

    func testTruncatedInTOC() throws {
        let bytes = Array(try original().prefix(4000))
        expectError(try write(bytes, "toc.dump"), contains: ["unexpected end of file", "TOC entry"])
    }

    func testTruncatedInData() throws {
        let full = try original()
        let bytes = Array(full.prefix(full.count - 5000))
        expectError(try write(bytes, "data.dump"), contains: ["offset"])
    }

    func testCorruptCompressedData() throws {
        var bytes = try original()
        let reader = try ArchiveReader(path: sample.path)
        let big = try XCTUnwrap(reader.entries.filter { $0.hasData && $0.desc == "TABLE DATA" }.max { a, b in a.dataOffset < b.dataOffset })
        // Skip the block header (type, dump id) and the first chunk length, then damage the zlib stream.
        let at = Int(big.dataOffset) + 1 + 5 + 5 + 2
        for i in 0..<16 { bytes[at + i] ^= 0xA5 }
        expectError(try write(bytes, "corrupt.dump"), contains: ["corrupt data for TOC entry \(big.dumpId)", "zlib"])
    }

    func testAbsurdStringLength() throws {
        // A header whose database-name string claims 2 GB.
        var enc: [UInt8] = Array("PGDMP".utf8) + [1, 14, 0, 4, 8, 1]
        enc += [0, 0xff, 0xff, 0xff, 0xff] // compression -1 as sign+magnitude: sign 0 here = huge level
        expectError(try write(enc, "level.dump"), contains: ["compression level"])
        var h: [UInt8] = Array("PGDMP".utf8) + [1, 14, 0, 4, 8, 1]
        h += [1, 1, 0, 0, 0] // compression -1
        for _ in 0..<7 { h += [0, 1, 0, 0, 0] }
        h += [0, 0, 0, 0, 0x7f] // string length 2130706432
        h += Array("short".utf8)
        expectError(try write(h, "length.dump"), contains: ["string length 2130706432 exceeds"])
    }

    func testAbsurdEntryCount() throws {
        var h: [UInt8] = Array("PGDMP".utf8) + [1, 14, 0, 4, 8, 1]
        h += [1, 1, 0, 0, 0]
        for _ in 0..<7 { h += [0, 1, 0, 0, 0] }
        for _ in 0..<3 { h += [1, 1, 0, 0, 0] } // three NULL strings
        h += [0, 0, 0, 0, 0x40] // 1 073 741 824 entries
        expectError(try write(h, "count.dump"), contains: ["TOC entry count", "cannot fit"])
    }

    func testOffsetPastEnd() throws {
        var bytes = try original()
        let reader = try ArchiveReader(path: sample.path)
        let entry = try XCTUnwrap(reader.entries.first { $0.hasData && $0.dataState == .set })
        // Find the 8-byte little-endian offset of this entry in the TOC and point it past the end.
        var le = [UInt8](); var v = UInt64(entry.dataOffset)
        for _ in 0..<8 { le.append(UInt8(v & 0xff)); v >>= 8 }
        let pattern = [DataOffsetState.set.rawValue] + le
        let idx = try XCTUnwrap((0..<(bytes.count - 9)).first { Array(bytes[$0..<($0 + 9)]) == pattern })
        bytes[idx + 6] = 0x7f
        expectError(try write(bytes, "offset.dump"), contains: ["TOC entry \(entry.dumpId)", "outside the data area"])
    }

    func testDanglingDependencyIsReportedByVerify() throws {
        // pg_restore tolerates dependencies on entries missing from a partial dump; a zero or
        // negative dependency id is corrupt.
        let reader = try ArchiveReader(path: sample.path)
        var entries = reader.entries
        entries[0].dependencies = [0]
        let header = reader.header
        let path = dir.appendingPathComponent("dep.dump").path
        let writer = try ArchiveWriter(output: OutputFile(path: path), header: header, entries: entries)
        try writer.finish()
        expectError(path, contains: ["dependency ID 0 out of range"])
    }
}

/// Output files appear only when complete, and special files are written in place.
final class OutputFileTests: XCTestCase {
    func testDevNullStaysADevice() throws {
        let out = try ProcessRunner.run(executable: Fixtures.pgfunnelBinary,
                                        arguments: ["restore", "-f", "/dev/null", Fixtures.archives[0].path])
        XCTAssertEqual(out.status, 0, out.stderr.text)
        var st = stat()
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "/dev/null was replaced by a regular file")
    }

    func testAbandonedOutputLeavesNothing() throws {
        let dir = try Fixtures.temporaryDirectory("outputfile")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.sql").path
        do {
            let file = try OutputFile(path: path)
            try file.write("partial")
            file.abandon()
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
        let file = try OutputFile(path: path)
        try file.write("complete")
        try file.commit()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "complete")
    }
}
