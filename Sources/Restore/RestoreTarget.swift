import Archive

/// Where a restore goes: a SQL script (what `pg_restore -f` prints) or a live database.
///
/// The restorer decides what to say and in which order; a target decides how: a script writes
/// text, a database executes it. Large objects and COPY data get their own calls because the two
/// targets carry them differently (lowrite() calls in a script, the large-object API and COPY
/// protocol on a connection).
public protocol RestoreTarget: AnyObject {
    /// True when statements go to a server: no TOC comments, and errors are counted, not fatal.
    var isDatabase: Bool { get }
    /// The connected server's major version; nil for scripts. Settings a server would reject
    /// (transaction_timeout before 17) are not sent to it.
    var serverMajorVersion: Int? { get }
    /// Dump ids of entries whose commands failed (for --no-data-for-failed-tables).
    var failedEntryIds: Set<Int> { get }
    /// SQL text exactly as pg_restore would print it (statements, comments, blank lines).
    func sql(_ text: String) throws
    /// Executes a session-level setting (SET search_path, SET SESSION AUTHORIZATION ...).
    /// `text` is the bare command; scripts print it followed by `terminator`.
    func setting(_ text: String, terminator: String, failureIsFatal: Bool, describe: String) throws
    /// Starts a table's COPY (the statement from the TOC entry, e.g. "COPY t (a) FROM stdin;\n").
    func beginCopy(_ statement: String) throws
    /// COPY data rows (including the terminating "\." line, which is part of the archive data).
    func copyData(_ bytes: UnsafeRawBufferPointer) throws
    /// Called after the last COPY data of a table.
    func endCopy(tag: String) throws
    /// Data of a TABLE DATA entry written as INSERT commands, or old BLOB COMMENTS data.
    func otherData(_ bytes: UnsafeRawBufferPointer) throws
    func beginLargeObject(oid: UInt32, createFirst: Bool) throws
    func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws
    func endLargeObject(oid: UInt32) throws
    /// Reconnects to `database` (-C): a \connect line in scripts, a new connection otherwise.
    func reconnect(to database: String, restrictKey: String?) throws
    /// Tells the target which TOC entry is being processed (for error reports).
    func enterEntry(_ entry: TocEntry?)
    /// Flushes and reports errors left pending.
    func finish() throws
}

/// Messages pg_restore writes to stderr: informational ones only with -v, warnings always.
public protocol RestoreDiagnostics: AnyObject {
    func info(_ message: String)
    func warning(_ message: String)
    /// An error that was counted and skipped (without --exit-on-error).
    func error(_ message: String)
}

/// Diagnostics that go nowhere (library use, tests).
public final class SilentDiagnostics: RestoreDiagnostics {
    public private(set) var warnings: [String] = []
    public init() {}
    public func info(_ message: String) {}
    public func warning(_ message: String) { warnings.append(message) }
    public private(set) var errors: [String] = []
    public func error(_ message: String) { errors.append(message) }
}

/// Targets that count errors instead of stopping (databases without --exit-on-error).
public protocol CountsErrors {
    var errorCount: Int { get }
}
