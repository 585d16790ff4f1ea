import CLibPQ
import Foundation

extension Connection {
    /// Runs a simple-protocol query string, which may hold several statements (as pg_restore
    /// sends a TOC entry's DDL). Results are discarded; the first failing statement throws
    /// `queryFailed` (or `connectionLost` if the server went away).
    public func execute(_ sql: String) throws {
        if recorder != nil {
            PQclear(recordedResult(PipelinedStatement(sql)))
            return
        }
        let handle = try usableHandle(for: sql)
        if let pipeline {
            PQclear(try pipelinedResult(PipelinedStatement(sql), handle: handle, state: pipeline))
            return
        }
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, handle: handle, sql: sql, allowRows: true)
    }

    /// Runs one statement with `$1`, `$2`... parameters sent out of line (text format, server-
    /// inferred types; nil is SQL NULL), and returns its rows. Values are never spliced into the
    /// SQL, so no quoting is needed for them.
    ///
    /// Parameter strings must not contain NUL characters (PostgreSQL text cannot hold them);
    /// such a parameter is rejected with a `protocol` error rather than silently truncated.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> QueryResult {
        if recorder != nil, let empty = recordedResult(PipelinedStatement(sql, parameters)) { return QueryResult(taking: empty) }
        let handle = try usableHandle(for: sql)
        if parameters.contains(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(kind: .protocol, message: "query parameter contains a NUL character", sql: sql)
        }
        if let pipeline {
            return QueryResult(taking: try pipelinedResult(PipelinedStatement(sql, parameters), handle: handle, state: pipeline))
        }
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { values.forEach { free($0) } }
        let result: OpaquePointer? = values.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQexecParams(handle, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else {
            throw PostgresError.fromConnection(handle, kind: .queryFailed, sql: sql)
        }
        do {
            try check(result, handle: handle, sql: sql, allowRows: true)
        } catch {
            PQclear(result)
            throw error
        }
        return QueryResult(taking: result)
    }

    /// Runs one parameterless statement over the simple protocol (one message each way, as
    /// pg_dump's ExecuteSqlQuery) and returns its rows: for statements sent many times in a
    /// row, such as a cursor's FETCHes, where the extended protocol's extra messages cost
    /// round-trip time.
    @discardableResult
    public func simpleQuery(_ sql: String) throws -> QueryResult {
        if recorder != nil, let empty = recordedResult(PipelinedStatement(sql)) { return QueryResult(taking: empty) }
        let handle = try usableHandle(for: sql)
        if let pipeline {
            return QueryResult(taking: try pipelinedResult(PipelinedStatement(sql), handle: handle, state: pipeline))
        }
        guard let result = PQexec(handle, sql) else {
            throw PostgresError.fromConnection(handle, kind: .queryFailed, sql: sql)
        }
        do {
            try check(result, handle: handle, sql: sql, allowRows: true)
        } catch {
            PQclear(result)
            throw error
        }
        return QueryResult(taking: result)
    }

    /// Throws unless `result` is a success. A COPY started by mistake through `execute`/`query`
    /// is ended first so the connection stays usable.
    func check(_ result: OpaquePointer?, handle: OpaquePointer, sql: String, allowRows: Bool) throws {
        guard let result else {
            throw PostgresError.fromConnection(handle, kind: .queryFailed, sql: sql)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return
        case PGRES_TUPLES_OK where allowRows:
            return
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy(handle)
            throw PostgresError(
                kind: .protocol, message: "statement started a COPY; use copyIn or copyOut for it", sql: sql)
        default:
            throw PostgresError.from(result: result, connection: handle, kind: .queryFailed, sql: sql)
        }
    }

    /// Leaves COPY mode after a COPY nobody is going to stream: fail a COPY IN, drain a COPY OUT,
    /// and consume the remaining results.
    func abandonCopy(_ handle: OpaquePointer) {
        _ = PQputCopyEnd(handle, "COPY not expected by the client")
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(handle, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        drainResults(handle)
    }

    /// Consumes results until libpq reports the command finished, returning the first failure
    /// (owned by the caller, who must PQclear it) and the last command tag's row count.
    @discardableResult
    func drainResults(_ handle: OpaquePointer) -> (firstError: OpaquePointer?, rowCount: Int64?) {
        var firstError: OpaquePointer?
        var rowCount: Int64?
        while let result = PQgetResult(handle) {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                rowCount = cString(PQcmdTuples(result)).flatMap { Int64($0) }
                PQclear(result)
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                // Only reachable if the server started another COPY; refuse it rather than loop.
                PQclear(result)
                _ = PQputCopyEnd(handle, "unexpected nested COPY")
            default:
                if firstError == nil { firstError = result } else { PQclear(result) }
            }
            // A dead connection yields its error once; don't spin waiting for more.
            if PQstatus(handle) == CONNECTION_BAD, firstError != nil { break }
        }
        return (firstError, rowCount)
    }
}
