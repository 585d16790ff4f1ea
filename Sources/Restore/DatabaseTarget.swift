import Archive
import Postgres

/// A restore target that executes what pg_restore would send to a server: every piece of SQL
/// the restorer produces is run as one simple query, COPY data streams into COPY FROM STDIN, and
/// large objects are written through lo_open/lowrite in 16 KiB pieces.
///
/// Errors are reported the way pg_restore reports them ("could not execute query: ERROR: ...
/// Command was: ...") and counted; with --exit-on-error the first one ends the run.
public final class DatabaseTarget: RestoreTarget, CountsErrors {
    public var isDatabase: Bool { true }
    public var serverMajorVersion: Int? { connection.serverMajor }
    public var failedEntryIds: Set<Int> { failedEntries }
    private(set) var connection: Connection
    /// The parameters of the current connection (after -C, those of the new database), so that
    /// parallel workers connect where the leader is.
    public private(set) var currentParameters: ConnectionParameters
    private let passwordProvider: PasswordProvider?
    private let exitOnError: Bool
    private let diagnostics: RestoreDiagnostics
    public private(set) var errorCount = 0
    private var currentEntry: TocEntry?
    private var copyStream: CopyInStream?
    private var copyFailed = false
    private var largeObjectDescriptor: String?
    private var largeObjectBuffer: [UInt8] = []
    /// Set when the entry being restored failed (for --no-data-for-failed-tables).
    public private(set) var failedEntries = Set<Int>()

    public init(parameters: ConnectionParameters, passwordProvider: PasswordProvider?, exitOnError: Bool,
                diagnostics: RestoreDiagnostics) throws {
        self.currentParameters = parameters
        self.passwordProvider = passwordProvider
        self.exitOnError = exitOnError
        self.diagnostics = diagnostics
        // Server warnings go to standard error as libpq prints them, as with pg_restore.
        let opened = try Connection(parameters: parameters, passwordProvider: passwordProvider)
        connection = opened
        // A password obtained by prompting is kept so workers and reconnections need no prompt.
        currentParameters = opened.parameters
        Self.tuneSession(opened)
    }

    /// The restore session's one setting of its own, never part of a script: a short
    /// deadlock_timeout. A freshly loaded table soon gets an autovacuum worker (inserts alone
    /// trigger one since PostgreSQL 13), and the ALTER TABLE ... ADD PRIMARY KEY or CREATE INDEX
    /// that follows waits for its lock until the waiting session's deadlock check cancels the
    /// worker, deadlock_timeout (1 s by default) later; pg_restore loses that second on table
    /// after table, at random. Superuser-only (PGC_SUSET), so only set when the server says we
    /// are one (RestoreSessionTests).
    static func tuneSession(_ connection: Connection) {
        guard connection.parameterStatus("is_superuser") == "on" else { return }
        try? connection.execute("SET deadlock_timeout = '20ms'")
    }

    public func enterEntry(_ entry: TocEntry?) { currentEntry = entry }

    /// Reports an error pg_restore's way; throws when the run must stop.
    func fail(_ message: String) throws {
        errorCount += 1
        if let e = currentEntry { failedEntries.insert(e.dumpId) }
        if exitOnError || !connection.isAlive {
            throw RestoreError.fatal(message + (connection.isAlive ? "" : "\nthe connection to the server was lost"))
        }
        diagnostics.error(message)
    }

    public func sql(_ text: String) throws {
        do {
            try connection.execute(text)
        } catch let e as PostgresError {
            try fail("could not execute query: \(e.serverMessage)Command was: \(text)")
        }
    }

    public func setting(_ text: String, terminator: String, failureIsFatal: Bool, describe: String) throws {
        do {
            try connection.execute(text)
        } catch let e as PostgresError {
            if failureIsFatal { throw RestoreError.fatal("\(describe): \(e.serverMessage)") }
            try fail("\(describe): \(e.serverMessage)")
        }
    }

