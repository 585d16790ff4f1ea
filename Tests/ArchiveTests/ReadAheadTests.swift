import Archive
import Foundation
import TestSupport
import XCTest

/// The read-ahead between the decompressing thread and the COPY: same bytes in the same order as
/// reading in place, bounded memory, errors delivered in order with their context, and a consumer
/// failure that stops the reading thread instead of leaving it running or hanging.
final class ReadAheadTests: XCTestCase {
    struct Stop: Error {}

    // MARK: BufferHandoff

    func testHandoffKeepsOrderAcrossThreads() throws {
        let handoff = BufferHandoff(bufferCount: 3, bufferSize: 8)
        let total = 2000
        let producer = Thread {
            for i in 0..<total {
                guard var b = try? handoff.acquire() else { return }
                b.storage.storeBytes(of: UInt64(i), as: UInt64.self)
                b.count = 8
                handoff.publish(b)
            }
            handoff.finish()
        }
        producer.start()
        var seen: [UInt64] = []
        while case let .buffer(b) = try handoff.next() {
            seen.append(b.bytes.load(as: UInt64.self))
            handoff.release(b)
        }
        XCTAssertEqual(seen, (0..<UInt64(total)).map { $0 })
    }

    func testHandoffNeverLendsMoreThanItsBuffers() throws {
        let handoff = BufferHandoff(bufferCount: 2, bufferSize: 4)
        var a = try handoff.acquire(); a.count = 1
        var b = try handoff.acquire(); b.count = 1
        handoff.publish(a)
        handoff.publish(b)
        let third = DispatchSemaphore(value: 0)
        Thread { if (try? handoff.acquire()) != nil { third.signal() } }.start()
        // No buffer is free: the producer must wait for the consumer.
        XCTAssertEqual(third.wait(timeout: .now() + 0.3), .timedOut)
        guard case let .buffer(first) = try handoff.next() else { return XCTFail("expected a buffer") }
        handoff.release(first)
        XCTAssertEqual(third.wait(timeout: .now() + 5), .success)
    }

    func testHandoffDeliversPublishedBuffersBeforeTheProducersError() throws {
        let handoff = BufferHandoff(bufferCount: 4, bufferSize: 4)
        for n in 1...2 {
            var b = try handoff.acquire()
            b.count = n
            handoff.publish(b)
        }
        handoff.fail(Stop())
        guard case let .buffer(one) = try handoff.next() else { return XCTFail("expected a buffer") }
        XCTAssertEqual(one.count, 1)
        guard case let .buffer(two) = try handoff.next() else { return XCTFail("expected a buffer") }
        XCTAssertEqual(two.count, 2)
        XCTAssertThrowsError(try handoff.next()) { XCTAssertTrue($0 is Stop) }
    }

    func testCancelWakesAWaitingProducer() throws {
        let handoff = BufferHandoff(bufferCount: 1, bufferSize: 4)
        _ = try handoff.acquire()
        let cancelled = DispatchSemaphore(value: 0)
        Thread {
            do { _ = try handoff.acquire() } catch is BufferHandoff.Cancelled { cancelled.signal() } catch {}
        }.start()
        Thread.sleep(forTimeInterval: 0.1)
        handoff.cancel()
        XCTAssertEqual(cancelled.wait(timeout: .now() + 5), .success)
    }

    // MARK: readDataAhead

    /// FNV-1a of a byte stream.
    struct Digest: Equatable {
        var hash: UInt64 = 0xcbf29ce484222325
        var count = 0
        mutating func add(_ b: UnsafeRawBufferPointer) {
            for byte in b { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            count += b.count
        }
    }

    func streamEntries(_ reader: ArchiveReader) -> [TocEntry] {
        reader.entries.filter { $0.hasData && $0.desc != "BLOBS" && $0.desc != "BLOB COMMENTS" }
    }

