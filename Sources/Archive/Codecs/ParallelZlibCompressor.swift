import CZlib
import Foundation

/// zlib-format (RFC 1950) deflate spread over worker threads, the way pigz does it: the
/// uncompressed stream is cut into fixed-size blocks; each block is deflated on its own as raw
/// deflate, primed with the 32 KiB of input that precede it (so matches still reach back across
/// the cut) and ended with Z_SYNC_FLUSH (the last one with Z_FINISH), which leaves every block's
/// output on a byte boundary so the pieces concatenate into one deflate stream. A 2-byte zlib
/// header in front and the Adler-32 of the whole input behind (per-block checksums joined with
/// adler32_combine) make it one ordinary zlib stream: pg_restore's inflate cannot tell.
///
/// Block boundaries depend only on byte counts of the uncompressed stream, and each block's
/// output only on its bytes, its dictionary and the level, so the result is the same for any
/// number of workers and any way the input is fed in (CompressorDeterminismTests).
///
/// Threads: the caller only copies bytes into the block being filled and hands full blocks to
/// the workers; compressed blocks come back to the caller's `output` strictly in stream order,
/// during later `compress` calls and in `finish`. At most `slotCount` blocks are in flight, so
/// memory is fixed however long the stream is. One instance serves many streams in turn (each
/// `finish` ends one), keeping its threads and deflate states.
public final class ParallelZlibCompressor: StreamCompressor {
    /// 128 KiB, pigz's default: the size cost against one deflate stream is ~0.1 % (the sync
    /// flush marker plus a few restarted Huffman blocks), and small blocks keep the workers busy
    /// and memory low. scripts/bench/dump.py prints the archive size next to pg_dump's.
    public static let defaultBlockSize = 128 * 1024
    /// deflate's window: the most history a match can use, so all a block needs from the past.
    static let dictionarySize = 32 * 1024

    public let level: Int32
    public let blockSize: Int
    public let workerCount: Int
    private let pool: DeflatePool
    private let slots: [DeflateJob]
    /// Sequence number of the block being filled, and of the next block to hand to `output`.
    private var filling = 0
    private var emitted = 0
    private var headerWritten = false
    private var adler: uLong = 1
    /// Deflates a stream's only block on the caller's thread: most tables and every large
    /// object fit in one block, and a round trip through a worker would only add latency.
    private lazy var inline = BlockDeflater(level: level)

    /// - Parameters:
    ///   - level: 1-9, or -1 for zlib's default (6). Level 0 is not supported (stored blocks
    ///     gain nothing from threads); callers use ZlibCompressor for it.
    ///   - workers: compression threads, at least 1.
    public init(level: Int, workers: Int, blockSize: Int = ParallelZlibCompressor.defaultBlockSize) throws {
        let lvl = level == -1 ? 6 : level
        guard (1...9).contains(lvl) else { throw CodecError(codec: "zlib", message: "parallel deflate level \(level) is not 1-9") }
        guard blockSize >= Self.dictionarySize else { throw CodecError(codec: "zlib", message: "block size \(blockSize) is below 32 KiB") }
        self.level = Int32(lvl)
        self.blockSize = blockSize
        self.workerCount = max(1, workers)
        // Two blocks per worker keep every worker fed while the caller waits for the oldest
        // one; two more are the block being filled and the one being written.
        slots = (0..<(2 * workerCount + 2)).map { _ in DeflateJob(capacity: Self.dictionarySize + blockSize) }
        pool = try DeflatePool(workers: workerCount, level: Int32(lvl))
    }

    deinit { pool.shutDown() }

    /// Drops a stream left unfinished (its writer failed midway): waits for the blocks still
    /// with the workers, which always complete, and starts clean.
    public func reset() {
        while emitted < filling {
            _ = pool.isDone(slots[emitted % slots.count], wait: true)
            emitted += 1
        }
        filling = 0
        emitted = 0
        headerWritten = false
        adler = 1
        for s in slots { s.clear() }
    }

    private var current: DeflateJob { slots[filling % slots.count] }

    public func compress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard var src = input.baseAddress else { return }
        var left = input.count
        while left > 0 {
            let job = current
            let n = min(left, blockSize - job.length)
            (job.input + job.dictLength + job.length).update(from: src.assumingMemoryBound(to: UInt8.self), count: n)
            job.length += n
            src += n
            left -= n
            if job.length == blockSize { try handOff(last: false, output: output) }
        }
        // Write whatever the workers have finished meanwhile, without waiting for more.
        try emitReady(wait: false, output: output)
    }

    public func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        if emitted == filling {
            // Nothing in flight: deflate the last (often only) block right here.
            try inline.deflate(current, last: true)
            try emit(current, output: output)
            emitted += 1
        } else {
            try handOff(last: true, output: output)
            while emitted < filling { try emitReady(wait: true, output: output) }
        }
        var trailer = [UInt8](repeating: 0, count: 4)
        for i in 0..<4 { trailer[i] = UInt8(truncatingIfNeeded: adler >> (24 - 8 * i)) }
        try trailer.withUnsafeBytes { try output($0) }
        reset()  // ready for the next stream
    }

    /// Queues the current block and starts the next one with the current block's last 32 KiB
    /// as its dictionary (once that slot's previous block has been written out).
    private func handOff(last: Bool, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        let job = current
        job.last = last
        pool.submit(job)
        filling += 1
        if last { return }
        // The next slot still holds block `filling - slots.count` until it is written.
        while filling - emitted >= slots.count { try emitReady(wait: true, output: output) }
        let next = current
        next.clear()
        next.dictLength = Self.dictionarySize
        next.input.update(from: job.input + job.dictLength + job.length - Self.dictionarySize, count: Self.dictionarySize)
    }

    /// Hands finished blocks to `output` in order; with `wait`, first waits for the oldest.
    private func emitReady(wait: Bool, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        while emitted < filling {
            let job = slots[emitted % slots.count]
            guard pool.isDone(job, wait: wait) else { return }
            try emit(job, output: output)
            emitted += 1
            if wait { return }
        }
    }

    private func emit(_ job: DeflateJob, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let error = job.error { throw error }
        if !headerWritten {
            headerWritten = true
            let h = Self.zlibHeader(level: Int(level))
            try [h.0, h.1].withUnsafeBytes { try output($0) }
        }
        adler = adler32_combine(adler, job.adler, off_t(job.length))
        if job.outputLength > 0 { try output(UnsafeRawBufferPointer(start: job.output, count: job.outputLength)) }
    }

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

