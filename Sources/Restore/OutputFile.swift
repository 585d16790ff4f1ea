#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A buffered output file that appears at its final path only when complete.
///
/// Writing goes to a temporary file in the same directory; `commit()` fsyncs and renames it into
/// place, `abandon()` (or deinit without commit) removes it. So a run that fails leaves nothing
/// half-written at the destination. Standard output ("-" or nil) is written directly.
public final class OutputFile {
    public let path: String?
    private let temporaryPath: String?
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 256 * 1024
    private var committed = false
    public private(set) var bytesWritten: Int64 = 0

    public init(path: String?) throws {
        if let path, path != "-" {
            let dir = (path as NSString).deletingLastPathComponent
            let base = (path as NSString).lastPathComponent
            let tmp = (dir.isEmpty ? "." : dir) + "/.\(base).pgfunnel-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
            let opened = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard opened >= 0 else {
                throw RestoreError.output(file: path, detail: String(cString: strerror(errno)))
            }
            self.path = path
            temporaryPath = tmp
            fd = opened
        } else {
            self.path = nil
            temporaryPath = nil
            fd = STDOUT_FILENO
        }
        buffer.reserveCapacity(capacity)
    }

    deinit {
        if !committed { abandon() }
    }

    private var displayName: String { path ?? "standard output" }

    public func write(_ text: String) throws {
        var t = text
        try t.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > capacity {
            try flush()
            if bytes.count >= capacity {
                try writeAll(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw RestoreError.output(file: displayName, detail: String(cString: strerror(errno)))
            }
            offset += n
        }
        bytesWritten += Int64(bytes.count)
    }

    /// Flushes, syncs and moves the file into place.
    public func commit() throws {
        try flush()
        guard let path, let temporaryPath else { committed = true; return }
        if fsync(fd) != 0 {
            throw RestoreError.output(file: path, detail: String(cString: strerror(errno)))
        }
        close(fd)
        fd = -1
        if rename(temporaryPath, path) != 0 {
            let e = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw RestoreError.output(file: path, detail: e)
        }
        committed = true
    }

    /// Discards a partly written file.
    public func abandon() {
        guard !committed else { return }
        committed = true
        if let temporaryPath {
            if fd >= 0 { close(fd) }
            fd = -1
            unlink(temporaryPath)
        }
    }
}
