import Archive
import Foundation
import TestSupport
import XCTest

/// `pgfunnel verify` passes sound archives and names the entry and offset of what is wrong.
final class VerifyTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.temporaryDirectory("verify") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func pgfunnel(_ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args)
    }

    func testEveryFixturePasses() throws {
        for archive in Fixtures.archives {
            let out = try pgfunnel(["verify", archive.path])
            XCTAssertEqual(out.status, 0, "\(archive.lastPathComponent): \(out.stderr.text)")
            XCTAssertTrue(out.stdout.text.contains(": OK, "), out.stdout.text)
        }
    }

    func testReportsRowsPerTable() throws {
        let archive = Fixtures.archiveDirectory.appendingPathComponent("pg15-gzip.dump")
        let report = try ArchiveVerifier.verify(path: archive.path)
        let big = try XCTUnwrap(report.dataEntries.first { $0.tag == "big_table" })
        XCTAssertEqual(big.rows, 30000)
        let empty = try XCTUnwrap(report.dataEntries.first { $0.tag == "empty_table" })
        XCTAssertEqual(empty.rows, 0)
    }

    func copyOf(_ name: String) throws -> (String, [UInt8]) {
        let src = Fixtures.archiveDirectory.appendingPathComponent(name)
        let bytes = [UInt8](try Data(contentsOf: src))
        return (dir.appendingPathComponent(name).path, bytes)
    }

    func expectFailure(_ path: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let out = try pgfunnel(["verify", path])
        XCTAssertEqual(out.status, 1, out.stdout.text, file: file, line: line)
        for f in fragments {
            XCTAssertTrue(out.stderr.text.contains(f), "\"\(out.stderr.text)\" lacks \"\(f)\"", file: file, line: line)
        }
    }

    func testFlippedByteInDataBlock() throws {
        var (path, bytes) = try copyOf("pg15-gzip.dump")
        let reader = try ArchiveReader(path: Fixtures.archiveDirectory.appendingPathComponent("pg15-gzip.dump").path)
        let entry = try XCTUnwrap(reader.entries.first { $0.tag == "big_table" && $0.desc == "TABLE DATA" })
        bytes[Int(entry.dataOffset) + 40] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try expectFailure(path, ["TOC entry \(entry.dumpId)", "offset"])
    }

    func testTruncatedArchive() throws {
        let (path, bytes) = try copyOf("pg16-zstd.dump")
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: path))
        try expectFailure(path, ["offset"])
    }

    func testOffsetPastTheEnd() throws {
        var (path, bytes) = try copyOf("pg15-none.dump")
        let reader = try ArchiveReader(path: Fixtures.archiveDirectory.appendingPathComponent("pg15-none.dump").path)
        let entry = try XCTUnwrap(reader.entries.last { $0.hasData && $0.dataState == .set })
        var le = [UInt8](); var v = UInt64(entry.dataOffset)
        for _ in 0..<8 { le.append(UInt8(v & 0xff)); v >>= 8 }
        let pattern = [DataOffsetState.set.rawValue] + le
        let idx = try XCTUnwrap((0..<(bytes.count - 9)).first { Array(bytes[$0..<($0 + 9)]) == pattern })
        bytes[idx + 5] = 0x40 // push the offset far past the end
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try expectFailure(path, ["TOC entry \(entry.dumpId)", "outside the data area"])
    }

    func testManifestMismatch() throws {
        let path = dir.appendingPathComponent("with-manifest.dump").path
        let out = try pgfunnel(["rewrite", "--manifest", Fixtures.archiveDirectory.appendingPathComponent("pg18-gzip.dump").path, path])
        XCTAssertEqual(out.status, 0, out.stderr.text)
        let ok = try pgfunnel(["verify", path])
        XCTAssertEqual(ok.status, 0, ok.stderr.text)
        XCTAssertTrue(ok.stdout.text.contains("manifest matches"))

        // Claim one more row for a table than the archive holds.
        let manifestPath = ArchiveManifest.path(for: path)
        var manifest = try ArchiveManifest.load(from: manifestPath)
        let i = try XCTUnwrap(manifest.entries.firstIndex { $0.tag == "customers" })
        manifest.entries[i].rows += 1
        try manifest.write(to: manifestPath)
        try expectFailure(path, ["TOC entry \(manifest.entries[i].dumpId)", "does not match the manifest"])

        // And a changed archive no longer matches the archive checksum.
        manifest.entries[i].rows -= 1
        try manifest.write(to: manifestPath)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        try expectFailure(path, ["SHA-256", "does not match the manifest"])
    }

    func testJSONListingHasTheEntriesOfPgRestoreList() throws {
        for name in ["pg15-gzip.dump", "pg18-zstd.dump"] {
            let archive = Fixtures.archiveDirectory.appendingPathComponent(name)
            let json = try pgfunnel(["restore", "-l", "--json", archive.path])
            XCTAssertEqual(json.status, 0, json.stderr.text)
            let doc = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
            let entries = try XCTUnwrap(doc?["entries"] as? [[String: Any]])
            let major = Fixtures.major(of: archive)!
            let tool = try XCTUnwrap(ReferenceTools.binary("pg_restore", major: major))
            let listing = try ProcessRunner.run(executable: tool, arguments: ["-l", archive.path], environment: ReferenceTools.environment(major: major))
            let ids = listing.stdout.text.split(separator: "\n").filter { !$0.hasPrefix(";") }.compactMap { Int($0.prefix { $0 != ";" }) }
            XCTAssertEqual(entries.compactMap { $0["dumpId"] as? Int }, ids)
            XCTAssertGreaterThan(ids.count, 400)
        }
    }
}
