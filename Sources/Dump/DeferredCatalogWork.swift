import Postgres

/// Catalog reads that need the results of earlier ones (the server's text for indexes
/// IndexDefinitionDDL cannot render, sequence values read by name before 18). While the catalog
/// phase runs in a pipeline they wait until it is over: sent in the middle, they would queue
/// behind every statement already sent and force those results to be read early and held.
/// Outside a pipeline they run at once; while statements are only being recorded, not at all.
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

    /// Runs what was kept, in the order it was given.
    public func runPending() throws {
        let work = pending
        pending = []
        for body in work { try body() }
    }
}
