import Catalog
import Postgres

/// Turns pg_depend into dump-object dependencies (pg_dump's getDependencies): one query for the
/// whole database, operator-family members folded into their families, and the table/rowtype
/// direction reversed where pg_dump reverses it.
///
/// `read` and `apply` are separate so that the dumper reads pg_depend before the objects exist:
/// its rows (tens of thousands on thousands of tables) are then parsed while little else is in
/// memory, and only the 20-byte edges wait for the graph.
public enum DependencyLoader {
    /// pg_depend's rows in pg_dump's order (classid, objid).
    public struct Edges {
        var edges: [Edge]
    }

    /// One pg_depend row.
    struct Edge {
        var classId: UInt32, objectId: UInt32, refClassId: UInt32, refObjectId: UInt32
        var isInternal: Bool
        var position: Int32
    }

    public static func load(into graph: DumpGraph, connection: Connection) throws {
        apply(try read(connection), to: graph)
    }

    public static func read(_ connection: Connection) throws -> Edges {
        // pg_dump reads these ORDER BY classid, objid, the order in which dependencies are added.
        // They are sorted here instead: on tens of thousands of rows the server's sort spilled to
        // disk and was most of the query's time, and the rows kept are 20 bytes each, not a cell
        // per column in a result held until the graph is done.
        var edges: [Edge] = []
        do {
            let rows = try connection.query("""
                SELECT classid, objid, refclassid, refobjid, deptype FROM pg_catalog.pg_depend
                WHERE deptype != 'p' AND deptype != 'e'
                UNION ALL
                SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass AS classid, amopfamily AS objid, refclassid, refobjid, deptype
                FROM pg_catalog.pg_depend d, pg_catalog.pg_amop o
                WHERE deptype NOT IN ('p', 'e', 'i') AND classid = 'pg_catalog.pg_amop'::pg_catalog.regclass AND objid = o.oid
                  AND NOT (refclassid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND amopfamily = refobjid)
                UNION ALL
                SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass AS classid, amprocfamily AS objid, refclassid, refobjid, deptype
                FROM pg_catalog.pg_depend d, pg_catalog.pg_amproc p
                WHERE deptype NOT IN ('p', 'e', 'i') AND classid = 'pg_catalog.pg_amproc'::pg_catalog.regclass AND objid = p.oid
                  AND NOT (refclassid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND amprocfamily = refobjid)
                """)
            edges.reserveCapacity(rows.rowCount)
            for i in 0..<rows.rowCount {
                guard let c = rows.uint32(row: i, column: 0), let o = rows.uint32(row: i, column: 1),
                      let rc = rows.uint32(row: i, column: 2), let ro = rows.uint32(row: i, column: 3) else { continue }
                edges.append(Edge(classId: c, objectId: o, refClassId: rc, refObjectId: ro,
                                  isInternal: rows.firstByte(row: i, column: 4) == UInt8(ascii: "i"), position: Int32(edges.count)))
            }
        }
        edges.sort { ($0.classId, $0.objectId, $0.position) < ($1.classId, $1.objectId, $1.position) }
        return Edges(edges: edges)
    }

    public static func apply(_ edges: Edges, to graph: DumpGraph) {
        for e in edges.edges {
            // Objects pg_dump does not collect (TOAST tables, ...) simply have no entry.
            guard let object = graph.object(catalogId: CatalogId(tableOid: e.classId, oid: e.objectId)),
                  let referenced = graph.object(catalogId: CatalogId(tableOid: e.refClassId, oid: e.refObjectId)) else { continue }
            if e.isInternal && object.kind == .table && referenced.kind == .type {
                // A composite type's implicit dependency points the wrong way for ordering.
                add(referenced, dependsOn: object)
            } else {
                add(object, dependsOn: referenced)
            }
        }
    }

    static func add(_ object: DumpObject, dependsOn other: DumpObject) {
        if object === other || object.dependencies.contains(other.dumpId) { return }
        object.dependencies.append(other.dumpId)
    }
}
