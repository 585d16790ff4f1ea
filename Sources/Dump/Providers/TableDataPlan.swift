import Catalog
import DDL
import Postgres

/// How one table's data is written (pg_dump's dumpTableData): the TOC entry's definition and
/// COPY statement, and the source that streams the rows. COPY by default; INSERT statements
/// with --inserts; COPY (SELECT ...) for a foreign table; the partition root's name in place of
/// the partition's with --load-via-partition-root.
struct TableDataPlan {
    /// "-- load via partition root ROOT" when the data loads through the root, else nil.
    let definition: String?
    /// "COPY target (cols) FROM stdin;\n", nil for INSERT data.
    let copyStatement: String?
    let source: DataSource

    init(table t: RelationRow, columns: [ColumnRow], root: RelationRow?, inserts: InsertOptions?,
         connection: Connection, _ ctx: RenderContext) {
        let target = root.map { ctx.qualified($0.namespace, $0.name) } ?? ctx.qualified(t.namespace, t.name)
        // sanitize_line: a newline in a name must not end the comment.
        definition = root.map { _ in "-- load via partition root " + target.replacingOccurrences(of: "\n", with: "-") }
        let foreign = t.relkind == .foreignTable
        if let inserts {
            copyStatement = nil
            let cols = columns.filter { !$0.isDropped }
                .map { InsertDataSource.Column(quotedName: ctx.id($0.name), generated: $0.generated != nil) }
            source = InsertDataSource(connection: connection, source: ctx.qualified(t.namespace, t.name), target: target,
                                      columns: cols, needsOverride: columns.contains { $0.identity == "a" },
                                      options: inserts, standardConformingStrings: ctx.standardConformingStrings,
                                      isForeignTable: foreign)
            return
        }
        let list = TableDataDDL.columnList(columns, ctx)
        copyStatement = "COPY \(target) \(list) FROM stdin;\n"
        if foreign {
            // dumpTableData_copy's COPY (SELECT ...) form: a foreign table cannot be COPYed directly.
            let select = list.count > 2 ? String(list.dropFirst().dropLast()) + " " : "* "
            let query = "COPY (SELECT \(select)FROM \(ctx.qualified(t.namespace, t.name)) ) TO stdout;"
            source = ForeignTableDataSource(copy: TableDataSource(connection: connection, copyQuery: query))
        } else {
            source = TableDataSource(connection: connection, copyQuery: TableDataDDL.copyTo(t, columns, ctx))
        }
    }

    /// The partition root a partition's data loads through: with --load-via-partition-root, or
    /// when some ancestor is hashed on an enum (forcePartitionRootLoad); nil otherwise.
    static func loadTarget(of t: RelationRow, _ set: RelationSet, loadViaPartitionRoot: Bool) -> RelationRow? {
        guard t.isPartition else { return nil }
        var current = t
        var forced = false
        // getRootTableInfo: up through the partitioned parents to the topmost one.
        while current.isPartition, let parentOid = set.parents[current.id.oid]?.first, let parent = set.relation(parentOid) {
            current = parent
            if set.unsafePartitioned.contains(parentOid) { forced = true }
        }
        guard loadViaPartitionRoot || forced, current.id.oid != t.id.oid else { return nil }
        return current
    }

    /// getPartitioningInfo: partitioned tables with hash enum_ops among their partition
    /// opclasses (hash codes of enum values depend on OIDs a restore does not keep).
    static func unsafePartitionedTables(_ connection: Connection) throws -> Set<UInt32> {
        let rows = try connection.query("""
            SELECT partrelid FROM pg_partitioned_table WHERE
            (SELECT c.oid FROM pg_opclass c JOIN pg_am a ON c.opcmethod = a.oid
            WHERE opcname = 'enum_ops' AND opcnamespace = 'pg_catalog'::regnamespace AND amname = 'hash') = ANY(partclass)
            """)
        return Set(rows.compactMap { $0[0].flatMap { UInt32($0) } })
    }
}
