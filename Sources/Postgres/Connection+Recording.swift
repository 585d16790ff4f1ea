import CLibPQ
import Foundation

extension Connection {
    /// Runs `body` without sending anything: each `query`, `simpleQuery` and `execute` in it
    /// returns an empty result and is recorded instead. Returns the statements in the order `body`
    /// asked for them.
    ///
    /// The dumper runs its catalog reading once this way to learn, from the very code that will
    /// run them, which statements to send ahead in a pipeline (`beginPipeline`); statements that
    /// depend on earlier results are then sent on demand. COPY is refused while recording.
    public func recordingStatements(_ body: () throws -> Void) throws -> [PipelinedStatement] {
        // A pipeline may be open: recording intercepts statements before it sees them.
        guard recorder == nil else { throw PostgresError(kind: .protocol, message: "already recording") }
        recorder = []
        defer { recorder = nil }
        try body()
        return recorder ?? []
    }

    /// Whether `recordingStatements` is running.
    public var isRecording: Bool { recorder != nil }

    /// Records a statement and returns the empty result it stands in for.
    func recordedResult(_ statement: PipelinedStatement) -> OpaquePointer? {
        recorder?.append(statement)
        return PQmakeEmptyPGresult(nil, PGRES_TUPLES_OK)
    }
}