    public func beginCopy(_ statement: String) throws {
        copyFailed = false
        do {
            copyStream = try connection.copyIn(statement)
        } catch let e as PostgresError {
            copyFailed = true
            try fail("could not execute query: \(e.serverMessage)Command was: \(statement)")
        }
    }

    public func copyData(_ bytes: UnsafeRawBufferPointer) throws {
        guard let stream = copyStream, !copyFailed else { return }
        do {
            try stream.write(bytes)
        } catch let e as PostgresError {
            // The server reports the reason when the copy is ended; a lost connection cannot wait.
            if e.kind == .connectionLost { throw RestoreError.fatal("error returned by PQputCopyData: \(e.serverMessage)") }
            copyFailed = true
        }
    }

    public func endCopy(tag: String) throws {
        guard let stream = copyStream else { return }
        copyStream = nil
        do {
            _ = try stream.finish()
        } catch let e as PostgresError {
            try fail("COPY failed for table \"\(tag)\": \(e.serverMessage)")
        }
    }

    public func otherData(_ bytes: UnsafeRawBufferPointer) throws {
        // INSERT-style data and old BLOB COMMENTS: complete SQL statements.
        try sql(String(decoding: bytes, as: UTF8.self))
    }

    public func beginLargeObject(oid: UInt32, createFirst: Bool) throws {
        largeObjectBuffer.removeAll(keepingCapacity: true)
        let open = createFirst
            ? "SELECT pg_catalog.lo_open(pg_catalog.lo_create('\(oid)'), 131072)"
            : "SELECT pg_catalog.lo_open('\(oid)', 131072)"
        do {
            largeObjectDescriptor = try connection.query(open)[0, 0]
        } catch let e as PostgresError {
            largeObjectDescriptor = nil
            try fail("could not open large object \(oid): \(e.serverMessage)")
        }
    }

    public func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws {
        guard largeObjectDescriptor != nil else { return }
        largeObjectBuffer.append(contentsOf: bytes)
        while largeObjectBuffer.count >= 16384 {
            try writeLargeObjectChunk(Array(largeObjectBuffer.prefix(16384)))
            largeObjectBuffer.removeFirst(16384)
        }
    }

    private func writeLargeObjectChunk(_ chunk: [UInt8]) throws {
        guard let fd = largeObjectDescriptor else { return }
        let hex = Array("0123456789abcdef".utf8)
        var literal = [UInt8](Array("\\x".utf8))
        literal.reserveCapacity(2 + chunk.count * 2)
        for b in chunk { literal.append(hex[Int(b >> 4)]); literal.append(hex[Int(b & 0xF)]) }
        do {
            _ = try connection.query("SELECT pg_catalog.lowrite($1::integer, $2::bytea)", [fd, String(decoding: literal, as: UTF8.self)])
        } catch let e as PostgresError {
            try fail("could not write to large object: \(e.serverMessage)")
        }
    }

    public func endLargeObject(oid: UInt32) throws {
        if !largeObjectBuffer.isEmpty { try writeLargeObjectChunk(largeObjectBuffer) }
        largeObjectBuffer.removeAll(keepingCapacity: true)
        if let fd = largeObjectDescriptor {
            do { _ = try connection.query("SELECT pg_catalog.lo_close($1::integer)", [fd]) } catch let e as PostgresError {
                try fail("could not close large object \(oid): \(e.serverMessage)")
            }
        }
        largeObjectDescriptor = nil
    }

    public func reconnect(to database: String, restrictKey: String?) throws {
        var p = connection.parameters
        p.overrideDatabase = database
        connection.close()
        connection = try Connection(parameters: p, passwordProvider: passwordProvider)
        currentParameters = connection.parameters
        Self.tuneSession(connection)
    }

    public func finish() throws {}
}

extension PostgresError {
    /// The server's message as PQerrorMessage shows it ("ERROR:  ...\nDETAIL:  ...\n").
    var serverMessage: String {
        let text = description
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
