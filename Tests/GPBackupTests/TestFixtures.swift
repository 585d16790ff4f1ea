import Foundation
import XCTest
import CZlib
import CZstd
import TestSupport
@testable import GPBackup

/// Paths and helpers shared by the GPBackup tests. The real sample sets are read in place and
/// copied into a temporary directory before any mutation.
enum Fixtures {
    static let samplesDirectory: URL = TestSupport.Fixtures.gpbackupSamples

    static var multiFileSet: URL { samplesDirectory.appendingPathComponent("2-segment-db") }
    static var singleFileSet: URL { samplesDirectory.appendingPathComponent("2-segment-db-single-data-file") }

    /// `schema.table` → [segment id: rows] from a `*-rowcounts.txt` (psql table output).
    static func rowCounts(_ url: URL) throws -> [String: [Int: Int64]] {
        var result: [String: [Int: Int64]] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 4, let seg = Int(cells[2]), let rows = Int64(cells[3]) else { continue }
            result["\(cells[0]).\(cells[1])", default: [:]][seg] = rows
        }
        return result
    }

    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("gpbackup-tests-\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func copy(_ source: URL, into parent: URL, as name: String? = nil) throws -> URL {
        let destination = parent.appendingPathComponent(name ?? source.lastPathComponent)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: destination)
        return destination
    }

    /// Every regular file below `dir`.
    static func files(under dir: URL) -> [URL] {
        var out: [URL] = []
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { out.append(url) }
        }
        return out.sorted { $0.path < $1.path }
    }

    /// gzip-compresses with zlib (windowBits 15+16 writes a gzip header).
    static func gzip(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = data
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        let written: Int = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuf.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }

    static func zstd(_ data: [UInt8], level: Int32 = 3) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
        let written = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { inp in ZSTD_compress(out.baseAddress, out.count, inp.baseAddress, inp.count, level) }
        }
        precondition(ZSTD_isError(written) == 0)
        return Array(output.prefix(written))
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Reads a whole stream through a reader with a small buffer (exercising many calls).
    static func readAll(_ reader: ByteStreamReader, chunk: Int = 1000) throws -> [UInt8] {
        var out: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let n = try reader.read(into: buffer)
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    static func collect(_ source: TableDataSource) throws -> (text: String, perSegment: [(content: Int, rows: Int64)]) {
        var bytes: [UInt8] = []
        let counts = try source.streamPerSegment { bytes.append(contentsOf: $0) }
        return (String(decoding: bytes, as: UTF8.self), counts)
    }
}

func XCTAssertThrowsGPBackupError(_ expression: @autoclosure () throws -> Any, file: StaticString = #filePath, line: UInt = #line,
                                  _ check: (GPBackupError) -> Bool) {
    do {
        _ = try expression()
        XCTFail("expected an error", file: file, line: line)
    } catch let error as GPBackupError {
        XCTAssertTrue(check(error), "unexpected error: \(error)", file: file, line: line)
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}

extension XCTestCase {
    /// A fresh temporary directory removed when the test ends.
    func temporaryDirectory(_ name: String = #function) throws -> URL {
        let dir = try Fixtures.temporaryDirectory(name)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}
