import CLibPQ
import Foundation

/// A failure reported by libpq or the server, with the server's error fields when it sent them.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The connection could not be established (bad host, auth failure, missing password...).
        case connectionFailed
        /// The server rejected a statement; the connection is still usable.
        case queryFailed
        /// A COPY was rejected or failed mid-stream; the connection is still usable.
        case copyFailed
        /// The connection died (server crash or shutdown, network loss); it is no longer usable.
        case connectionLost
        /// The wrapper was misused or libpq returned something unexpected (e.g. COPY via execute,
        /// a second operation while a COPY IN stream is open).
        case `protocol`
    }

    public var kind: Kind
    /// The statement that failed, cut to `sqlPrefixLimit` characters; nil for connection errors.
    public var sql: String?
    /// `ERROR`, `FATAL`, `PANIC`... (DiagnosticField.severity, localized as the server sent it).
    public var severity: String?
    /// The five-character SQLSTATE, e.g. `23505`; nil when the error came from libpq itself.
    public var sqlState: String?
    /// The primary message; for client-side errors, libpq's `PQerrorMessage` text.
    public var message: String
    public var detail: String?
    public var hint: String?
    public var context: String?
    /// 1-based character offset into the statement (DiagnosticField.statementPosition).
    public var position: Int?
    public var schemaName: String?
    public var tableName: String?
    public var columnName: String?
    public var dataTypeName: String?
    public var constraintName: String?

    /// Keeps errors printable when the failing statement is a multi-megabyte batch.
    public static let sqlPrefixLimit = 2000

    public init(
        kind: Kind, message: String, sql: String? = nil, severity: String? = nil,
        sqlState: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sql = sql.map(PostgresError.truncated)
        self.severity = severity
        self.sqlState = sqlState
    }

    /// Formatted the way psql prints a server error (default verbosity), followed by the
    /// statement for context:
    ///
    ///     ERROR:  duplicate key value violates unique constraint "t_pkey"
    ///     DETAIL:  Key (id)=(1) already exists.
    public var description: String {
        var lines: [String] = []
        if let severity {
            lines.append("\(severity):  \(message)")
        } else {
            lines.append(message)
        }
        if let detail { lines.append("DETAIL:  \(detail)") }
        if let hint { lines.append("HINT:  \(hint)") }
        if let context { lines.append("CONTEXT:  \(context)") }
        if let sql, kind != .connectionFailed { lines.append("STATEMENT:  \(sql)") }
        return lines.joined(separator: "\n")
    }

    static func truncated(_ sql: String) -> String {
        guard sql.count > sqlPrefixLimit else { return sql }
        return String(sql.prefix(sqlPrefixLimit)) + "..."
    }

    /// Builds an error from a failed result (which may be nil when libpq could not allocate one or
    /// the connection broke), classifying it by the connection's state afterwards: a dead
    /// connection is `connectionLost` whatever the statement was doing.
    static func from(
        result: OpaquePointer?, connection: OpaquePointer?, kind: Kind, sql: String?
    ) -> PostgresError {
        let hasServerFields = result.map { PQresultErrorField($0, DiagnosticField.sqlstate) != nil } ?? false
        let effectiveKind: Kind = isDead(connection, probe: !hasServerFields) ? .connectionLost : kind
        guard let result, let primary = field(result, DiagnosticField.messagePrimary) else {
            // No server fields: libpq's own text (e.g. "server closed the connection unexpectedly").
            let text = result.flatMap { cString(PQresultErrorMessage($0)) }
                ?? connection.flatMap { cString(PQerrorMessage($0)) }
                ?? "unknown libpq error"
            return PostgresError(kind: effectiveKind, message: trimmed(text), sql: sql)
        }
        let severity = field(result, DiagnosticField.severityNonlocalized) ?? field(result, DiagnosticField.severity)
        // FATAL means the backend is ending the session even if libpq has not yet read the EOF.
        let sessionEnded = severity == "FATAL" || severity == "PANIC"
        var error = PostgresError(
            kind: sessionEnded ? .connectionLost : effectiveKind, message: primary, sql: sql,
            severity: field(result, DiagnosticField.severity), sqlState: field(result, DiagnosticField.sqlstate))
        error.detail = field(result, DiagnosticField.messageDetail)
        error.hint = field(result, DiagnosticField.messageHint)
        error.context = field(result, DiagnosticField.context)
        error.position = field(result, DiagnosticField.statementPosition).flatMap { Int($0) }
        error.schemaName = field(result, DiagnosticField.schemaName)
        error.tableName = field(result, DiagnosticField.tableName)
        error.columnName = field(result, DiagnosticField.columnName)
        error.dataTypeName = field(result, DiagnosticField.datatypeName)
        error.constraintName = field(result, DiagnosticField.constraintName)
        return error
    }

    /// An error from libpq's connection-level message (no result available).
    static func fromConnection(_ connection: OpaquePointer?, kind: Kind, sql: String?)
        -> PostgresError
    {
        from(result: nil, connection: connection, kind: kind, sql: sql)
    }

    /// Whether the connection is gone. libpq does not always mark a connection bad on the call
    /// that failed (a send into a socket the server already closed reports "server closed the
    /// connection unexpectedly" first), so for errors libpq generated itself the socket is probed.
    private static func isDead(_ connection: OpaquePointer?, probe: Bool) -> Bool {
        guard let connection else { return true }
        if PQstatus(connection) == CONNECTION_BAD || PQsocket(connection) < 0 { return true }
        if probe && PQconsumeInput(connection) == 0 { return true }
        return PQstatus(connection) == CONNECTION_BAD
    }

    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        cString(PQresultErrorField(result, code))
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}

/// Copies a C string from libpq; nil stays nil. Decoding repairs invalid UTF-8 rather than failing,
/// since messages in a non-UTF-8 server encoding must still be reportable.
func cString(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    let length = strlen(pointer)
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
}

/// PQresultErrorField codes (postgres_ext.h's PG_DIAG_* are character-literal macros, which Swift
/// does not import).
private enum DiagnosticField {
    static let severity = Int32(UInt8(ascii: "S"))
    static let severityNonlocalized = Int32(UInt8(ascii: "V"))
    static let sqlstate = Int32(UInt8(ascii: "C"))
    static let messagePrimary = Int32(UInt8(ascii: "M"))
    static let messageDetail = Int32(UInt8(ascii: "D"))
    static let messageHint = Int32(UInt8(ascii: "H"))
    static let statementPosition = Int32(UInt8(ascii: "P"))
    static let context = Int32(UInt8(ascii: "W"))
    static let schemaName = Int32(UInt8(ascii: "s"))
    static let tableName = Int32(UInt8(ascii: "t"))
    static let columnName = Int32(UInt8(ascii: "c"))
    static let datatypeName = Int32(UInt8(ascii: "d"))
    static let constraintName = Int32(UInt8(ascii: "n"))
}
