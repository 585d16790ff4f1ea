import Foundation
import XCTest
@testable import GPBackup

final class CompressedReaderTests: XCTestCase {
    /// 600 KB of varied text: larger than the reader buffers, so reads span many refills.
    let payload: [UInt8] = {
        var bytes: [UInt8] = []
        for i in 0..<60_000 { bytes.append(contentsOf: Array("\(i),\"v\(i * 7919 % 1000)\"\n".utf8)) }
        return bytes
    }()

    func testGzipRoundTripWithSmallBuffers() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.gz")
        try Fixtures.write(Fixtures.gzip(payload), to: url)
        let reader = try GzipFileReader(path: url.path, bufferSize: 4096)
        XCTAssertEqual(try Fixtures.readAll(reader, chunk: 777), payload)
        XCTAssertEqual(reader.uncompressedOffset, Int64(payload.count))
        XCTAssertEqual(try Fixtures.readAll(reader), [])
    }

    func testGzipConcatenatedMembers() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.gz")
        try Fixtures.write(Fixtures.gzip(Array("a\n".utf8)) + Fixtures.gzip(Array("b\n".utf8)), to: url)
        XCTAssertEqual(try Fixtures.readAll(try GzipFileReader(path: url.path)), Array("a\nb\n".utf8))
    }

    func testGzipOfEmptyInputIsEmpty() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.gz")
        let compressed = Fixtures.gzip([])
        XCTAssertEqual(compressed.count, 20)  // what gpbackup leaves for an empty table
        try Fixtures.write(compressed, to: url)
        XCTAssertEqual(try Fixtures.readAll(try GzipFileReader(path: url.path)), [])
    }

    func testTruncatedGzipIsAnErrorNamingFileAndOffset() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.gz")
        let compressed = Fixtures.gzip(payload)
        try Fixtures.write(Array(compressed.prefix(compressed.count / 2)), to: url)
        XCTAssertThrowsGPBackupError(try Fixtures.readAll(try GzipFileReader(path: url.path, bufferSize: 4096))) {
            if case let .truncatedCompressedData(path, offset, _) = $0 { return path == url.path && offset == Int64(compressed.count / 2) }
            return false
        }
        // A file cut inside the 8-byte trailer is truncated too.
        try Fixtures.write(Array(compressed.dropLast(3)), to: url)
        XCTAssertThrowsGPBackupError(try Fixtures.readAll(try GzipFileReader(path: url.path))) {
            if case .truncatedCompressedData = $0 { return true } else { return false }
        }
    }

    func testCorruptGzipIsAnError() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.gz")
        var compressed = Fixtures.gzip(payload)
        for i in 100..<140 { compressed[i] ^= 0xA5 }
        try Fixtures.write(compressed, to: url)
        XCTAssertThrowsGPBackupError(try Fixtures.readAll(try GzipFileReader(path: url.path))) {
            if case let .corruptCompressedData(path, offset, _) = $0 { return path == url.path && offset >= 100 && offset <= Int64(compressed.count) }
            return false
        }
        try Fixtures.write(Array("not gzip at all".utf8), to: url)
        XCTAssertThrowsGPBackupError(try Fixtures.readAll(try GzipFileReader(path: url.path))) {
            if case let .corruptCompressedData(_, offset, reason) = $0 { return offset <= 15 && reason == "incorrect header check" }
            return false
        }
    }

    func testZstdRoundTripAndConcatenatedFrames() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.zst")
        try Fixtures.write(Fixtures.zstd(payload), to: url)
        XCTAssertEqual(try Fixtures.readAll(try ZstdFileReader(path: url.path, bufferSize: 4096), chunk: 999), payload)
        try Fixtures.write(Fixtures.zstd(Array("a\n".utf8)) + Fixtures.zstd(Array("b\n".utf8)), to: url)
        XCTAssertEqual(try Fixtures.readAll(try ZstdFileReader(path: url.path)), Array("a\nb\n".utf8))
        try Fixtures.write(Fixtures.zstd([]), to: url)
        XCTAssertEqual(try Fixtures.readAll(try ZstdFileReader(path: url.path)), [])
    }

    func testTruncatedAndCorruptZstdAreErrors() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.zst")
        let compressed = Fixtures.zstd(payload)
        try Fixtures.write(Array(compressed.prefix(compressed.count - 10)), to: url)
        XCTAssertThrowsGPBackupError(try Fixtures.readAll(try ZstdFileReader(path: url.path, bufferSize: 4096))) {
            if case let .truncatedCompressedData(path, _, _) = $0 { return path == url.path }
            return false
        }
        var corrupt = compressed
        for i in 0..<4 { corrupt[i] = 0 }  // destroy the frame magic
        try Fixtures.write(corrupt, to: url)
        XCTAssertThrowsGPBackupError(try Fixtures.readAll(try ZstdFileReader(path: url.path))) {
            if case let .corruptCompressedData(path, _, reason) = $0 { return path == url.path && reason == "Unknown frame descriptor" }
            return false
        }
    }

    func testMissingFileIsAnIOError() {
        XCTAssertThrowsGPBackupError(try GzipFileReader(path: "/nonexistent/x.gz")) {
            $0 == .ioError(path: "/nonexistent/x.gz", offset: 0, reason: "No such file or directory")
        }
    }
}
