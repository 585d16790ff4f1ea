import CZlib
import Foundation

/// zlib-format (RFC 1950) deflate spread over worker threads, the way pigz does it: a stream
/// arrives cut into fixed-size blocks (DataPipeline); each block is deflated on its own as raw
/// deflate, primed with the 32 KiB of input that precede it (so matches still reach back across
/// the cut) and ended with Z_SYNC_FLUSH (the last one with Z_FINISH), which leaves every block's
/// output on a byte boundary so the pieces concatenate into one deflate stream. A 2-byte zlib
/// header in front and the Adler-32 of the whole input behind (per-block checksums joined with
/// adler32_combine) make it one ordinary zlib stream: pg_restore's inflate cannot tell.
///
/// Block boundaries depend only on byte counts of the uncompressed stream, and each block's
/// output only on its bytes, its dictionary and the level, so the result is the same for any
/// number of workers and any way the input is fed in (ParallelDeflateTests,
/// DumpCompressJobsTests).
public final class ParallelDeflateCodec: BlockCodec {
    public let level: Int32
    public let workerCount: Int
    private let workers: DeflateWorkers
    // Writer-side state of the stream being written.
    private var headerWritten = false
    private var adler: uLong = 1

    /// - Parameters:
    ///   - level: 1-9, or -1 for zlib's default (6). Level 0 (stored blocks) gains nothing from
    ///     threads; callers use SerialBlockCodec with ZlibCompressor for it.
    ///   - workers: compression threads, at least 1.
    public init(level: Int, workers: Int) throws {
        let lvl = level == -1 ? 6 : level
        guard (1...9).contains(lvl) else { throw CodecError(codec: "zlib", message: "parallel deflate level \(level) is not 1-9") }
        self.level = Int32(lvl)
        workerCount = max(1, workers)
        self.workers = DeflateWorkers(count: workerCount, level: Int32(lvl))
    }

    deinit { workers.shutDown() }

    public var wantsDictionary: Bool { true }

    public func submit(_ block: DataBlock) { workers.submit(block) }

    public func drain(_ block: DataBlock, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try workers.waitUntilCompressed(block)
        if let error = block.error { throw error }
        if !headerWritten {
            headerWritten = true
            let h = Self.zlibHeader(level: Int(level))
            try [h.0, h.1].withUnsafeBytes { try output($0) }
        }
        adler = adler32_combine(adler, block.checksum, off_t(block.length))
        if block.outputLength > 0, let out = block.output {
            try output(UnsafeRawBufferPointer(start: out, count: block.outputLength))
        }
    }

    public func endStream(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        // The pipeline always sends a last block (empty when the data ended on a block
        // boundary), so the header is out and deflate's final block is written by now.
        precondition(headerWritten, "a deflate stream ended without its last block")
        let trailer = (0..<4).map { UInt8(truncatingIfNeeded: adler >> (24 - 8 * $0)) }
        try trailer.withUnsafeBytes { try output($0) }
        headerWritten = false
        adler = 1
    }

    public func cancel() { workers.cancel() }
    public func shutDown() { workers.shutDown() }

    /// The two header bytes zlib's deflate writes for `level` with windowBits 15, no dictionary:
    /// CMF 0x78, FLEVEL as deflate.c derives it from the level, FCHECK making it divisible by 31.
    public static func zlibHeader(level: Int) -> (UInt8, UInt8) {
        let lvl = level == -1 ? 6 : level
        let flevel = lvl < 2 ? 0 : lvl < 6 ? 1 : lvl == 6 ? 2 : 3
        var h = (0x78 << 8) | (flevel << 6)
        h += 31 - h % 31
        return (UInt8(h >> 8), UInt8(h & 0xFF))
    }
}

/// A raw-deflate state reused for block after block (deflateReset keeps level and allocations).
final class BlockDeflater {
    private var stream = z_stream()
    private var initialized = false
    private let level: Int32

    init(level: Int32) { self.level = level }

    deinit { if initialized { deflateEnd(&stream) } }

    func deflate(_ block: DataBlock) throws {
        if !initialized {
            // windowBits -15: raw deflate, no zlib header or trailer of its own.
            let rc = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else { throw CodecError(codec: "zlib", message: "deflateInit failed (\(rc))") }
            initialized = true
        } else {
            deflateReset(&stream)
        }
        if block.dictionaryLength > 0 {
            let rc = deflateSetDictionary(&stream, block.dictionary, uInt(block.dictionaryLength))
            guard rc == Z_OK else { throw CodecError(codec: "zlib", message: "deflateSetDictionary failed (\(rc))") }
        }
        // deflateBound plus room for the sync-flush marker: one call always fits the block.
        block.ensureOutputCapacity(Int(deflateBound(&stream, uLong(block.capacity))) + 16)
        stream.next_in = block.data
        stream.avail_in = uInt(block.length)
        stream.next_out = block.output
        stream.avail_out = uInt(block.outputCapacity)
        let rc = CZlib.deflate(&stream, block.isLast ? Z_FINISH : Z_SYNC_FLUSH)
        let complete = block.isLast ? rc == Z_STREAM_END : (rc == Z_OK && stream.avail_in == 0 && stream.avail_out > 0)
        guard complete else { throw CodecError(codec: "zlib", message: "deflate did not complete a block (\(rc))") }
        block.outputLength = block.outputCapacity - Int(stream.avail_out)
        block.checksum = adler32(1, block.data, uInt(block.length))
    }
}

/// Worker threads taking blocks from one queue, in submission order. A block's `compressed`
/// flag, set under `finished`'s lock, is how the writer learns it may write and recycle it.
final class DeflateWorkers: @unchecked Sendable {
    /// Guards the queue and `stopping`; workers wait on it for blocks.
    private let queued = NSCondition()
    private var queue = DrainingQueue<DataBlock>()
    private var stopping = false
    /// Guards every block's `compressed` flag and `cancelled`; the writer waits on it.
    private let finished = NSCondition()
    private var cancelled = false

    init(count: Int, level: Int32) {
        for i in 0..<count {
            let deflater = BlockDeflater(level: level)
            let thread = Thread { [self] in self.work(deflater) }
            thread.name = "pgfunnel-deflate-\(i)"
            thread.start()
        }
    }

    /// Workers finish the block in hand and exit; nobody waits for them, so an error path
    /// that abandons a stream cannot hang here.
    func shutDown() {
        queued.lock()
        stopping = true
        queued.broadcast()
        queued.unlock()
    }

    func cancel() {
        finished.lock()
        cancelled = true
        finished.broadcast()
        finished.unlock()
    }

    func submit(_ block: DataBlock) {
        finished.lock()
        block.compressed = false
        finished.unlock()
        queued.lock()
        queue.append(block)
        queued.signal()
        queued.unlock()
    }

    func waitUntilCompressed(_ block: DataBlock) throws {
        finished.lock()
        defer { finished.unlock() }
        while !block.compressed && !cancelled { finished.wait() }
        if !block.compressed { throw PipelineCancelled() }
    }

    private func work(_ deflater: BlockDeflater) {
        BatchScheduling.markCurrentThread()
        while true {
            queued.lock()
            while queue.isEmpty && !stopping { queued.wait() }
            guard let block = queue.popFirst() else {
                queued.unlock()
                return
            }
            queued.unlock()
            do {
                try deflater.deflate(block)
            } catch {
                block.error = error
            }
            finished.lock()
            block.compressed = true
            finished.signal()  // only the writer waits here
            finished.unlock()
        }
    }
}
