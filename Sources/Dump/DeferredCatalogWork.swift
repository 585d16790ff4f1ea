import Postgres

/// Catalog reads that need the results of earlier ones (the server's text for indexes
/// IndexDefinitionDDL cannot render, sequence values read by name before 18). While the catalog
/// phase runs in a pipeline they wait until it is over: sent in the middle, they would queue
/// behind every statement already sent and force those results to be read early and held.
/// Outside a pipeline they run at once; while statements are only being recorded, not at all.
/// Those that can be sent ahead (`sendAhead`) are: their statements queue behind the catalog's.
public final class DeferredCatalogWork {
    private let connection: Connection
    private var pending: [() throws -> Void] = []

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Runs `body` now, or keeps it for `runPending()` when a pipeline is open.
    public func run(_ body: @escaping () throws -> Void) throws {
        if connection.isRecording { return }
        if connection.inPipeline {
            pending.append(body)
        } else {
            try body()
        }
    }

    /// Sends the statements of what was kept ahead on the open pipeline, so that the server
    /// answers them while the client goes on (the dumper sorts); `runPending` then takes their
    /// results. Which statements: those the kept work sends when run against nothing (empty
    /// results; it must tolerate that, as the catalog code does for the pipeline's own list).
    public func sendAhead() throws {
        guard connection.inPipeline, !pending.isEmpty else { return }
        let work = pending
        let statements = try connection.recordingStatements { for body in work { try body() } }
        try connection.sendAhead(statements)
    }

    /// Runs what was kept, in the order it was given.
    public func runPending() throws {
        let work = pending
        pending = []
        for body in work { try body() }
    }
}
