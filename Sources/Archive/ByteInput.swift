#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered, bounds-checked reading from a file descriptor, tracking the absolute byte offset.
///
/// Every read either returns the bytes asked for or throws `ArchiveError.truncated` naming the
/// offset and what was being read; nothing traps on bad input. Works on pipes (sequential only)
/// and on regular files (which can also seek).
public final class ByteInput {
    public let fileName: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: UnsafeMutableRawBufferPointer
    private var bufferStart = 0
    private var bufferEnd = 0
    /// Absolute offset of buffer[0] in the file.
    private var bufferFileOffset: Int64 = 0
    public let isSeekable: Bool
    /// Size of the file when it is a regular file; nil for pipes.
    public let fileSize: Int64?

    /// Opens `path`, or standard input when `path` is nil or "-".
    public init(path: String?, bufferSize: Int = 256 * 1024) throws {
        if let path, path != "-" {
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else {
                let e = errno
                throw ArchiveError.io(file: path, operation: "open input file", errno: e, detail: String(cString: strerror(e)))
            }
            fd = opened
            ownsDescriptor = true
            fileName = path
        } else {
            fd = STDIN_FILENO
            ownsDescriptor = false
            fileName = "standard input"
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
            isSeekable = lseek(fd, 0, SEEK_CUR) >= 0
            fileSize = Int64(st.st_size)
        } else {
            isSeekable = false
            fileSize = nil
        }
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        if isSeekable { bufferFileOffset = Int64(lseek(fd, 0, SEEK_CUR)) }
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// Absolute offset of the next byte to be read.
    public var position: Int64 { bufferFileOffset + Int64(bufferStart) }

    /// Bytes left until end of file, when known.
    public var remaining: Int64? { fileSize.map { $0 - position } }

    /// Refills the buffer; returns false at end of file.
    private func fill() throws -> Bool {
        if bufferStart < bufferEnd { return true }
        bufferFileOffset += Int64(bufferEnd)
        bufferStart = 0
        bufferEnd = 0
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw ArchiveError.io(file: fileName, operation: "read at offset \(position)", errno: e, detail: String(cString: strerror(e)))
            }
            bufferEnd = n
            return n > 0
        }
    }

    /// True when no byte is left.
    public func atEnd() throws -> Bool { try !fill() }

    public func readByte(_ what: @autoclosure () -> String) throws -> UInt8 {
        guard try fill() else { throw ArchiveError.truncated(file: fileName, offset: position, expected: what()) }
        let b = buffer[bufferStart]
        bufferStart += 1
        return b
    }

    /// Reads the next byte, or nil at a clean end of file.
    public func readByteOrEOF() throws -> UInt8? {
        guard try fill() else { return nil }
        let b = buffer[bufferStart]
        bufferStart += 1
        return b
    }

    /// Reads exactly `destination.count` bytes.
    public func read(into destination: UnsafeMutableRawBufferPointer, _ what: @autoclosure () -> String) throws {
        var copied = 0
        while copied < destination.count {
            guard try fill() else { throw ArchiveError.truncated(file: fileName, offset: position, expected: what()) }
            let n = min(bufferEnd - bufferStart, destination.count - copied)
            (destination.baseAddress! + copied).copyMemory(from: buffer.baseAddress! + bufferStart, byteCount: n)
            bufferStart += n
            copied += n
        }
    }

    /// Passes up to `count` bytes to `body` in pieces straight from the buffer, without copying.
    public func stream(_ count: Int, _ what: @autoclosure () -> String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var left = count
        while left > 0 {
            guard try fill() else { throw ArchiveError.truncated(file: fileName, offset: position, expected: what()) }
            let n = min(bufferEnd - bufferStart, left)
            try body(UnsafeRawBufferPointer(start: buffer.baseAddress! + bufferStart, count: n))
            bufferStart += n
            left -= n
        }
    }

    public func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try read(into: $0, what()) }
        return out
    }

    /// Skips `count` bytes, seeking when possible.
    public func skip(_ count: Int64, _ what: @autoclosure () -> String) throws {
        let inBuffer = Int64(bufferEnd - bufferStart)
        if count <= inBuffer {
            bufferStart += Int(count)
            return
        }
        if isSeekable {
            let target = position + count
            if let size = fileSize, target > size {
                throw ArchiveError.truncated(file: fileName, offset: size, expected: what())
            }
            try seek(to: target)
            return
        }
        try stream(Int(count), what()) { _ in }
    }

    /// Moves to an absolute offset (regular files only).
    public func seek(to offset: Int64) throws {
        guard isSeekable else {
            throw ArchiveError.unsupported(file: fileName, detail: "cannot seek in a non-seekable input")
        }
        if offset >= bufferFileOffset && offset <= bufferFileOffset + Int64(bufferEnd) {
            bufferStart = Int(offset - bufferFileOffset)
            return
        }
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
            let e = errno
            throw ArchiveError.io(file: fileName, operation: "seek to offset \(offset)", errno: e, detail: String(cString: strerror(e)))
        }
        bufferFileOffset = offset
        bufferStart = 0
        bufferEnd = 0
    }
}
