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
    public private(set) var entries: [TocEntry] = []
    public private(set) var dataSources: [Int: DataSource] = [:]
    /// pg_init_privs, for ACL entries of objects whose privileges initdb or an extension set.
    public var initialPrivileges: InitialPrivileges?
    /// The ACL entry of each table (by the table's dump id), for its column ACLs to depend on.
    var tableACLDumpIds: [Int: Int] = [:]

    public init(graph: DumpGraph, context: RenderContext) {
        self.graph = graph
        self.context = context
    }

    /// Hands the finished TOC over (to the archive writer) without keeping a second copy.
    public func takeEntries() -> [TocEntry] {
        defer { entries = [] }
        return entries
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
        entries.append(TocEntry(
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
        entries.removeAll(where: excluded)
    }

    /// pg_dump's BuildArchiveDependencies: an entry created without explicit dependencies gets
    /// those of its object that are in the archive, looking through objects that are not dumped
    /// (a view's ON SELECT rule, a table's row type) but never through the section boundaries.
    /// `table` holds the objects' dependencies once the objects are gone (DumpRunner); without
    /// it they are read from the graph.
    public func buildArchiveDependencies(_ table: DependencyTable? = nil) {
        let table = table ?? DependencyTable(graph.objects)
        let emitted = Set(entries.map(\.dumpId))
        for i in entries.indices where entries[i].dependencies.isEmpty {
            let own = entries[i].dumpId
            guard !table.dependencies(of: own).isEmpty else { continue }
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
            entries[i].dependencies = found
        }
    }
}
