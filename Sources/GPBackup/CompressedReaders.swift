import Foundation
import CZlib
import CZstd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only source of (decompressed) bytes. `read` fills at most `buffer.count` bytes and
/// returns how many; 0 means the end of the stream was reached cleanly.
public protocol ByteStreamReader: AnyObject {
    /// The file being read, for error messages.
    var path: String { get }
    /// Uncompressed bytes handed out so far.
    var uncompressedOffset: Int64 { get }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    func close()
}

/// Default size of every fixed buffer: input, output, conversion.
public let defaultStreamBufferSize = 256 * 1024

/// Opens the right reader for a data file's compression.
public func openDataReader(_ file: DataFile, bufferSize: Int = defaultStreamBufferSize) throws -> ByteStreamReader {
    switch file.compression {
    case .none: return try RawFileReader(path: file.url.path)
    case .gzip: return try GzipFileReader(path: file.url.path, bufferSize: bufferSize)
    case .zstd: return try ZstdFileReader(path: file.url.path, bufferSize: bufferSize)
    }
}

/// Unbuffered POSIX file reading: the callers supply their own fixed buffers.
final class PosixFile {
    let path: String
    private var descriptor: Int32
    private(set) var offset: Int64 = 0

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        if descriptor < 0 {
            throw GPBackupError.ioError(path: path, offset: 0, reason: String(cString: strerror(errno)))
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0, descriptor >= 0 else { return 0 }
        while true {
            let n = Glibc.read(descriptor, base, buffer.count)
            if n >= 0 {
                offset += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw GPBackupError.ioError(path: path, offset: offset, reason: String(cString: strerror(errno)))
        }
    }

    func close() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }

    deinit { close() }
}

/// An uncompressed data file.
public final class RawFileReader: ByteStreamReader {
    private let file: PosixFile
    public var path: String { file.path }
    public var uncompressedOffset: Int64 { file.offset }

    public init(path: String) throws { file = try PosixFile(path: path) }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try file.read(into: buffer) }
    public func close() { file.close() }
}

/// Streaming gzip decompression with zlib (`windowBits` 15+32: accept a gzip or zlib header).
/// Concatenated gzip members are read one after the other, as `gzip -d` does.
public final class GzipFileReader: ByteStreamReader {
    private let file: PosixFile
    private var stream = z_stream()
    private var streamInitialized = false
    private let input: UnsafeMutableRawBufferPointer
    private var inputEOF = false
    private var memberEnded = false
    private var finished = false
    public private(set) var uncompressedOffset: Int64 = 0
    public var path: String { file.path }

    public init(path: String, bufferSize: Int = defaultStreamBufferSize) throws {
        file = try PosixFile(path: path)
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bufferSize, 4096), alignment: 16)
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            throw GPBackupError.corruptCompressedData(path: path, offset: 0, reason: "inflateInit2 failed (\(status))")
        }
        streamInitialized = true
    }

    /// Position in the compressed file of the next byte zlib will consume.
    private var compressedOffset: Int64 { file.offset - Int64(stream.avail_in) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let outBase = buffer.baseAddress, buffer.count > 0, !finished else { return 0 }
        stream.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEOF {
                let n = try file.read(into: input)
                if n == 0 {
                    inputEOF = true
                } else {
                    stream.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(n)
                }
            }
            if memberEnded {
                // Another member follows only if there is more input; otherwise we are done.
                if stream.avail_in == 0 && inputEOF {
                    finished = true
                    break
                }
                inflateReset(&stream)
                memberEnded = false
            }
            if stream.avail_in == 0 && inputEOF {
                throw GPBackupError.truncatedCompressedData(path: path, offset: compressedOffset,
                    reason: "the gzip stream ends before its end marker (after \(uncompressedOffset + Int64(buffer.count - Int(stream.avail_out))) uncompressed bytes)")
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                memberEnded = true
            case Z_BUF_ERROR:
                // No progress possible with the current input: need more input (handled above).
                if stream.avail_in != 0 {
                    throw GPBackupError.corruptCompressedData(path: path, offset: compressedOffset, reason: "inflate made no progress")
                }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw GPBackupError.corruptCompressedData(path: path, offset: compressedOffset, reason: message)
            }
        }
        let produced = buffer.count - Int(stream.avail_out)
        uncompressedOffset += Int64(produced)
        return produced
    }

    public func close() {
        if streamInitialized {
            inflateEnd(&stream)
            streamInitialized = false
        }
        file.close()
    }

    deinit {
        close()
        input.deallocate()
    }
}

/// Streaming zstd decompression (`ZSTD_decompressStream`); concatenated frames are allowed.
public final class ZstdFileReader: ByteStreamReader {
    private let file: PosixFile
    private let context: OpaquePointer
    private let input: UnsafeMutableRawBufferPointer
    private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var inputEOF = false
    /// ZSTD_decompressStream's last hint: 0 means a frame was completely decoded and flushed.
    private var frameComplete = true
    private var sawAnyInput = false
    public private(set) var uncompressedOffset: Int64 = 0
    public var path: String { file.path }

    public init(path: String, bufferSize: Int = defaultStreamBufferSize) throws {
        file = try PosixFile(path: path)
        guard let dctx = ZSTD_createDCtx() else {
            throw GPBackupError.corruptCompressedData(path: path, offset: 0, reason: "ZSTD_createDCtx failed")
        }
        context = dctx
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bufferSize, 4096), alignment: 16)
    }

    private var compressedOffset: Int64 { file.offset - Int64(inBuffer.size - inBuffer.pos) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let outBase = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var out = ZSTD_outBuffer(dst: outBase, size: buffer.count, pos: 0)
        while out.pos < out.size {
            if inBuffer.pos == inBuffer.size && !inputEOF {
                let n = try file.read(into: input)
                if n == 0 {
                    inputEOF = true
                } else {
                    inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input.baseAddress), size: n, pos: 0)
                    sawAnyInput = true
                }
            }
            let inputLeft = inBuffer.size - inBuffer.pos
            if inputLeft == 0 && inputEOF {
                // With no input left, a frame may still hold buffered output; one more call drains it.
                if frameComplete { break }
                let before = out.pos
                let hint = ZSTD_decompressStream(context, &out, &inBuffer)
                if ZSTD_isError(hint) != 0 {
                    throw GPBackupError.corruptCompressedData(path: path, offset: compressedOffset, reason: String(cString: ZSTD_getErrorName(hint)))
                }
                frameComplete = hint == 0
                if out.pos == before && !frameComplete {
                    throw GPBackupError.truncatedCompressedData(path: path, offset: compressedOffset,
                        reason: "the zstd frame is incomplete (after \(uncompressedOffset + Int64(out.pos)) uncompressed bytes)")
                }
                continue
            }
            let hint = ZSTD_decompressStream(context, &out, &inBuffer)
            if ZSTD_isError(hint) != 0 {
                throw GPBackupError.corruptCompressedData(path: path, offset: compressedOffset, reason: String(cString: ZSTD_getErrorName(hint)))
            }
            frameComplete = hint == 0
        }
        if out.pos == 0 && !sawAnyInput && inputEOF {
            // An empty file is not a zstd stream (zstd writes a frame even for empty input).
            throw GPBackupError.truncatedCompressedData(path: path, offset: 0, reason: "empty file, no zstd frame")
        }
        uncompressedOffset += Int64(out.pos)
        return out.pos
    }

    public func close() { file.close() }

    deinit {
        ZSTD_freeDCtx(context)
        input.deallocate()
    }
}
