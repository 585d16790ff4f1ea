import Foundation

/// Where a DataPipeline's writer thread puts what it produces, in order.
public protocol PipelineSink: AnyObject {
    /// Bytes written as they are (block headers, large-object OIDs, end markers).
    func writeRaw(_ bytes: [UInt8]) throws
    /// The position of the next byte is entry `index`'s data offset.
    func markOffset(entry index: Int)
    /// A data stream starts; `id` is the caller's (a dump ID).
    func beginStream(id: Int)
    /// Uncompressed bytes of the open stream, in order (for digests).
    func observe(_ uncompressed: UnsafeRawBufferPointer)
    /// Compressed bytes of the open stream, in order.
    func writeStreamBytes(_ bytes: UnsafeRawBufferPointer) throws
    /// The open stream's compressed bytes are complete.
    func endStream() throws
}

/// Compresses and writes data streams off the thread that produces them.
///
/// The producer (the thread reading COPY data) only copies bytes into fixed-size blocks; a full
/// block is handed to the codec (which may start compressing it on worker threads) and queued
/// for the writer thread, which takes blocks, stream boundaries and raw markers strictly in the
/// order they were queued, gets each block's compressed bytes from the codec and hands them to
/// the sink. So reading, compressing and writing overlap, a table's end does not wait for its
/// last blocks before the next table's rows are read, and the output is the same bytes as if
/// everything ran on one thread.
///
/// Memory is bounded: at most `maximumBlocks` blocks exist; the producer waits for the writer
/// to recycle one when all are in flight. An error on the writer side (a full disk, corrupt
/// compression state) surfaces as the producer's next call throwing it.
public final class DataPipeline {
    /// 1 MiB: per-block costs (dictionary priming, the flush marker, a hand-off between
    /// threads) fall below 3 % of deflate's work, and a few blocks per worker stay a few MB.
    public static let defaultBlockSize = 1 << 20

    enum Item {
        case raw([UInt8])
        case mark(Int)
        case begin(Int)
        case block(DataBlock)
        case end
    }

    public let blockSize: Int
    public let maximumBlocks: Int
    private let codec: BlockCodec
    private let sink: PipelineSink

    private let condition = NSCondition()
    // Guarded by `condition`:
    private var items = DrainingQueue<Item>()
    private var freeBlocks: [DataBlock] = []
    private var allocatedBlocks = 0
    private var failure: Error?
    private var closed = false
    private var abandoned = false
    private var writerExited = false

    /// Called on the producing thread with the size of each block of uncompressed bytes as it
    /// leaves for the codec: what the progress line's ETA counts.
    public var onBlock: ((Int) -> Void)?

    // Producer-side state (only the producing thread touches these).
    /// The producing thread was made SCHED_BATCH for the pipeline's lifetime (BatchScheduling).
    private let producerMarkedBatch: Bool
    private var current: DataBlock?
    private var streamOpen = false
    private var finished = false

    /// - Parameters:
    ///   - maximumBlocks: blocks in existence at once, at least 3 (one being filled, one being
    ///     compressed or written, one queued).
    public init(codec: BlockCodec, sink: PipelineSink, blockSize: Int = DataPipeline.defaultBlockSize, maximumBlocks: Int) {
        precondition(blockSize >= DataBlock.dictionaryCapacity, "blocks must hold a whole deflate window")
        self.codec = codec
        self.sink = sink
        self.blockSize = blockSize
        self.maximumBlocks = max(3, maximumBlocks)
        producerMarkedBatch = BatchScheduling.markCurrentThread()
        let thread = Thread { [self] in self.runWriter() }
        thread.name = "pgfunnel-writer"
        thread.start()
    }

    deinit { abandon() }

    /// Blocks allocated so far (never more than `maximumBlocks`).
    public var blocksAllocated: Int {
        condition.lock()
        defer { condition.unlock() }
        return allocatedBlocks
    }

    // MARK: producer side

    /// Queues bytes written as they are, between streams.
    public func writeRaw(_ bytes: [UInt8]) throws {
        precondition(!streamOpen, "raw bytes inside a data stream")
        try enqueue(.raw(bytes))
    }

    /// Records that entry `index`'s data starts at the next byte written.
    public func markOffset(entry index: Int) throws {
        try enqueue(.mark(index))
    }

