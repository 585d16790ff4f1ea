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
    private let ownsDescriptor: Bool
    public private(set) var bytesWritten: Int64 = 0
    /// Told the size of every write that reaches the file (progress displays).
    public var onWrite: ((Int) -> Void)?
    /// Whether `commit()` fsyncs before renaming (pg_dump's default; `--no-sync` turns it off).
    private let sync: Bool
    /// Bytes before this offset have had their writeback started (see `startWriteback`).
    private var writebackStart: Int64 = 0

    public init(path: String?, sync: Bool = true) throws {
        self.sync = sync
        var existing = stat()
        let isSpecialFile = path.map { stat($0, &existing) == 0 && (existing.st_mode & S_IFMT) != S_IFREG } ?? false
        if let path, path != "-", isSpecialFile {
            // /dev/null, a FIFO or a terminal: renaming a file over it would replace the device.
            let opened = open(path, O_WRONLY | O_CLOEXEC)
            guard opened >= 0 else {
                throw ArchiveError.io(file: path, operation: "open output file", errno: errno, detail: String(cString: strerror(errno)))
            }
            self.path = path
            temporaryPath = nil
            fd = opened
            ownsDescriptor = true
        } else if let path, path != "-" {
            let dir = (path as NSString).deletingLastPathComponent
            let base = (path as NSString).lastPathComponent
            let tmp = (dir.isEmpty ? "." : dir) + "/.\(base).pgfunnel-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
            let opened = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard opened >= 0 else {
                throw ArchiveError.io(file: path, operation: "create output file", errno: errno, detail: String(cString: strerror(errno)))
            }
            self.path = path
            temporaryPath = tmp
            fd = opened
            ownsDescriptor = true
        } else {
            self.path = nil
            temporaryPath = nil
            fd = STDOUT_FILENO
            ownsDescriptor = false
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
        // Large pieces (decompressed table data) go straight to the file: copying them into the
        // buffer first would only add a memcpy per byte.
        if bytes.count >= capacity / 8 {
            try flush()
            try writeAll(bytes)
            return
        }
        if buffer.count + bytes.count > capacity { try flush() }
        buffer.append(contentsOf: bytes)
    }

    /// Offset of the next byte written (buffered bytes included).
    public var position: Int64 { bytesWritten + Int64(buffer.count) }

    /// Whether earlier bytes can be rewritten (a regular file, not standard output or a pipe).
    public var canPatch: Bool {
        guard temporaryPath != nil else { return false }
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Rewrites bytes already written at `offset` (used to fill in data offsets in the TOC).
    public func patch(at offset: Int64, _ bytes: [UInt8]) throws {
        try flush()
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.io(file: displayName, operation: "rewrite at offset \(offset)", errno: errno, detail: String(cString: strerror(errno)))
            }
            done += n
        }
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
                throw ArchiveError.io(file: displayName, operation: "write", errno: errno, detail: String(cString: strerror(errno)))
            }
            offset += n
        }
        bytesWritten += Int64(bytes.count)
        onWrite?(bytes.count)
        if sync && temporaryPath != nil && bytesWritten - writebackStart >= Self.writebackChunk { startWriteback() }
    }

    /// Every 8 MiB, asks the kernel to start writing the pages written since the last call
    /// (sync_file_range(SYNC_FILE_RANGE_WRITE), which does not wait). Without it a large file
    /// sits in the page cache until `commit()`, whose fsync then writes all of it while the
    /// command waits; with it the disk works while the data is still arriving and the final
    /// fsync (still what makes the file durable) only flushes the last few megabytes.
    private func startWriteback() {
        if let syncFileRange = Self.syncFileRange {
            _ = syncFileRange(fd, writebackStart, bytesWritten - writebackStart, 2 /* SYNC_FILE_RANGE_WRITE */)
        }
        writebackStart = bytesWritten
    }

    private static let writebackChunk: Int64 = 8 << 20
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    /// Looked up at run time: Linux-only, and declared by glibc only under _GNU_SOURCE.
    private static let syncFileRange: SyncFileRange? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range")
        .map { unsafeBitCast($0, to: SyncFileRange.self) }

    /// Flushes, syncs and moves the file into place.
    public func commit() throws {
        try flush()
        guard let path, let temporaryPath else {
            if ownsDescriptor, fd >= 0 { close(fd); fd = -1 }
            committed = true
            return
        }
        if sync, fsync(fd) != 0 {
            throw ArchiveError.io(file: path, operation: "fsync", errno: errno, detail: String(cString: strerror(errno)))
        }
        close(fd)
        fd = -1
        if rename(temporaryPath, path) != 0 {
            let e = errno
            unlink(temporaryPath)
            throw ArchiveError.io(file: path, operation: "rename into place", errno: e, detail: String(cString: strerror(e)))
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
