import Postgres

/// Options that shape the dump's session (pg_dump's setup_connection).
public struct DumpSessionOptions: Sendable {
    public var encoding: String?
    public var role: String?
    public var snapshot: String?
    public var serializableDeferrable = false
    public var enableRowSecurity = false
    public var quoteAllIdentifiers = false
    public var lockWaitTimeout: String?
    public init() {}
}

/// The one connection of a dump, set up exactly as pg_dump sets up its own: secure search_path,
/// ISO dates, extra_float_digits 3, no timeouts, row security off, and one REPEATABLE READ READ
/// ONLY transaction (SERIALIZABLE READ ONLY DEFERRABLE on request, or a given snapshot) so every
/// query and every COPY sees the same database state.
public final class DumpSession {
    public let connection: Connection
    public let serverVersion: Int
    /// `SHOW server_version`-style string for the archive header ("Dumped from database version").
    public let serverVersionString: String
    public let clientEncoding: String
    public let standardConformingStrings: Bool
    public let databaseName: String

    public init(connection: Connection, options: DumpSessionOptions) throws {
        self.connection = connection
        // ALWAYS_SECURE_SEARCH_PATH_SQL: nothing user-defined is found by accident.
        _ = try connection.query("SELECT pg_catalog.set_config('search_path', '', false);")
        if let enc = options.encoding {
            try connection.execute("SET client_encoding = \(quoteLiteral(enc))")
        }
        if let role = options.role {
            try connection.execute("SET ROLE \(quoteIdentifier(role))")
        }
        serverVersion = connection.serverVersionNum
        try connection.execute("SET DATESTYLE = ISO")
        try connection.execute("SET INTERVALSTYLE = POSTGRES")
        try connection.execute("SET extra_float_digits TO 3")
        try connection.execute("SET synchronize_seqscans TO off")
        try connection.execute("SET statement_timeout = 0")
        try connection.execute("SET lock_timeout = 0")
        try connection.execute("SET idle_in_transaction_session_timeout = 0")
        if serverVersion >= 170000 {
            try connection.execute("SET transaction_timeout = 0")
        }
        if serverVersion >= 110000 {
            // pg_dump sends one small query per object; pgfunnel reads each catalog in bulk, and
            // those queries cost enough for the planner to JIT-compile them, which on a server
            // built with LLVM adds a few hundred milliseconds each and buys nothing for a single
            // pass over the catalogs. The setting changes no result.
            try connection.execute("SET jit = off")
        }
        if options.quoteAllIdentifiers { try connection.execute("SET quote_all_identifiers = true") }
        try connection.execute(options.enableRowSecurity ? "SET row_security = on" : "SET row_security = off")
        // Security fix of 2024 releases: never let a view or foreign table run code while dumping.
        let hasRestrict = try connection.query("SELECT 1 FROM pg_catalog.pg_settings WHERE name = 'restrict_nonsystem_relation_kind'")
        if hasRestrict.rowCount > 0 {
            try connection.execute("SET restrict_nonsystem_relation_kind = 'view, foreign-table'")
        }
        try connection.execute("BEGIN")
        if options.serializableDeferrable && options.snapshot == nil {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE")
        } else {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        }
        if let snapshot = options.snapshot {
            try connection.execute("SET TRANSACTION SNAPSHOT \(quoteLiteral(snapshot))")
        }
        if let timeout = options.lockWaitTimeout {
            try connection.execute("SET statement_timeout = \(quoteLiteral(timeout))")
        }
        let info = try connection.query("""
            SELECT pg_catalog.current_setting('server_version'), pg_catalog.pg_client_encoding(),
                   pg_catalog.current_setting('standard_conforming_strings'), pg_catalog.current_database()
            """)
        serverVersionString = info[0, 0] ?? ""
        clientEncoding = info[0, 1] ?? "UTF8"
        standardConformingStrings = info[0, 2] == "on"
        databaseName = info[0, 3] ?? ""
    }

    /// ACCESS SHARE locks on every table to dump, taken before their definitions are read so that
    /// no concurrent DDL can change them mid-dump. Batched: a few statements for any number of
    /// tables, where pg_dump sends one per table.
    public func lockTables(_ qualifiedNames: [String]) throws {
        for statement in Self.lockStatements(qualifiedNames) { try connection.execute(statement) }
    }

    /// The LOCK TABLE statements `lockTables` runs.
    public static func lockStatements(_ qualifiedNames: [String]) -> [String] {
        stride(from: 0, to: qualifiedNames.count, by: 1000).map { start in
            "LOCK TABLE \(qualifiedNames[start..<min(start + 1000, qualifiedNames.count)].joined(separator: ", ")) IN ACCESS SHARE MODE"
        }
    }

    /// Ends the lock-wait statement timeout once locks are held (pg_dump does the same).
    public func clearLockWaitTimeout() throws {
        try connection.execute("SET statement_timeout = 0")
    }
}
