import CZlib

/// gzip-format (RFC 1952) deflate for standalone `.gz` files, which `gzip -d` reads. The archive
/// codecs write zlib format (RFC 1950), which pg_dump uses inside archives but gzip does not read.
public struct GzipFileCompressor: StreamCompressor {
    private var deflater: ZlibCompressor

    /// `level` -1 is zlib's default (6).
    public init(level: Int = -1) throws {
        deflater = try ZlibCompressor(level: level, gzipWrapper: true)
    }

    public mutating func compress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try deflater.compress(input, output: output)
    }

    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try deflater.finish(output: output)
    }
}

/// gzip-format inflate for `.gz` files, members concatenated as `gzip` allows (`cat a.gz b.gz`).
public struct GzipFileDecompressor: StreamDecompressor {
    private final class State {
        var stream = z_stream()
        /// Whether the last member ended exactly where the input so far ends.
        var atMemberEnd = false
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: zlibBufferSize)
        deinit {
            inflateEnd(&stream)
            out.deallocate()
        }
    }
    private let state = State()

    public init() throws {
        let rc = inflateInit2_(&state.stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw CodecError(codec: "gzip", message: "inflateInit2 failed (\(rc))") }
    }

    public mutating func decompress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0 else { return }
        state.stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
        state.stream.avail_in = UInt32(input.count)
        while true {
            if state.atMemberEnd {
                // Another member follows.
                guard inflateReset(&state.stream) == Z_OK else { throw CodecError(codec: "gzip", message: "inflateReset failed") }
                state.atMemberEnd = false
            }
            state.stream.next_out = state.out
            state.stream.avail_out = UInt32(zlibBufferSize)
            let rc = inflate(&state.stream, Z_NO_FLUSH)
            let produced = zlibBufferSize - Int(state.stream.avail_out)
            if produced > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: produced)) }
            if rc == Z_STREAM_END {
                state.atMemberEnd = true
                if state.stream.avail_in == 0 { return }
                continue
            }
            if rc == Z_BUF_ERROR && produced == 0 { return }
            guard rc == Z_OK else {
                let msg = state.stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw CodecError(codec: "gzip", message: msg)
            }
            if state.stream.avail_in == 0 && state.stream.avail_out != 0 { return }
        }
    }

    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard state.atMemberEnd else {
            throw CodecError(codec: "gzip", message: "compressed stream ends before its end marker")
        }
    }
}
