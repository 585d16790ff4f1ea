import CZlib

/// Output buffer of one inflate/deflate call: large enough that per-call overhead disappears.
let zlibBufferSize = 256 * 1024

/// zlib-format (RFC 1950) inflate, as pg_dump's gzip setting writes each data stream.
///
/// The z_stream lives in heap memory because zlib keeps a pointer back to it.
public struct ZlibDecompressor: StreamDecompressor {
    private final class State {
        var stream = z_stream()
        var finished = false
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: zlibBufferSize)
        deinit {
            inflateEnd(&stream)
            out.deallocate()
        }
    }
    private let state = State()

    public init() throws {
        let rc = inflateInit_(&state.stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw CodecError(codec: "zlib", message: "inflateInit failed (\(rc))") }
    }

    public mutating func decompress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0 else { return }
        if state.finished {
            // pg_restore ignores bytes after the end of the zlib stream; so do we.
            return
        }
        state.stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
        state.stream.avail_in = UInt32(input.count)
        repeat {
            state.stream.next_out = state.out
            state.stream.avail_out = UInt32(zlibBufferSize)
            let rc = inflate(&state.stream, Z_NO_FLUSH)
            let produced = zlibBufferSize - Int(state.stream.avail_out)
            if produced > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: produced)) }
            if rc == Z_STREAM_END { state.finished = true; break }
            if rc == Z_BUF_ERROR && produced == 0 { break }
            guard rc == Z_OK else {
                let msg = state.stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw CodecError(codec: "zlib", message: msg)
            }
        } while state.stream.avail_in > 0 || state.stream.avail_out == 0
    }

    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !state.finished else { return }
        // Drain whatever inflate still holds, then insist on the stream end marker.
        state.stream.next_in = nil
        state.stream.avail_in = 0
        while true {
            state.stream.next_out = state.out
            state.stream.avail_out = UInt32(zlibBufferSize)
            let rc = inflate(&state.stream, Z_FINISH)
            let produced = zlibBufferSize - Int(state.stream.avail_out)
            if produced > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: produced)) }
            if rc == Z_STREAM_END { state.finished = true; return }
            if rc == Z_BUF_ERROR && produced > 0 { continue }
            let msg = state.stream.msg.map { String(cString: $0) } ?? "compressed stream ends before its end marker"
            throw CodecError(codec: "zlib", message: rc == Z_BUF_ERROR ? "compressed stream ends before its end marker" : msg)
        }
    }
}

/// zlib-format deflate at a given level (-1 = zlib's default, 6).
public struct ZlibCompressor: StreamCompressor {
    private final class State {
        var stream = z_stream()
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: zlibBufferSize)
        deinit {
            deflateEnd(&stream)
            out.deallocate()
        }
    }
    private let state = State()

    /// - Parameter gzipWrapper: write a gzip (RFC 1952) header and trailer instead of zlib's,
    ///   for standalone `.gz` files; archives use zlib format, as pg_dump does.
    public init(level: Int, gzipWrapper: Bool = false) throws {
        // windowBits 15 is deflateInit's default; +16 selects the gzip wrapper.
        let rc = deflateInit2_(&state.stream, Int32(level), Z_DEFLATED, gzipWrapper ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw CodecError(codec: "zlib", message: "deflateInit failed (\(rc))") }
    }

    public mutating func compress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0 else { return }
        state.stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
        state.stream.avail_in = UInt32(input.count)
        try run(flush: Z_NO_FLUSH, output: output)
    }

    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        state.stream.next_in = nil
        state.stream.avail_in = 0
        try run(flush: Z_FINISH, output: output)
    }

    private func run(flush: Int32, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            state.stream.next_out = state.out
            state.stream.avail_out = UInt32(zlibBufferSize)
            let rc = deflate(&state.stream, flush)
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
                throw CodecError(codec: "zlib", message: "deflate failed (\(rc))")
            }
            let produced = zlibBufferSize - Int(state.stream.avail_out)
            if produced > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: produced)) }
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if state.stream.avail_in == 0 && state.stream.avail_out != 0 {
                return
            }
        }
    }
}
