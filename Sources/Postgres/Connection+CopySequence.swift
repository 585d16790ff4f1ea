import CLibPQ
import Foundation

/// One statement of a `copyOutSequence` failed (or its callback did): which one, and why.
public struct CopySequenceError: Error, CustomStringConvertible {
    /// Position of the failing statement in the sequence.
    public var index: Int
    /// The PostgresError of the statement, or the error a callback threw.
    public var underlying: Error
    public var description: String { "\(underlying)" }
}

/// Several `COPY ... TO STDOUT` statements sent in one simple-query message, whose results have
/// not been read yet. The server works through them as soon as they arrive, blocking only once
/// the socket is full, so sending them early (`Connection.sendCopyOutSequence`) lets the server
/// run ahead while the client does other work; `stream` then reads them.
///
/// Until `stream` returns (or the sequence is discarded), the connection is busy with it. A
/// sequence dropped unread is cancelled and its results discarded, so the connection stays usable.
public final class CopyOutSequence {
    public let statements: [String]
    private let connection: Connection
    private let handle: OpaquePointer
    private var open = true

    init(connection: Connection, handle: OpaquePointer, statements: [String]) {
        self.connection = connection
        self.handle = handle
        self.statements = statements
    }

    deinit { discard() }

    /// Cancels what the server has not done yet and drops the rest of the results.
    public func discard() {
        guard open else { return }
        open = false
        connection.sendCancelRequest(handle)
        connection.discardResults(handle)
    }

    /// Streams each statement as `Connection.copyOut` streams one: `begin(i)` before statement
    /// i's first data message, `chunk` for each data message (valid only during the call),
    /// `end(i, rows)` once its command tag arrived.
    ///
    /// The server stops at the first failing statement; that failure, or an error thrown by a
    /// callback (after which the running COPY is cancelled and the rest of the stream discarded,
    /// leaving the connection usable), is thrown as a `CopySequenceError` carrying the index.
    public func stream(begin: (Int) throws -> Void, chunk: (UnsafeRawBufferPointer) throws -> Void,
                       end: (Int, Int64?) throws -> Void) throws {
        guard open else { throw PostgresError(kind: .protocol, message: "COPY sequence already read") }
        open = false
        let handle = self.handle
        let connection = self.connection
        var failure: CopySequenceError?
        for (index, statement) in statements.enumerated() {
            guard let result = PQgetResult(handle) else {
                failure = CopySequenceError(index: index, underlying: PostgresError(
                    kind: .protocol, message: "the server answered fewer statements than were sent", sql: statement))
                break
            }
            let status = PQresultStatus(result)
            guard status == PGRES_COPY_OUT else {
                let error: Error = status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR
                    ? PostgresError.from(result: result, connection: handle, kind: .copyFailed, sql: statement)
                    : PostgresError(kind: .protocol, message: "statement did not start COPY ... TO STDOUT", sql: statement)
                PQclear(result)
                if status == PGRES_COPY_IN || status == PGRES_COPY_BOTH { connection.abandonCopy(handle) }
                failure = CopySequenceError(index: index, underlying: error)
                break
            }
            PQclear(result)
            var callbackError: Error?
            do { try begin(index) } catch {
                callbackError = error
                connection.sendCancelRequest(handle)
            }
            let sawStreamError = connection.drainCopyData(handle) { bytes in
                guard callbackError == nil else { return }
                do { try chunk(bytes) } catch {
                    callbackError = error
                    connection.sendCancelRequest(handle)
                }
            }
            // The COPY's own result: its command tag, or the error that ended it.
            let ending = PQgetResult(handle)
            let endStatus = ending.map(PQresultStatus)
            let rows = ending.flatMap { cString(PQcmdTuples($0)) }.flatMap { Int64($0) }
            if let callbackError {
                PQclear(ending)
                failure = CopySequenceError(index: index, underlying: callbackError)
                break
            }
            if ending == nil || sawStreamError || (endStatus != PGRES_COMMAND_OK) {
                let error = PostgresError.from(result: ending, connection: handle, kind: .copyFailed, sql: statement)
                PQclear(ending)
                failure = CopySequenceError(index: index, underlying: error)
                break
            }
            PQclear(ending)
            do { try end(index, rows) } catch {
                failure = CopySequenceError(index: index, underlying: error)
                connection.sendCancelRequest(handle)
                break
            }
        }
        connection.discardResults(handle)
        if let failure { throw failure }
    }
}

extension Connection {
    /// Sends several `COPY ... TO STDOUT` statements in one simple-query message (one round trip
    /// for all of them) and returns them unread; see CopyOutSequence.
    public func sendCopyOutSequence(_ statements: [String]) throws -> CopyOutSequence {
        let sql = statements.joined(separator: "\n")
        let handle = try usableHandle(for: sql)
        if pipeline != nil || recorder != nil {
            throw PostgresError(kind: .protocol, message: "COPY is not possible while a pipeline is open or statements are recorded", sql: sql)
        }
        guard PQsendQuery(handle, sql) == 1 else {
            throw CopySequenceError(index: 0, underlying: PostgresError.fromConnection(handle, kind: .copyFailed, sql: statements.first))
        }
        return CopyOutSequence(connection: self, handle: handle, statements: statements)
    }

    /// Sends the statements and streams them at once (`sendCopyOutSequence` + `stream`).
    public func copyOutSequence(_ statements: [String], begin: (Int) throws -> Void,
                                chunk: (UnsafeRawBufferPointer) throws -> Void,
                                end: (Int, Int64?) throws -> Void) throws {
        guard !statements.isEmpty else { return }
        try sendCopyOutSequence(statements).stream(begin: begin, chunk: chunk, end: end)
    }

    /// Consumes what is left of a query: the end of the sequence, or the statements a failure or a
    /// cancel request did not stop (their COPY data is read and dropped).
    func discardResults(_ handle: OpaquePointer) {
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            PQclear(result)
            switch status {
            case PGRES_COPY_OUT: _ = drainCopyData(handle) { _ in }
            case PGRES_COPY_IN, PGRES_COPY_BOTH: _ = PQputCopyEnd(handle, "COPY not expected by the client")
            default: break
            }
            if PQstatus(handle) == CONNECTION_BAD { break }
        }
    }

    /// Reads a COPY OUT stream to its end, handing each data message to `body`; true when libpq
    /// reported a stream failure (-2) rather than the normal end (-1).
    func drainCopyData(_ handle: OpaquePointer, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                body(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                PQfreemem(buffer)
                continue
            }
            return length == -2
        }
    }
}
