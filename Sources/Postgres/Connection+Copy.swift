import CLibPQ
import Foundation

extension Connection {
    /// Runs a `COPY ... TO STDOUT` and hands each data message (normally one row in text format)
    /// to `chunk` as it arrives, without accumulating: the buffer is only valid during the call
    /// and is freed right after. Returns the row count from the command tag when the server sent
    /// one.
    ///
    /// If `chunk` throws, the COPY is cancelled on the server, the rest of the stream is discarded
    /// so the connection stays usable, and the closure's error is rethrown.
    @discardableResult
    public func copyOut(_ sql: String, chunk: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64? {
        let handle = try usableHandle(for: sql)
        try startCopy(handle, sql: sql, expecting: PGRES_COPY_OUT)

        var callbackError: Error?
        var sawStreamError = false
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                if callbackError == nil {
                    do {
                        try chunk(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                    } catch {
                        callbackError = error
                        sendCancelRequest(handle)
                    }
                }
                PQfreemem(buffer)
                continue
            }
            // -1: the COPY ended (successfully or with an error result to follow); -2: failure.
            sawStreamError = length == -2
            break
        }

        let (errorResult, rowCount) = drainResults(handle)
        defer { PQclear(errorResult) }
        if let callbackError { throw callbackError }
        if errorResult != nil || sawStreamError {
            throw PostgresError.from(result: errorResult, connection: handle, kind: .copyFailed, sql: sql)
        }
        return rowCount
    }

    /// Starts a `COPY ... FROM STDIN` and returns the stream to feed it. Until the stream is
    /// finished or aborted, the connection refuses other work.
    public func copyIn(_ sql: String) throws -> CopyInStream {
        let handle = try usableHandle(for: sql)
        try startCopy(handle, sql: sql, expecting: PGRES_COPY_IN)
        copyInActive = true
        return CopyInStream(connection: self, handle: handle, sql: sql)
    }

    /// Sends the COPY statement and checks the server entered the expected COPY direction,
    /// leaving the connection idle again when it did not.
    private func startCopy(_ handle: OpaquePointer, sql: String, expecting wanted: ExecStatusType) throws {
        if pipeline != nil || recorder != nil {
            throw PostgresError(kind: .protocol, message: "COPY is not possible while a pipeline is open or statements are recorded", sql: sql)
        }
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        guard let result else {
            throw PostgresError.fromConnection(handle, kind: .copyFailed, sql: sql)
        }
        let status = PQresultStatus(result)
        if status == wanted { return }
        switch status {
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy(handle)
            throw PostgresError(kind: .protocol, message: "statement started a COPY in the other direction", sql: sql)
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            let direction = wanted == PGRES_COPY_OUT ? "COPY ... TO STDOUT" : "COPY ... FROM STDIN"
            throw PostgresError(kind: .protocol, message: "statement did not start \(direction)", sql: sql)
        default:
            throw PostgresError.from(result: result, connection: handle, kind: .copyFailed, sql: sql)
        }
    }

    /// Asks the server to cancel the running statement (a separate connection to the postmaster).
    /// A cancel that arrives after the statement ended is ignored by an idle backend.
    func sendCancelRequest(_ handle: OpaquePointer) {
        guard let cancel = PQgetCancel(handle) else { return }
        var errorBuffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &errorBuffer, Int32(errorBuffer.count))
        PQfreeCancel(cancel)
    }
}

/// The sending side of a `COPY ... FROM STDIN`. Not thread-safe, like its connection.
///
/// Data errors (a malformed row, a constraint violation) are only reported by the server when the
/// stream is finished, so `finish()` is where they surface. A stream dropped without `finish()`
/// or `abort(message:)` is aborted so the connection does not stay stuck in COPY mode.
public final class CopyInStream {
    public let sql: String
    private let connection: Connection
    private let handle: OpaquePointer
    private var isOpen = true

    /// libpq's length argument is an Int32; larger writes are split.
    private static let maximumPiece = 1 << 30

    init(connection: Connection, handle: OpaquePointer, sql: String) {
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit {
        if isOpen { try? abort(message: "COPY stream abandoned by the client") }
    }

    /// Sends bytes of COPY data; they need not align with row boundaries.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try ensureOpen()
        guard var remaining = bytes.baseAddress.map({ UnsafeRawBufferPointer(start: $0, count: bytes.count) }) else {
            return  // empty buffer
        }
        while !remaining.isEmpty {
            let piece = UnsafeRawBufferPointer(rebasing: remaining.prefix(Self.maximumPiece))
            try put(piece)
            remaining = UnsafeRawBufferPointer(rebasing: remaining.dropFirst(piece.count))
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Ends the data and waits for the server's verdict; returns the row count from the command
    /// tag. Throws `copyFailed` with the server's error (e.g. invalid input on line N), or
    /// `connectionLost`.
    @discardableResult
    public func finish() throws -> Int64? {
        try ensureOpen()
        try end(failureMessage: nil)
        let (errorResult, rowCount) = connection.drainResults(handle)
        defer { PQclear(errorResult) }
        if let errorResult {
            throw PostgresError.from(result: errorResult, connection: handle, kind: .copyFailed, sql: sql)
        }
        return rowCount
    }

    /// Makes the server fail the COPY with `message` (nothing is loaded) and returns the
    /// connection to idle. Throws only if the connection is lost.
    public func abort(message: String) throws {
        try ensureOpen()
        try end(failureMessage: message)
        let (errorResult, _) = connection.drainResults(handle)
        defer { PQclear(errorResult) }
        if PQstatus(handle) == CONNECTION_BAD {
            throw PostgresError.from(result: errorResult, connection: handle, kind: .copyFailed, sql: sql)
        }
    }

    private func ensureOpen() throws {
        guard isOpen else {
            throw PostgresError(kind: .protocol, message: "COPY stream already finished", sql: sql)
        }
        guard connection.handle == handle else {
            isOpen = false
            throw PostgresError(kind: .protocol, message: "connection was closed during COPY", sql: sql)
        }
    }

    private func put(_ piece: UnsafeRawBufferPointer) throws {
        guard let base = piece.baseAddress else { return }
        while true {
            let sent = PQputCopyData(handle, base.assumingMemoryBound(to: CChar.self), Int32(piece.count))
            if sent == 1 { return }
            if sent == -1 { throw failure() }
            // 0 means libpq's buffer is full (non-blocking mode only); push it out and retry.
            try flush()
        }
    }

    private func end(failureMessage: String?) throws {
        // From here on the connection no longer belongs to the stream, whatever happens.
        isOpen = false
        connection.copyInActive = false
        while true {
            let sent = PQputCopyEnd(handle, failureMessage)
            if sent == 1 { return }
            if sent == -1 {
                connection.drainResults(handle).firstError.map { PQclear($0) }
                throw failure()
            }
            try flush()
        }
    }

    private func flush() throws {
        while true {
            let pending = PQflush(handle)
            if pending == 0 { return }
            if pending == -1 { throw failure() }
        }
    }

    private func failure() -> PostgresError {
        PostgresError.fromConnection(handle, kind: .copyFailed, sql: sql)
    }
}
