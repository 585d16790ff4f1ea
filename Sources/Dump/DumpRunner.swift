import Archive
import Catalog
import DDL
import Foundation
import Postgres

/// What `pgfunnel dump` needs to know beyond the session options.
public struct DumpOptions {
    public var session = DumpSessionOptions()
    public var selection = DumpSelection()
    public var compression: CompressionAlgorithm = .gzip
    public var compressionLevel: Int?
    /// Threads compressing table data; nil = one per core (ArchiveWriter.defaultCompressJobs).
    public var compressJobs: Int?
    /// pg_dump release whose output is reproduced; default: the server's major, 15 to 18.
    public var pgDumpMajor: Int?
    public var noOwner = false
    public var noPrivileges = false
    public var noComments = false
    public var noSecurityLabels = false
    public var noTablespaces = false
    public var noTableAccessMethod = false
    public var noToastCompression = false
    public var writeManifest = true
    public var noPublications = false
    public var noSubscriptions = false
    /// --section: the sections the archive keeps (all when nil).
    public var sections: Set<ArchiveSection>?
    /// --with-globals: roles, memberships and tablespaces as the archive's first entries.
    public var withGlobals = false
    /// --no-role-passwords (with --with-globals): read pg_roles, which needs no superuser.
    public var noRolePasswords = false
    public init() {}
}

/// Version string pgfunnel writes as "Dumped by pg_dump version": the release it reproduces
/// first (so pg_restore-matching logic reads it), then who really wrote the archive.
public let pgfunnelVersion = "0.1.0"

/// A whole dump: session, catalog providers, dependency sort, TOC, then every table's data
/// streamed from COPY into the archive, which appears at its path only when complete.
public final class DumpRunner {
    public let session: DumpSession
    public let options: DumpOptions
    public let render: RenderContext
    /// Reports what is being done (for -v and progress).
    public var log: (String) -> Void = { _ in }
    /// The progress line, when shown: one step per data entry.
    public var progress: ProgressReporter?

    public init(connection: Connection, options: DumpOptions) throws {
        PhaseTrace.mark("connected")
        session = try DumpSession(connection: connection, options: options.session)
        self.options = options
        let major = options.pgDumpMajor ?? min(max(session.serverVersion / 10000, 15), 18)
        var r = RenderContext(serverVersion: session.serverVersion, pgDumpMajor: major)
        r.quoteAllIdentifiers = options.session.quoteAllIdentifiers
        r.standardConformingStrings = session.standardConformingStrings
        r.noOwner = options.noOwner
        r.noPrivileges = options.noPrivileges
        r.noComments = options.noComments
        r.noSecurityLabels = options.noSecurityLabels
        r.noTablespaces = options.noTablespaces
        r.noTableAccessMethod = options.noTableAccessMethod
        r.noToastCompression = options.noToastCompression
        r.schemaOnly = options.selection.schemaOnly
        r.dataOnly = options.selection.dataOnly
        render = r
    }

    /// The archive format version pg_dump of that release writes.
    var archiveVersion: ArchiveVersion {
        switch render.pgDumpMajor {
        case ...15: return options.compression == .lz4 || options.compression == .zstd ? .v1_15 : .v1_14
        case 16: return .v1_15
        default: return .v1_16
        }
    }

    /// Builds the TOC (catalog phase): every provider, dependencies, sort, emission.
    public func buildEntries() throws -> DumpEmitter {
        try buildEntries(afterSort: { _, _ in })
    }

    /// `afterSort` sees the objects in dump order before their entries are emitted.
    func buildEntries(afterSort: ([DumpObject], DumpGraph) throws -> Void) throws -> DumpEmitter {
        MallocPolicy.catalogPhase()
        let connection = session.connection
        PhaseTrace.mark("session ready")
        let graph = DumpGraph()
        log("reading catalog")
        progress?.begin("reading catalog")
        let emitter = DumpEmitter(graph: graph, context: render)
        if options.withGlobals {
            // Before every provider: the globals take the lowest dump ids and lead the TOC.
            log("reading global objects")
            try GlobalsEntries.emit(emitter, connection: connection, options: options, warn: { log("warning: \($0)") })
        }
        var sorted = try readCatalogAndSort(graph: graph, emitter: emitter)
        for w in sorted.warnings { log("warning: \(w)") }
        if ProcessInfo.processInfo.environment["PGFUNNEL_DEBUG_GRAPH"] != nil {
            // Developer aid: the sorted graph with each object's dependencies.
            for o in sorted.objects {
                FileHandle.standardError.write("\(o.dumpId) \(o.kind) \(o.catalogId.tableOid)/\(o.catalogId.oid) \(o.namespace ?? "-").\(o.name) dump=\(o.dumpDefinition) deps=\(o.dependencies)\n".data(using: .utf8)!)
            }
        }
        try afterSort(sorted.objects, graph)
        // From here on the objects are only needed to emit their entries: their dependencies go
        // into a compact table, the graph lets go of them, and each one (with the catalog rows its
        // closure holds) is freed once emitted, so the TOC grows while the objects shrink.
        let dependencies = DependencyTable(sorted.objects)
        graph.releaseObjects()
        MallocPolicy.releaseFreedMemory()
        var pending = Array(sorted.objects.reversed())
        sorted.objects = []
        while let object = pending.popLast() {
            try object.emit?(emitter, object)
        }
        MallocPolicy.releaseFreedMemory()
        PhaseTrace.mark("entries emitted")
        // --section before the dependencies: entries left out are looked through, as pg_dump does.
        if let sections = options.sections { emitter.keepSections(sections) }
        emitter.buildArchiveDependencies(dependencies)
        PhaseTrace.mark("archive dependencies built")
        // --no-publications / --no-subscriptions: pg_dump leaves these objects (and their
        // comments and security labels) out entirely; nothing else depends on them.
        emitter.removeEntries { e in
            let publication = e.desc.hasPrefix("PUBLICATION") || ((e.desc == "COMMENT" || e.desc == "SECURITY LABEL") && e.tag.hasPrefix("PUBLICATION "))
            let subscription = e.desc == "SUBSCRIPTION" || ((e.desc == "COMMENT" || e.desc == "SECURITY LABEL") && e.tag.hasPrefix("SUBSCRIPTION "))
            return (options.noPublications && publication) || (options.noSubscriptions && subscription)
        }
        return emitter
    }

