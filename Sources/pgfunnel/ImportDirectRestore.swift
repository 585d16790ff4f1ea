#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Archive
import GPBackup
import Restore

/// `import-gpbackup -d` without staging an archive: the restore engine replays a data-less
/// archive (its TOC, with an empty data block per table) that is written into a pipe by a second
/// thread, and this target sits in front of the database target. When the engine starts a
/// table's `COPY ... FROM stdin`, the target streams that table's merged segment rows straight
/// into it. So the statements, their order, ownership and error handling are exactly those of
/// `import-gpbackup -f` followed by `restore -d`, and nothing but the TOC passes through the pipe.
final class StreamingImportTarget: RestoreTarget, CountsErrors {
    let inner: DatabaseTarget
    let sources: [Int: TableDataSource]
    private var current: TocEntry?
    private(set) var tables: [ExportedTable] = []
    private let progress: (ExportedTable) -> Void

    init(inner: DatabaseTarget, sources: [Int: TableDataSource], progress: @escaping (ExportedTable) -> Void) {
        self.inner = inner
        self.sources = sources
        self.progress = progress
    }

    var isDatabase: Bool { inner.isDatabase }
    var serverMajorVersion: Int? { inner.serverMajorVersion }
    var failedEntryIds: Set<Int> { inner.failedEntryIds }
    var errorCount: Int { inner.errorCount }

    func enterEntry(_ entry: TocEntry?) {
        current = entry
        inner.enterEntry(entry)
    }

    func sql(_ text: String) throws { try inner.sql(text) }
    func setting(_ text: String, terminator: String, failureIsFatal: Bool, describe: String) throws {
        try inner.setting(text, terminator: terminator, failureIsFatal: failureIsFatal, describe: describe)
    }

    func beginCopy(_ statement: String) throws {
        let errorsBefore = inner.errorCount
        try inner.beginCopy(statement)
        // A COPY the server refused (its table failed) gets no rows, as pg_restore sends none.
        guard inner.errorCount == errorsBefore, let entry = current, let source = sources[entry.dumpId] else { return }
        var bytes: Int64 = 0
        let rows = try source.stream { chunk in
            bytes += Int64(chunk.count)
            try inner.copyData(chunk)
        }
        let table = ExportedTable(name: source.qualifiedName, rows: rows, rowsCopied: source.rowsCopied,
                                  segmentFiles: source.parts.count, bytes: bytes)
        tables.append(table)
        progress(table)
    }

    func copyData(_ bytes: UnsafeRawBufferPointer) throws { try inner.copyData(bytes) }
    func endCopy(tag: String) throws { try inner.endCopy(tag: tag) }
    func otherData(_ bytes: UnsafeRawBufferPointer) throws { try inner.otherData(bytes) }
    func beginLargeObject(oid: UInt32, createFirst: Bool) throws { try inner.beginLargeObject(oid: oid, createFirst: createFirst) }
    func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws { try inner.largeObjectData(bytes) }
    func endLargeObject(oid: UInt32) throws { try inner.endLargeObject(oid: oid) }
    func reconnect(to database: String, restrictKey: String?) throws { try inner.reconnect(to: database, restrictKey: restrictKey) }
    func finish() throws { try inner.finish() }
}

/// Writes `export`'s data-less archive into a pipe on a background thread and opens a reader on
/// the other end. The writer needs no joining: once the restore is over, dropping the reader
/// closes the pipe, and a writer still blocked on it gets EPIPE and ends.
final class SkeletonArchivePipe {
    /// What the writer thread reports back.
    private final class WriterState {
        let done = DispatchSemaphore(value: 0)
        var error: Error?
    }
    let reader: ArchiveReader

    init(export: ArchiveExport) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CommandFailure("cannot create a pipe: \(String(cString: strerror(errno)))") }
        // A restore that stops early closes the read end; the writer must get EPIPE, not die.
        signal(SIGPIPE, SIG_IGN)
        let output: OutputFile
        do {
            output = try OutputFile(path: "/proc/self/fd/\(fds[1])", sync: false)
        } catch {
            close(fds[0]); close(fds[1])
            throw error
        }
        close(fds[1])
        let state = WriterState()
        let thread = Thread {
            do { try export.write(to: output, withData: false) } catch { state.error = error }
            state.done.signal()
        }
        thread.start()
        do {
            reader = try ArchiveReader(path: "/proc/self/fd/\(fds[0])")
        } catch {
            close(fds[0])
            // The writer failed (its error says why) or wrote something unreadable.
            state.done.wait()
            throw state.error ?? error
        }
        close(fds[0])
    }
}
