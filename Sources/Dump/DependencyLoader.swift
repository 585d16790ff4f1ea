import Catalog
import Postgres

/// Turns pg_depend into dump-object dependencies (pg_dump's getDependencies): one query for the
/// whole database, operator-family members folded into their families, and the table/rowtype
/// direction reversed where pg_dump reverses it.
public enum DependencyLoader {
    public static func load(into graph: DumpGraph, connection: Connection) throws {
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
            ORDER BY 1, 2
            """)
        for r in rows {
            guard let c = r[0].flatMap(UInt32.init), let o = r[1].flatMap(UInt32.init),
                  let rc = r[2].flatMap(UInt32.init), let ro = r[3].flatMap(UInt32.init) else { continue }
            // Objects pg_dump does not collect (TOAST tables, ...) simply have no entry.
            guard let object = graph.object(catalogId: CatalogId(tableOid: c, oid: o)),
                  let referenced = graph.object(catalogId: CatalogId(tableOid: rc, oid: ro)) else { continue }
            if r[4] == "i" && object.kind == .table && referenced.kind == .type {
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
