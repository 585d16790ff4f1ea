/// How a DataPipeline compresses a stream handed to it block by block.
///
/// Two sides, two threads: `submit` runs on the producing thread the moment a block is full
/// (a parallel codec starts compressing it elsewhere), while `drain` and `endStream` run on the
/// pipeline's writer thread in stream order and hand over the compressed bytes.
public protocol BlockCodec: AnyObject {
    /// Whether each block after a stream's first needs the preceding 32 KiB as its dictionary.
    var wantsDictionary: Bool { get }
    /// Producer side: `block` is complete (and will not change until it is drained).
    func submit(_ block: DataBlock)
    /// Writer side, in stream order: hands `block`'s compressed bytes to `output`.
    func drain(_ block: DataBlock, output: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Writer side, after the stream's last block: trailers, checksums, end of frame.
    func endStream(output: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Wakes a writer waiting in `drain`, which then throws: the pipeline is being abandoned.
    func cancel()
    /// Stops the codec's threads, if it has any. Called once, when no more work will come.
    func shutDown()
}

/// Thrown by a codec's `drain` when the pipeline was abandoned while it waited.
struct PipelineCancelled: Error {}

/// A stream compressor run on the writer thread: every block goes through one ordinary
/// `StreamCompressor` in order (zstd, whose own worker threads do the compressing; lz4; gzip at
/// level 0; no compression). Off the thread that reads COPY data either way.
public final class SerialBlockCodec: BlockCodec {
    private let makeCompressor: () throws -> StreamCompressor
    private var open: StreamCompressor?

    /// - Parameter makeCompressor: the compressor for a new stream; may hand back one shared
    ///   instance made ready for a new stream (zstd keeps its threads that way).
    public init(makeCompressor: @escaping () throws -> StreamCompressor) {
        self.makeCompressor = makeCompressor
    }

    public var wantsDictionary: Bool { false }
    public func submit(_ block: DataBlock) {}

    public func drain(_ block: DataBlock, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        if open == nil { open = try makeCompressor() }
        try open!.compress(block.bytes, output: output)
    }

    public func endStream(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        var c = try open ?? makeCompressor()
        open = nil
        try c.finish(output: output)
    }

    public func cancel() {}
    public func shutDown() {}
}
