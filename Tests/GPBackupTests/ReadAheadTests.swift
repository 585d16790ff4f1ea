import Foundation
import XCTest
@testable import GPBackup

/// The read-ahead decompressor: files come out whole and in order whatever the thread timing, an
/// error surfaces at the file it belongs to, and a consumer that stops early leaves no thread
/// behind blocked on a full queue.
final class ReadAheadTests: XCTestCase {
    func makeFiles(_ dir: URL, count: Int, corrupt: Int? = nil) throws -> ([DataFile], [[UInt8]]) {
        var files: [DataFile] = []
        var contents: [[UInt8]] = []
        for i in 0..<count {
            // Several chunks per file, distinct per file.
            let text = (0..<40_000).map { "\(i),\($0)\n" }.joined()
            var compressed = Fixtures.gzip(Array(text.utf8), level: 1)
            if i == corrupt { compressed[compressed.count / 2] ^= 0xFF }
            let url = dir.appendingPathComponent("gpbackup_\(i)_20250101000000_1.gz")
            try Fixtures.write(compressed, to: url)
            files.append(DataFile(url: url, compression: .gzip))
            contents.append(Array(text.utf8))
        }
        return (files, contents)
    }

    func testFilesComeOutWholeAndInOrder() throws {
        let dir = try temporaryDirectory()
        let (files, contents) = try makeFiles(dir, count: 6)
        for workers in [1, 2, 4] {
            let readAhead = SegmentReadAhead(files: files, workers: workers, depth: 2, chunkSize: 8192)
            for index in files.indices {
                var got: [UInt8] = []
                try readAhead.read(file: index) { got.append(contentsOf: $0) }
                XCTAssertEqual(got, contents[index], "file \(index) with \(workers) workers")
            }
        }
    }

    func testCorruptFileFailsAtItsOwnPosition() throws {
        let dir = try temporaryDirectory()
        let (files, contents) = try makeFiles(dir, count: 5, corrupt: 3)
        let readAhead = SegmentReadAhead(files: files, workers: 3, depth: 2, chunkSize: 8192)
        for index in 0..<3 {
            var got: [UInt8] = []
            try readAhead.read(file: index) { got.append(contentsOf: $0) }
            XCTAssertEqual(got, contents[index])
        }
        XCTAssertThrowsGPBackupError(try readAhead.read(file: 3) { _ in }) {
            if case let .corruptCompressedData(path, _, _) = $0 { return path == files[3].url.path }
            return false
        }
    }

    func testConsumerStoppingEarlyReleasesProducers() throws {
        let dir = try temporaryDirectory()
        let (files, _) = try makeFiles(dir, count: 4)
        struct Stop: Error {}
        for _ in 0..<5 {
            var readAhead: SegmentReadAhead? = SegmentReadAhead(files: files, workers: 4, depth: 1, chunkSize: 4096)
            XCTAssertThrowsError(try readAhead?.read(file: 0) { _ in throw Stop() })
            // deinit cancels the producers of files 1-3, which are blocked on their full queues.
            readAhead = nil
        }
    }
}