/// One block: its dictionary and input, and once deflated, its output and checksum.
final class DeflateJob {
    /// [dictionary (dictLength bytes)][block (length bytes)]
    let input: UnsafeMutablePointer<UInt8>
    var dictLength = 0
    var length = 0
    var last = false
    var done = false
    var output: UnsafeMutablePointer<UInt8>
    var outputCapacity: Int
    var outputLength = 0
    var adler: uLong = 1
    var error: CodecError?

    init(capacity: Int) {
        input = .allocate(capacity: capacity)
        // deflate's worst case for incompressible input is a few bytes per 16 KiB; one grow
        // in `BlockDeflater` covers anything beyond.
        outputCapacity = capacity + capacity / 16 + 64
        output = .allocate(capacity: outputCapacity)
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }

    func clear() {
        dictLength = 0
        length = 0
        last = false
        done = false
        outputLength = 0
        error = nil
    }
}

/// A raw-deflate state reused for block after block (deflateReset keeps level and allocations).
final class BlockDeflater {
    private var stream = z_stream()
    private var initialized = false
    private let level: Int32

    init(level: Int32) { self.level = level }

    deinit { if initialized { deflateEnd(&stream) } }

    func deflate(_ job: DeflateJob, last: Bool) throws {
        if !initialized {
            // windowBits -15: raw deflate, no zlib header or trailer of its own.
            let rc = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else { throw CodecError(codec: "zlib", message: "deflateInit failed (\(rc))") }
            initialized = true
        } else {
            deflateReset(&stream)
        }
        if job.dictLength > 0 {
            let rc = deflateSetDictionary(&stream, job.input, uInt(job.dictLength))
            guard rc == Z_OK else { throw CodecError(codec: "zlib", message: "deflateSetDictionary failed (\(rc))") }
        }
        let data = job.input + job.dictLength
        stream.next_in = data
        stream.avail_in = uInt(job.length)
        job.outputLength = 0
        let flush = last ? Z_FINISH : Z_SYNC_FLUSH
        while true {
            if job.outputLength == job.outputCapacity {
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: job.outputCapacity * 2)
                bigger.update(from: job.output, count: job.outputLength)
                job.output.deallocate()
                job.output = bigger
                job.outputCapacity *= 2
            }
            stream.next_out = job.output + job.outputLength
            stream.avail_out = uInt(job.outputCapacity - job.outputLength)
            let rc = CZlib.deflate(&stream, flush)
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
                throw CodecError(codec: "zlib", message: "deflate failed (\(rc))")
            }
            job.outputLength = job.outputCapacity - Int(stream.avail_out)
            // Done when deflate had room to spare: everything, flush marker included, is out.
            if last ? rc == Z_STREAM_END : stream.avail_out > 0 { break }
        }
        job.adler = adler32(1, data, uInt(job.length))
    }
}

/// Worker threads taking blocks from one queue. A block's `done` flag, set under the lock,
/// is how the caller learns it may write and reuse it.
final class DeflatePool: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [DeflateJob] = []
    private var queueHead = 0
    private var stopping = false

    init(workers: Int, level: Int32) throws {
        for i in 0..<workers {
            let deflater = BlockDeflater(level: level)
            let thread = Thread { [self] in self.work(deflater) }
            thread.name = "pgfunnel-deflate-\(i)"
            thread.start()
        }
    }

    /// Workers finish the block in hand and exit; nobody waits for them, so an error path
    /// that abandons a stream cannot hang here.
    func shutDown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func submit(_ job: DeflateJob) {
        condition.lock()
        job.done = false
        queue.append(job)
        condition.broadcast()
        condition.unlock()
    }

    func isDone(_ job: DeflateJob, wait: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while wait && !job.done { condition.wait() }
        return job.done
    }

    private func work(_ deflater: BlockDeflater) {
        while true {
            condition.lock()
            while queueHead == queue.count && !stopping { condition.wait() }
            if queueHead == queue.count {
                condition.unlock()
                return
            }
            let job = queue[queueHead]
            queueHead += 1
            if queueHead == queue.count {
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
            }
            condition.unlock()
            do {
                try deflater.deflate(job, last: job.last)
            } catch let e as CodecError {
                job.error = e
            } catch {
                job.error = CodecError(codec: "zlib", message: "\(error)")
            }
            condition.lock()
            job.done = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
