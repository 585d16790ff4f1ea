import Archive
import Catalog
import DDL
import DDL

/// Streams a table's (or large object's) data into the archive when the writer reaches it.
public protocol DataSource {
    func write(to writer: ArchiveWriter) throws
}

/// Collects TOC entries in dump order; the archive assembler then writes them.
///
/// The emitter knows the archive-wide settings that shape definitions (server version, the
/// keyword list of the pg_dump release being reproduced, standard_conforming_strings), so
/// renderers stay pure functions of catalog structs plus this context.
public final class DumpEmitter {
    public let graph: DumpGraph
    public let context: RenderContext
    /// The entries in emission order, in chunks: growing one array of tens of thousands of
    /// entries would copy it each time its capacity doubles, briefly holding it twice.
    private var chunks: [[TocEntry]] = []
    private static let chunkSize = 512
    public private(set) var dataSources: [Int: DataSource] = [:]
    /// pg_init_privs, for ACL entries of objects whose privileges initdb or an extension set.
    public var initialPrivileges: InitialPrivileges?
    /// The ACL entry of each table (by the table's dump id), for its column ACLs to depend on.
    var tableACLDumpIds: [Int: Int] = [:]

    public init(graph: DumpGraph, context: RenderContext) {
        self.graph = graph
        self.context = context
    }

    /// Every entry so far, in order (a copy).
    public var entries: [TocEntry] { chunks.flatMap { $0 } }

    public var entryCount: Int { chunks.reduce(0) { $0 + $1.count } }

    /// Hands the finished TOC over (to the archive writer) without keeping a second copy: each
    /// chunk is freed once it is in the array returned.
    public func takeEntries() -> [TocEntry] {
        var all: [TocEntry] = []
        all.reserveCapacity(entryCount)
        chunks.reverse()
        while let chunk = chunks.popLast() { all.append(contentsOf: chunk) }
        return all
    }

    /// Calls `body` with each entry in order.
    func forEachEntry(_ body: (TocEntry) -> Void) {
        for chunk in chunks { for e in chunk { body(e) } }
    }

    /// Adds a TOC entry. `dumpId` is the object's own id for its main entry; pass nil to get a
    /// fresh one (comments, ACLs, security labels). Returns the entry's dump id.
    @discardableResult
    public func entry(dumpId: Int? = nil, catalogId: CatalogId = .none, desc: String, tag: String,
                      namespace: String? = nil, owner: String? = nil, section: ArchiveSection,
                      definition: String? = nil, dropStatement: String? = nil, copyStatement: String? = nil,
                      tablespace: String? = nil, tableAccessMethod: String? = nil, relkind: Int = 0,
                      dependencies: [Int] = [], data: DataSource? = nil) -> Int {
        let id = dumpId ?? graph.newDumpId()
        if chunks.last.map({ $0.count >= Self.chunkSize }) ?? true {
            chunks.append([])
            chunks[chunks.count - 1].reserveCapacity(Self.chunkSize)
        }
        chunks[chunks.count - 1].append(TocEntry(
            dumpId: id, hasData: data != nil, tableOid: catalogId.tableOid, oid: catalogId.oid, tag: tag, desc: desc,
            // nil stays nil: pg_dump's ArchiveEntry writes NULL (not "") for statements and
            // owners it is not given, and pg_restore prints the two differently ("Owner: -").
            section: section, definition: definition, dropStatement: dropStatement,
            copyStatement: copyStatement, namespace: namespace, tablespace: tablespace,
            tableAccessMethod: tableAccessMethod, relkind: relkind, owner: owner, dependencies: dependencies,
            dataState: data != nil ? .notSet : .noData))
        if let data { dataSources[id] = data }
        return id
    }

    /// Drops entries an option excludes from the dump.
    public func removeEntries(where excluded: (TocEntry) -> Bool) {
        for i in chunks.indices { chunks[i].removeAll(where: excluded) }
    }

    /// pg_dump's BuildArchiveDependencies: an entry created without explicit dependencies gets
    /// those of its object that are in the archive, looking through objects that are not dumped
    /// (a view's ON SELECT rule, a table's row type) but never through the section boundaries.
    /// `table` holds the objects' dependencies once the objects are gone (DumpRunner); without
    /// it they are read from the graph.
    public func buildArchiveDependencies(_ table: DependencyTable? = nil) {
        let table = table ?? DependencyTable(graph.objects)
        var emitted = Set<Int>()
        emitted.reserveCapacity(entryCount)
        forEachEntry { emitted.insert($0.dumpId) }
        for c in chunks.indices {
            for i in chunks[c].indices where chunks[c][i].dependencies.isEmpty {
                if let found = archiveDependencies(of: chunks[c][i].dumpId, table, emitted) { chunks[c][i].dependencies = found }
            }
        }
    }

    /// The dependencies in the archive of the object `own`, or nil when it has none at all.
    private func archiveDependencies(of own: Int, _ table: DependencyTable, _ emitted: Set<Int>) -> [Int]? {
        guard !table.dependencies(of: own).isEmpty else { return nil }
        var found: [Int] = []
        var visiting = Set<Int>()
        func collect(_ id: Int) {
            if table.isBoundary(id) { return }
            for dep in table.dependencies(of: id) {
                let dep = Int(dep)
                if emitted.contains(dep) {
                    found.append(dep)
                } else if visiting.insert(dep).inserted {
                    collect(dep)
                }
            }
        }
        collect(own)
        return found
    }
}
