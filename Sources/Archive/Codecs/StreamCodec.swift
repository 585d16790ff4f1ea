/// Incremental decompression of one data stream: bytes in, bytes out, no whole-table buffers.
public protocol StreamDecompressor {
    /// Feeds compressed bytes; decompressed output is handed to `output` in pieces.
    mutating func decompress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Called after the last input; fails if the stream was cut short.
    mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws
}

/// Incremental compression of one data stream.
public protocol StreamCompressor {
    mutating func compress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Ends the stream (writes trailers, checksums).
    mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws
}

/// A codec failure; the caller adds file, offset and entry.
public struct CodecError: Error, CustomStringConvertible {
    public let codec: String
    public let message: String
    public var description: String { "\(codec): \(message)" }
}

/// Uncompressed data: passes bytes through.
public struct PassThroughCodec: StreamDecompressor, StreamCompressor {
    public init() {}
    public mutating func decompress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        if input.count > 0 { try output(input) }
    }
    public mutating func compress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        if input.count > 0 { try output(input) }
    }
    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {}
}

/// Builds the decompressor for an archive's compression setting.
public func makeDecompressor(for compression: ArchiveCompression) throws -> StreamDecompressor {
    switch compression.algorithm {
    case .none: return PassThroughCodec()
    case .gzip: return try ZlibDecompressor()
    case .lz4: return try LZ4FrameDecompressor()
    case .zstd: return try ZstdDecompressor()
    }
}

/// Builds the compressor for an archive's compression setting and level.
public func makeCompressor(for algorithm: CompressionAlgorithm, level: Int?) throws -> StreamCompressor {
    switch algorithm {
    case .none: return PassThroughCodec()
    case .gzip: return try ZlibCompressor(level: level ?? -1)
    case .lz4: return try LZ4FrameCompressor(level: level ?? 0)
    case .zstd: return try ZstdCompressor(level: level ?? 3)
    }
}