    func testSameBytesAsReadingInPlaceForEveryFixture() throws {
        XCTAssertGreaterThan(Fixtures.archives.count, 20)
        var compared = 0
        // Tiny buffers force pieces to be split across buffers and the producer to wait.
        let settings = [ReadAheadSettings.standard, ReadAheadSettings(bufferCount: 2, bufferSize: 4093)]
        for archive in Fixtures.archives {
            // One reader each: archives without data offsets (piped) can only be read in order once.
            let reader = try ArchiveReader(path: archive.path)
            let aheadReaders = try settings.map { _ in try ArchiveReader(path: archive.path) }
            for e in streamEntries(reader) {
                var direct = Digest()
                try reader.readData(of: e) { if case let .bytes(b) = $0 { direct.add(b) } }
                for (settings, aheadReader) in zip(settings, aheadReaders) {
                    var ahead = Digest()
                    try aheadReader.readDataAhead(of: e, settings: settings) { ahead.add($0) }
                    XCTAssertEqual(ahead, direct, "\(archive.lastPathComponent) \(e.label) \(settings)")
                }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 50)
    }

    var sample: URL {
        Fixtures.archives.first { $0.lastPathComponent == "pg15-gzip.dump" } ?? Fixtures.archives[0]
    }

    /// The TABLE DATA entry with the most decompressed bytes.
    func largestTableData(_ reader: ArchiveReader) throws -> TocEntry {
        var best: (TocEntry, Int)?
        for e in streamEntries(reader) where e.desc == "TABLE DATA" {
            var d = Digest()
            try reader.readData(of: e) { if case let .bytes(b) = $0 { d.add(b) } }
            if d.count > (best?.1 ?? -1) { best = (e, d.count) }
        }
        let found = try XCTUnwrap(best)
        XCTAssertGreaterThan(found.1, 100, "the sample needs a table with some data")
        return found.0
    }

    func testCorruptDataErrorArrivesAfterTheBytesBeforeIt() throws {
        let dir = try Fixtures.temporaryDirectory("readahead")
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = [UInt8](try Data(contentsOf: sample))
        let big = try largestTableData(ArchiveReader(path: sample.path))
        // Damage the zlib stream a little way in, past the first chunk header.
        let at = Int(big.dataOffset) + 1 + 5 + 5 + 40
        for i in 0..<16 { bytes[at + i] ^= 0xA5 }
        let path = dir.appendingPathComponent("corrupt.dump").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = try ArchiveReader(path: path)

        var direct = Digest()
        var directError: Error?
        do { try reader.readData(of: big) { if case let .bytes(b) = $0 { direct.add(b) } } } catch { directError = error }
        let expected = try XCTUnwrap(directError as? ArchiveError)

        var ahead = Digest()
        XCTAssertThrowsError(try reader.readDataAhead(of: big, settings: .init(bufferCount: 2, bufferSize: 5)) { ahead.add($0) }) { error in
            XCTAssertEqual(error as? ArchiveError, expected)
            XCTAssertTrue("\(error)".contains("corrupt data for \(big.label) at offset"), "\(error)")
        }
        XCTAssertEqual(ahead, direct)
    }

    func testConsumerErrorStopsTheReaderAndLeavesItUsable() throws {
        let reader = try ArchiveReader(path: sample.path)
        let entries = streamEntries(reader).filter { $0.desc == "TABLE DATA" }
        let big = try largestTableData(reader)
        var calls = 0
        XCTAssertThrowsError(try reader.readDataAhead(of: big, settings: .init(bufferCount: 2, bufferSize: 16)) { _ in
            calls += 1
            if calls == 3 { throw Stop() }
        }) { XCTAssertTrue($0 is Stop, "\($0)") }
        XCTAssertEqual(calls, 3)
        // The reading thread has finished with the reader: every entry reads correctly again.
        for e in entries {
            var direct = Digest()
            try reader.readData(of: e) { if case let .bytes(b) = $0 { direct.add(b) } }
            var ahead = Digest()
            try reader.readDataAhead(of: e) { ahead.add($0) }
            XCTAssertEqual(ahead, direct, e.label)
        }
    }
}
