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

    /// Adds a TOC entry. `dumpId` is the object's own id for its main entry; pass nil to get a
    /// fresh one (comments, ACLs, security labels). Returns the entry's dump id.
    @discardableResult
    public func entry(dumpId: Int? = nil, catalogId: CatalogId = .none, desc: String, tag: String,
                      namespace: String? = nil, owner: String? = nil, section: ArchiveSection,
                      definition: String? = nil, dropStatement: String? = nil, copyStatement: String? = nil,
                      tablespace: String? = nil, tableAccessMethod: String? = nil, relkind: Int = 0,
                      dependencies: [Int] = [], data: DataSource? = nil) -> Int {
        let id = dumpId ?? graph.newDumpId()
        // An object's own entry carries the object's dependencies (pg_dump passes dobj->dependencies),
        // final by now: pg_depend, the ones providers add by hand, and the sort's boundary links.
        var dependencies = dependencies
        if dependencies.isEmpty, let dumpId, let object = graph.object(dumpId: dumpId) {
            dependencies = object.dependencies
        }
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
}
