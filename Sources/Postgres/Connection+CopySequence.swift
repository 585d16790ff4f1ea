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

extension Connection {
    /// Runs several `COPY ... TO STDOUT` statements sent together in one simple-query message, so
    /// that a run of small tables costs one round trip instead of one each; the server runs them
    /// one after the other in the open transaction. Each is streamed as `copyOut` streams one:
    /// `begin(i)` before statement i's first data message, `chunk` for each data message (valid
    /// only during the call), `end(i, rows)` once its command tag arrived.
    ///
    /// The server stops at the first failing statement; that failure, or an error thrown by a
    /// callback (after which the running COPY is cancelled and the rest of the stream discarded,
    /// leaving the connection usable), is thrown as a `CopySequenceError` carrying the index.
    public func copyOutSequence(_ statements: [String], begin: (Int) throws -> Void,
                                chunk: (UnsafeRawBufferPointer) throws -> Void,
                                end: (Int, Int64?) throws -> Void) throws {
        guard !statements.isEmpty else { return }
        let sql = statements.joined(separator: "\n")
        let handle = try usableHandle(for: sql)
        if pipeline != nil || recorder != nil {
            throw PostgresError(kind: .protocol, message: "COPY is not possible while a pipeline is open or statements are recorded", sql: sql)
        }
        guard PQsendQuery(handle, sql) == 1 else {
            throw CopySequenceError(index: 0, underlying: PostgresError.fromConnection(handle, kind: .copyFailed, sql: statements[0]))
        }
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
                if status == PGRES_COPY_IN || status == PGRES_COPY_BOTH { abandonCopy(handle) }
                failure = CopySequenceError(index: index, underlying: error)
                break
            }
            PQclear(result)
            var callbackError: Error?
            do { try begin(index) } catch {
                callbackError = error
                sendCancelRequest(handle)
            }
            let sawStreamError = drainCopyData(handle) { bytes in
                guard callbackError == nil else { return }
                do { try chunk(bytes) } catch {
                    callbackError = error
                    sendCancelRequest(handle)
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
                sendCancelRequest(handle)
                break
            }
        }
        discardResults(handle)
        if let failure { throw failure }
    }

    /// Consumes what is left of a query: the end of the sequence, or the statements a failure or a
    /// cancel request did not stop (their COPY data is read and dropped).
    private func discardResults(_ handle: OpaquePointer) {
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
