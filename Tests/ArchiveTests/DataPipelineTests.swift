import Archive
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// DataPipeline: the writer thread sees everything in the order it was queued, errors on its
/// side reach the producer, memory stays at a fixed number of blocks, and abandoning it midway
/// neither hangs nor lets anything reach the sink afterwards.
final class DataPipelineTests: XCTestCase {
    static let block = 64 * 1024

    func testRawMarkersAndStreamsKeepTheirOrder() throws {
        let sink = MemorySink()
        let pipeline = DataPipeline(codec: SerialBlockCodec { PassThroughCodec() }, sink: sink, blockSize: Self.block, maximumBlocks: 3)
        let big = ParallelDeflateTests.rows(3 * Self.block + 10)
        try pipeline.writeRaw([1])
        try pipeline.markOffset(entry: 7)
        try pipeline.beginStream(id: 7)
        try big.withUnsafeBytes { try pipeline.append($0) }
        try pipeline.endStream()
        try pipeline.writeRaw([2])
        try pipeline.beginStream(id: 8)
        try pipeline.endStream()  // an empty stream
        try pipeline.writeRaw([3])
        try pipeline.finish()
        XCTAssertEqual(sink.log, ["raw [1]", "mark 7", "begin 7", "end", "raw [2]", "begin 8", "end", "raw [3]"])
        XCTAssertEqual(sink.streams, [big, []])
    }

    /// zstd and the other stream codecs run on the writer thread: same bytes as compressing
    /// on the caller's thread.
    func testSerialCodecWritesWhatTheCompressorWritesDirectly() throws {
        let data = ParallelDeflateTests.rows(5 * Self.block + 321)
        for algorithm in [CompressionAlgorithm.zstd, .lz4, .gzip, .none] {
            let sink = MemorySink()
            let pipeline = DataPipeline(codec: SerialBlockCodec { try makeCompressor(for: algorithm, level: nil) }, sink: sink,
                                        blockSize: Self.block, maximumBlocks: 4)
            try pipeline.beginStream(id: 1)
            try ParallelDeflateTests.feed(data, pieces: [1000, 77]) { try pipeline.append($0) }
            try pipeline.endStream()
            try pipeline.finish()
            let direct = try ParallelDeflateTests.compress(data, with: makeCompressor(for: algorithm, level: nil), pieces: [Self.block])
            XCTAssertEqual(sink.streams, [direct], "\(algorithm)")
        }
    }

    /// A sink that fails (a full disk) stops the pipeline: the producer's next calls throw the
    /// sink's own error, even when it was waiting for a free block, and `finish` does too.
    func testWriterErrorReachesTheProducer() throws {
        struct DiskFull: Error {}
        final class FailingSink: PipelineSink {
            var written = 0
            func writeRaw(_ bytes: [UInt8]) throws {}
            func markOffset(entry index: Int) {}
            func beginStream(id: Int) {}
            func observe(_ uncompressed: UnsafeRawBufferPointer) {}
            func writeStreamBytes(_ bytes: UnsafeRawBufferPointer) throws {
                written += bytes.count
                if written > 2 * DataPipelineTests.block { throw DiskFull() }
            }
            func endStream() throws {}
        }
        let pipeline = DataPipeline(codec: SerialBlockCodec { PassThroughCodec() }, sink: FailingSink(), blockSize: Self.block, maximumBlocks: 3)
        let chunk = [UInt8](repeating: 65, count: 1000)
        try pipeline.beginStream(id: 1)
        var thrown: Error?
        for _ in 0..<10_000 {
            do { try chunk.withUnsafeBytes { try pipeline.append($0) } } catch { thrown = error; break }
        }
        XCTAssertTrue(thrown is DiskFull, "append threw \(String(describing: thrown))")
        XCTAssertThrowsError(try pipeline.endStream()) { XCTAssertTrue($0 is DiskFull) }
    }

    /// The producer never has more than `maximumBlocks` blocks in existence, however much data
    /// passes through a slow writer.
    func testBlocksInFlightAreBounded() throws {
        final class SlowSink: PipelineSink {
            func writeRaw(_ bytes: [UInt8]) throws {}
            func markOffset(entry index: Int) {}
            func beginStream(id: Int) {}
            func observe(_ uncompressed: UnsafeRawBufferPointer) {}
            func writeStreamBytes(_ bytes: UnsafeRawBufferPointer) throws { usleep(200) }
            func endStream() throws {}
        }
        let pipeline = DataPipeline(codec: SerialBlockCodec { PassThroughCodec() }, sink: SlowSink(), blockSize: Self.block, maximumBlocks: 4)
        let chunk = [UInt8](repeating: 66, count: 4096)
        try pipeline.beginStream(id: 1)
        for _ in 0..<(200 * Self.block / chunk.count) {
            try chunk.withUnsafeBytes { try pipeline.append($0) }
            XCTAssertLessThanOrEqual(pipeline.blocksAllocated, 4)
        }
        try pipeline.endStream()
        try pipeline.finish()
        XCTAssertEqual(pipeline.blocksAllocated, 4)
    }

    /// The producing thread runs SCHED_BATCH while the pipeline lives and gets its own policy back
    /// when it finishes or is abandoned (a library caller's thread is left as it was).
    func testProducerThreadGetsItsSchedulingPolicyBack() throws {
        #if os(Linux)
        let before = sched_getscheduler(0)
        for abandon in [false, true] {
            let pipeline = DataPipeline(codec: SerialBlockCodec { PassThroughCodec() }, sink: MemorySink(), blockSize: Self.block, maximumBlocks: 3)
            XCTAssertEqual(sched_getscheduler(0), 3, "SCHED_BATCH while the pipeline runs")
            if abandon { pipeline.abandon() } else { try pipeline.finish() }
            XCTAssertEqual(sched_getscheduler(0), before, abandon ? "after abandon" : "after finish")
        }
        #endif
    }

    /// A dump that fails midway (a COPY error) abandons its pipeline with blocks still queued
    /// and being compressed: abandon returns promptly, and the sink hears nothing afterwards.
    func testAbandonMidStreamStopsTheWriter() throws {
        final class CountingSink: PipelineSink {
            let lock = NSLock()
            var calls = 0
            func count() { lock.lock(); calls += 1; lock.unlock() }
            func writeRaw(_ bytes: [UInt8]) throws { count() }
            func markOffset(entry index: Int) { count() }
            func beginStream(id: Int) { count() }
            func observe(_ uncompressed: UnsafeRawBufferPointer) {}
            func writeStreamBytes(_ bytes: UnsafeRawBufferPointer) throws { count() }
            func endStream() throws { count() }
        }
        let sink = CountingSink()
        let pipeline = DataPipeline(codec: try ParallelDeflateCodec(level: 9, workers: 2), sink: sink, blockSize: Self.block, maximumBlocks: 6)
        let data = ParallelDeflateTests.rows(40 * Self.block)
        try pipeline.beginStream(id: 1)
        try data.withUnsafeBytes { try pipeline.append($0) }
        let started = Date()
        pipeline.abandon()
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        sink.lock.lock()
        let callsAtAbandon = sink.calls
        sink.lock.unlock()
        usleep(100_000)
        sink.lock.lock()
        XCTAssertEqual(sink.calls, callsAtAbandon)
        sink.lock.unlock()
    }
}