    public func beginStream(id: Int) throws {
        precondition(!streamOpen, "a data stream started inside another")
        try enqueue(.begin(id))
        streamOpen = true
    }

    /// Appends uncompressed bytes to the open stream.
    @inline(__always)
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if let block = current, block.room >= bytes.count {
            _ = block.append(base, count: bytes.count)
            return
        }
        try appendSlowly(base, count: bytes.count)
    }

    private func appendSlowly(_ base: UnsafeRawPointer, count: Int) throws {
        precondition(streamOpen, "data outside a stream")
        var source = base
        var left = count
        while left > 0 {
            if current == nil { current = try acquireBlock() }
            let taken = current!.append(source, count: left)
            source += taken
            left -= taken
            if current!.room == 0 { try handOff(last: false) }
        }
    }

    /// Ends the open stream: its last block (possibly empty) goes out, then the end marker.
    public func endStream() throws {
        precondition(streamOpen, "endStream without beginStream")
        if current == nil { current = try acquireBlock() }
        try handOff(last: true)
        try enqueue(.end)
        streamOpen = false
    }

    /// Waits until the writer has written everything queued, then stops it. Rethrows the
    /// writer's error, if it had one.
    public func finish() throws {
        precondition(!streamOpen, "finish with a data stream open")
        guard !finished else { return }
        finished = true
        condition.lock()
        closed = true
        condition.broadcast()
        while !writerExited { condition.wait() }
        let error = failure
        condition.unlock()
        codec.shutDown()
        if producerMarkedBatch { BatchScheduling.restoreCurrentThread() }
        if let error { throw error }
    }

    /// Stops everything without writing what is still queued, and waits for the writer thread
    /// to be gone: after this returns nothing touches the sink any more.
    public func abandon() {
        condition.lock()
        if writerExited && finished {
            condition.unlock()
            return
        }
        abandoned = true
        condition.broadcast()
        condition.unlock()
        codec.cancel()
        condition.lock()
        while !writerExited { condition.wait() }
        condition.unlock()
        if !finished {
            finished = true
            codec.shutDown()
            if producerMarkedBatch { BatchScheduling.restoreCurrentThread() }
        }
    }

    /// Hands the current block to the codec and the writer; a block that is not the stream's
    /// last is followed by a fresh one primed with its tail, when the codec wants that.
    private func handOff(last: Bool) throws {
        let block = current!
        block.isLast = last
        current = nil
        onBlock?(block.length)
        if !last {
            // Taken before `block` is queued: once queued, the writer may recycle it.
            let next = try acquireBlock()
            if codec.wantsDictionary { next.takeDictionary(from: block) }
            current = next
        }
        codec.submit(block)
        try enqueue(.block(block))
    }

    private func acquireBlock() throws -> DataBlock {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let failure { throw failure }
            if let block = freeBlocks.popLast() {
                block.reset()
                return block
            }
            if allocatedBlocks < maximumBlocks {
                allocatedBlocks += 1
                return DataBlock(capacity: blockSize)
            }
            condition.wait()
        }
    }

    private func enqueue(_ item: Item) throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        items.append(item)
        condition.broadcast()
    }

    // MARK: writer thread

    private func runWriter() {
        // Also inherited by the threads libzstd starts from here for its workers.
        BatchScheduling.markCurrentThread()
        while true {
            condition.lock()
            while items.isEmpty && !closed && !abandoned { condition.wait() }
            guard !abandoned, let item = items.popFirst() else {
                writerExited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.unlock()
            do {
                try write(item)
            } catch {
                condition.lock()
                if !(error is PipelineCancelled) { failure = error }
                writerExited = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    private func write(_ item: Item) throws {
        switch item {
        case let .raw(bytes):
            try sink.writeRaw(bytes)
        case let .mark(index):
            sink.markOffset(entry: index)
        case let .begin(id):
            sink.beginStream(id: id)
        case let .block(block):
            sink.observe(block.bytes)
            try codec.drain(block) { try sink.writeStreamBytes($0) }
            condition.lock()
            freeBlocks.append(block)
            condition.broadcast()
            condition.unlock()
        case .end:
            try codec.endStream { try sink.writeStreamBytes($0) }
            try sink.endStream()
        }
    }
}
