import Catalog
import DDL
import Postgres

/// Everything a provider needs while loading catalog objects into the graph.
public struct ProviderContext {
    public let connection: Connection
    public let render: RenderContext
    public let selection: DumpSelection
    public let metadata: ObjectMetadata
    public let graph: DumpGraph
    /// Reads that must wait for the end of a pipelined catalog phase.
    public let deferred: DeferredCatalogWork

    public init(connection: Connection, render: RenderContext, selection: DumpSelection, metadata: ObjectMetadata, graph: DumpGraph,
                deferred: DeferredCatalogWork? = nil) {
        self.connection = connection
        self.render = render
        self.selection = selection
        self.metadata = metadata
        self.graph = graph
        self.deferred = deferred ?? DeferredCatalogWork(connection: connection)
    }

    public var serverVersion: Int { render.serverVersion }
}

/// One family of object kinds (relations, routines, ...): loads its catalog rows with a fixed
/// number of queries whatever the number of objects, and adds one DumpObject per dumpable
/// object to the graph, each with an `emit` closure that renders its TOC entries.
public protocol CatalogProvider {
    static func load(_ context: ProviderContext) throws
}