    /// The first TABLE DATA entries in dump order whose data is a plain COPY, sent to the server
    /// right after the sort: it runs those COPYs while the entries are emitted and the TOC is
    /// written (their output waits in the socket; the server pauses once it is full). Stops at the
    /// first data of another kind (INSERTs, a foreign table, large objects), which must come in
    /// order; nothing is sent when --section leaves the data out.
    private func startTableData(_ objects: [DumpObject], _ graph: DumpGraph) throws -> TableDataBatch? {
        if let sections = options.sections, !sections.contains(.data) { return nil }
        var batch = TableDataBatch()
        scan: for o in objects {
            switch o.kind {
            case .tableData:
                guard let copy = graph.tableDataPlans[o.dumpId]?.source as? TableDataSource, batch.accepts(copy, early: true) else { break scan }
                batch.append(.init(dumpId: o.dumpId, source: copy, label: "TABLE DATA \(o.namespace.map { $0 + "." } ?? "")\(o.name)"))
            case .largeObjectData:
                // BLOBS: the only other kind with data (.largeObject entries have none).
                break scan
            default:
                continue
            }
        }
        guard !batch.items.isEmpty else { return nil }
        try batch.send()
        return batch
    }

    /// Writes the archive to `output`: header, TOC, then each entry's data in TOC order.
    public func write(to output: OutputFile) throws {
        var early: TableDataBatch?
        defer { early?.discard() }
        var estimatedDataBytes: Int64 = 0
        let emitter = try buildEntries(afterSort: { objects, graph in
            if progress != nil {
                // Before any COPY is sent: the connection is free for one more query.
                let oids = objects.filter { $0.kind == .tableData && graph.tableDataPlans[$0.dumpId] != nil }.map(\.catalogId.oid)
                estimatedDataBytes = try TableSizeEstimate.bytes(of: oids, connection: session.connection)
            }
            early = try startTableData(objects, graph)
        })
        var compression = ArchiveCompression(algorithm: options.compression)
        if archiveVersion < .v1_15 {
            compression.legacyLevel = options.compression == .none ? 0 : (options.compressionLevel ?? -1)
        }
        let header = ArchiveHeader(version: archiveVersion, compression: compression, created: .now(),
                                   databaseName: session.databaseName, serverVersion: session.serverVersionString,
                                   dumpVersion: "\(render.pgDumpMajor) (pgfunnel \(pgfunnelVersion))")
        let writer = try ArchiveWriter(output: output, header: header, entries: emitter.takeEntries(), level: options.compressionLevel,
                                       compressJobs: options.compressJobs, digests: options.writeManifest && output.path != nil)
        PhaseTrace.mark("header and TOC written")
        MallocPolicy.dataPhase()
        var withData = writer.entries.indices.filter { writer.entries[$0].hasData && emitter.dataSources[writer.entries[$0].dumpId] != nil }
        progress?.setTotal(withData.count)
        if let progress, estimatedDataBytes > 0 {
            progress.setWorkTotal(estimatedDataBytes)
            writer.onDataBlock = { progress.addWork($0) }
        }
        if let sent = early {
            // The statements sent early must be the first data entries, in order (they are: the
            // entries follow the sort); anything else, and they are given up and sent again.
            early = nil
            if withData.prefix(sent.items.count).map({ writer.entries[$0].dumpId }) == sent.items.map(\.dumpId) {
                try sent.write(to: writer, log: log, progress: progress)
                withData.removeFirst(sent.items.count)
            } else {
                sent.discard()
            }
        }
        var batch = TableDataBatch()
        for index in withData {
            let entry = writer.entries[index]
            guard let source = emitter.dataSources[entry.dumpId] else { continue }
            let name = "\(entry.desc) \(entry.namespace.map { $0 + "." } ?? "")\(entry.tag)"
            // Plain COPY sources run in batches, one round trip each (TableDataBatch).
            if let copy = source as? TableDataSource {
                if !batch.accepts(copy) {
                    try batch.write(to: writer, log: log, progress: progress)
                    batch = TableDataBatch()
                }
                batch.append(.init(dumpId: entry.dumpId, source: copy, label: name))
                continue
            }
            try batch.write(to: writer, log: log, progress: progress)
            batch = TableDataBatch()
            log("dumping contents of \(name)")
            progress?.begin(name)
            defer { progress?.entryDone() }
            // Large-object sources write their own BLOBS block; everything else is one data stream.
            if entry.desc == "BLOBS" {
                try source.write(to: writer)
            } else {
                try writer.beginData(dumpId: entry.dumpId)
                try source.write(to: writer)
                try writer.endData()
            }
        }
        try batch.write(to: writer, log: log, progress: progress)
        PhaseTrace.mark("table data written")
        // The snapshot is no longer needed: end the transaction before the file work of finishing.
        try session.connection.execute("COMMIT")
        try writer.finish(writeManifest: options.writeManifest && output.path != nil)
        PhaseTrace.mark("archive finished")
    }
}
