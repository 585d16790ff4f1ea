import Archive
import Catalog
import DDL
import Foundation
import Postgres

/// The catalog phase: every catalog query sent at once (libpq pipeline mode) and read by the
/// providers in turn, the locks and the reads that need earlier results sent behind them, and the
/// sort, done while the server answers those.
extension DumpRunner {
    /// Reads the catalog into `graph` (and the database entries into `emitter`), takes the locks,
    /// and returns the objects in dump order.
    func readCatalogAndSort(graph: DumpGraph, emitter: DumpEmitter) throws -> DependencySort.Result {
        let connection = session.connection
        // The catalog queries do not depend on each other's results (those that do are deferred),
        // so all of them go to the server at once and it works through them while the providers
        // build objects from the earlier ones. Which statements: those the same code sends when
        // run once against nothing (empty results). Should that run fail, the catalog is read
        // statement by statement.
        let scratchGraph = DumpGraph()
        let statements = try? connection.recordingStatements {
            _ = try readCatalog(graph: scratchGraph, emitter: DumpEmitter(graph: scratchGraph, context: render))
        }
        if let statements { try connection.beginPipeline(statements) }
        if PhaseTrace.enabled {
            connection.pipelineTrace = { FileHandle.standardError.write(Data(("trace " + $0.replacingOccurrences(of: "\n", with: " ") + "\n").utf8)) }
        }
        let sorted: DependencySort.Result
        do {
            let (deferred, locks) = try readCatalog(graph: graph, emitter: emitter)
            // Reads kept for after the catalog (definitions first needed by emit) queue behind the
            // locks: the server answers them while the client sorts.
            try deferred.sendAhead()
            // What only the catalog reading needed (query results, parse buffers) is free now.
            MallocPolicy.releaseFreedMemory()
            PhaseTrace.mark("catalog read")
            log("sorting objects")
            sorted = try DumpSort.orderForDump(graph, pgDumpMajor: render.pgDumpMajor)
            PhaseTrace.mark("sorted")
            // The locks were sent behind the catalog statements (readCatalog); the server took them
            // while the client sorted. Their results, in order, now.
            for statement in locks { try connection.execute(statement) }
            try deferred.runPending()
            if options.session.lockWaitTimeout != nil { try session.clearLockWaitTimeout() }
        } catch {
            if connection.inPipeline { try? connection.endPipeline() }
            throw error
        }
        if connection.inPipeline { try connection.endPipeline() }
        PhaseTrace.mark("tables locked, deferred reads done (\(connection.pipelineStatistics))")
        return sorted
    }

    /// Every catalog read of the dump, from comments to the database's own entries, in the order
    /// pg_dump reads them; returns the reads that had to wait (DeferredCatalogWork).
    func readCatalog(graph: DumpGraph, emitter: DumpEmitter) throws -> (DeferredCatalogWork, locks: [String]) {
        let connection = session.connection
        let trace = !connection.isRecording
        let metadata = try ObjectMetadata.load(connection: connection)
        emitter.initialPrivileges = try InitialPrivileges.load(connection)
        // Read before the objects exist, applied once they all do (DependencyLoader).
        if trace { log("reading dependency data") }
        let dependencies = try DependencyLoader.read(connection)
        let deferred = DeferredCatalogWork(connection: connection)
        let context = ProviderContext(connection: connection, render: render, selection: options.selection,
                                      metadata: metadata, graph: graph, deferred: deferred)
        // Extensions first: they record which objects belong to an extension and are not dumped.
        let providers: [CatalogProvider.Type] = [
            ExtensionsProvider.self, TypesProvider.self, RoutinesProvider.self, OperatorsProvider.self, TextSearchProvider.self,
            ForeignDataProvider.self, RelationsProvider.self, PublicationsProvider.self, DefaultPrivilegesProvider.self,
            LargeObjectsProvider.self,
        ]
        for provider in providers {
            if trace { PhaseTrace.mark("provider \(provider)") }
            try provider.load(context)
        }
        if trace { PhaseTrace.mark("providers done") }
        // ACCESS SHARE locks on the tables whose data or definition is dumped: sent now, behind
        // every catalog statement (after the catalog reads, as before pgfunnel pipelined them), so
        // the server takes them while the client finishes and sorts; checked after the sort.
        let names = graph.objects.filter(Self.isLocked).compactMap { o in o.namespace.map { render.qualified($0, o.name) } }
        if trace { log("locking \(names.count) tables") }
        let locks = DumpSession.lockStatements(names)
        if connection.inPipeline { try connection.sendAhead(locks.map { PipelinedStatement($0) }) }
        DependencyLoader.apply(dependencies, to: graph)
        let database = try DatabaseRow.load(connection, serverVersion: session.serverVersion)
        try DatabaseEntries.emit(emitter, database: database, encoding: session.clientEncoding,
                                 standardConformingStrings: session.standardConformingStrings)
        return (deferred, locks)
    }

    /// Tables (and partitioned tables) whose definition is dumped are locked.
    static func isLocked(_ o: DumpObject) -> Bool {
        o.kind == .table && (o.relkind == "r" || o.relkind == "p") && o.dumpDefinition
    }

}
