import Postgres

/// Bulk, version-aware queries behind pg_dump's getIndexes, getConstraints (foreign keys),
/// getTriggers, getRules, getPolicies and getExtendedStatistics. Definitions pg_dump fetches
/// one object at a time (pg_get_ruledef, pg_get_statisticsobjdef) are folded in.
public enum PostDataCatalog {
    typealias R = RelationCatalog

    /// Valid (or partitioned) ready indexes of user tables and materialized views, in (table,
    /// index name) order.
    ///
    /// No deparsing function runs for most rows. An index dumped on its own gets its `shape`
    /// (what pg_get_indexdef prints, names quoted by the server), from which the dumper renders
    /// the definition of plain column indexes and asks `indexDefinitions` for the others; a
    /// constraint's index is written from its columns. pg_get_indexdef opens the table and
    /// looks up each column's default operator class without a cache: on thousands of tables it
    /// was the dump's most expensive catalog query. The constraint definition runs for EXCLUDE
    /// only, statistics targets for indexes with expressions only (the only columns that can
    /// have one).
    public static func indexes(_ c: Connection, serverVersion: Int) throws -> [IndexRow] {
        let v = serverVersion
        let stat = v >= 170000 ? "attstattarget IS NOT NULL AND attstattarget >= 0" : "attstattarget >= 0"
        let r = try R.run(c, "indexes", """
            SELECT t.tableoid, t.oid, i.indrelid, t.relname AS indexname,
              i.indkey, i.indisclustered,
              c.contype, c.conname, c.condeferrable, c.condeferred, c.tableoid AS contableoid, c.oid AS conoid,
              CASE WHEN c.contype = 'x' THEN pg_catalog.pg_get_constraintdef(c.oid, false) END AS condef,
              CASE WHEN t.reltablespace = 0 THEN '' ELSE
                coalesce((SELECT spcname FROM pg_catalog.pg_tablespace s WHERE s.oid = t.reltablespace), '') END AS tablespace,
              t.reloptions AS indreloptions, i.indisreplident, inh.inhparent AS parentidx,
              i.indnkeyatts, i.indnatts,
              CASE WHEN i.indexprs IS NOT NULL THEN (SELECT pg_catalog.array_agg(attnum ORDER BY attnum)
                FROM pg_catalog.pg_attribute WHERE attrelid = i.indexrelid AND \(stat)) END AS indstatcols,
              CASE WHEN i.indexprs IS NOT NULL THEN (SELECT pg_catalog.array_agg(attstattarget ORDER BY attnum)
                FROM pg_catalog.pg_attribute WHERE attrelid = i.indexrelid AND \(stat)) END AS indstatvals,
              \(v >= 150000 ? "i.indnullsnotdistinct" : "false AS indnullsnotdistinct"),
              \(v >= 180000 ? "c.conperiod" : "false AS conperiod"),
              c.contype IS NULL AS hasshape,
              pg_catalog.quote_ident(t.relname) AS qname,
              pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(t2.relname) AS qtable,
              pg_catalog.quote_ident(am.amname) AS qam,
              i.indisunique, t.relkind, i.indclass, i.indcollation, i.indoption,
              i.indexprs IS NOT NULL AS hasexprs, i.indpred IS NOT NULL AS haspred,
              -- A LIMIT keeps this a lookup per index: as EXISTS it became a scan of all of pg_attribute.
              CASE WHEN c.contype IS NULL THEN (SELECT true FROM pg_catalog.pg_attribute ia
                WHERE ia.attrelid = i.indexrelid AND ia.attnum > 0 AND ia.attoptions IS NOT NULL LIMIT 1) IS NOT NULL END AS hascoloptions
            FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class t ON t.oid = i.indexrelid
            JOIN pg_catalog.pg_class t2 ON t2.oid = i.indrelid AND t2.relkind IN ('r', 'm', 'p')
            JOIN pg_catalog.pg_namespace tn ON tn.oid = t2.relnamespace AND tn.nspname !~ '^pg_' AND tn.nspname <> 'information_schema'
            JOIN pg_catalog.pg_am am ON am.oid = t.relam
            LEFT JOIN pg_catalog.pg_constraint c ON (i.indrelid = c.conrelid AND i.indexrelid = c.conindid
              AND c.contype IN ('p','u','x'))
            LEFT JOIN pg_catalog.pg_inherits inh ON inh.inhrelid = indexrelid
            WHERE (i.indisvalid OR t2.relkind = 'p') AND i.indisready
            ORDER BY i.indrelid, indexname
            """)
        // Cells are read in place by type: building a String for each of the ~35 cells of every
        // row was most of the client's time on this query.
        var rows: [IndexRow] = []
        rows.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount {
            var x = IndexRow()
            x.id = CatalogId(tableOid: r.uint32(row: i, column: 0) ?? 0, oid: r.uint32(row: i, column: 1) ?? 0)
            x.relationOid = r.uint32(row: i, column: 2) ?? 0
            x.name = r[i, 3] ?? ""
            x.keys = r.intVector(row: i, column: 4)
            x.isClustered = r.bool(row: i, column: 5)
            if let type = r.firstByte(row: i, column: 6) {
                var k = IndexConstraintRow()
                k.type = Character(Unicode.Scalar(type))
                k.name = r[i, 7] ?? ""
                k.deferrable = r.bool(row: i, column: 8)
                k.deferred = r.bool(row: i, column: 9)
                k.id = CatalogId(tableOid: r.uint32(row: i, column: 10) ?? 0, oid: r.uint32(row: i, column: 11) ?? 0)
                k.definition = r[i, 12] ?? ""
                x.constraint = k
            }
            x.tablespace = r[i, 13] ?? ""
            x.reloptions = r[i, 14]
            x.isReplicaIdentity = r.bool(row: i, column: 15)
            x.parentIndex = r.uint32(row: i, column: 16) ?? 0
            x.keyAttributeCount = r.int(row: i, column: 17) ?? 0
            x.attributeCount = r.int(row: i, column: 18) ?? 0
            if !r.isNull(row: i, column: 19) {
                x.statisticsColumns = PostgresArray.parse(r[i, 19])
                x.statisticsValues = PostgresArray.parse(r[i, 20])
            }
            x.nullsNotDistinct = r.bool(row: i, column: 21)
            x.constraint?.withoutOverlaps = r.bool(row: i, column: 22)
            if r.bool(row: i, column: 23) {
                var sh = IndexShape()
                sh.quotedName = r[i, 24] ?? ""
                sh.quotedTable = r[i, 25] ?? ""
                sh.quotedAccessMethod = r[i, 26] ?? ""
                sh.isUnique = r.bool(row: i, column: 27)
                sh.isPartitioned = r.firstByte(row: i, column: 28) == UInt8(ascii: "I")
                sh.operatorClasses = r.intVector(row: i, column: 29).map { UInt32(truncatingIfNeeded: $0) }
                sh.collations = r.intVector(row: i, column: 30).map { UInt32(truncatingIfNeeded: $0) }
                sh.options = r.intVector(row: i, column: 31)
                sh.hasExpressions = r.bool(row: i, column: 32)
                sh.hasPredicate = r.bool(row: i, column: 33)
                sh.hasColumnOptions = r.bool(row: i, column: 34)
                x.shape = sh
            }
            rows.append(x)
        }
        return rows
    }

    /// pg_get_indexdef of the given indexes, for those `IndexDefinitionDDL` cannot render.
    public static func indexDefinitions(_ c: Connection, indexes: [UInt32]) throws -> [UInt32: String] {
        guard !indexes.isEmpty else { return [:] }
        var result: [UInt32: String] = [:]
        for row in try R.run(c, "index definitions", """
            SELECT src.oid, pg_catalog.pg_get_indexdef(src.oid) FROM unnest($1::pg_catalog.oid[]) AS src(oid)
            """, [R.oidArray(indexes)]) {
            result[R.oid(row[0])] = row[1] ?? ""
        }
        return result
    }

    /// Each default operator class with the input type it is the default for (domains left out:
    /// GetDefaultOpClass looks through a domain to its base type). pg_get_indexdef prints an
    /// index column's operator class unless it is its column type's default.
    public static func defaultOperatorClasses(_ c: Connection) throws -> [UInt32: UInt32] {
        var result: [UInt32: UInt32] = [:]
        for row in try R.run(c, "default operator classes", """
            SELECT o.oid, o.opcintype FROM pg_catalog.pg_opclass o
            JOIN pg_catalog.pg_type t ON t.oid = o.opcintype
            WHERE o.opcdefault AND t.typtype <> 'd'
            """) {
            result[R.oid(row[0])] = R.oid(row[1])
        }
        return result
    }

    /// Foreign keys declared on user tables (not the copies on partitions).
    public static func foreignKeys(_ c: Connection) throws -> [ForeignKeyRow] {
        try R.run(c, "foreign keys", """
            SELECT c.tableoid, c.oid, conrelid, conname, confrelid, conindid,
              pg_catalog.pg_get_constraintdef(c.oid) AS condef
            FROM pg_catalog.pg_constraint c
            \(R.joinUserRelations(on: "c.conrelid"))
            WHERE contype = 'f' AND conparentid = 0
            ORDER BY conrelid, conname
            """).map { row in
            var f = ForeignKeyRow()
            f.id = CatalogId(tableOid: R.oid(row[0]), oid: R.oid(row[1]))
            f.relationOid = R.oid(row[2])
            f.name = row[3] ?? ""
            f.referencedRelation = R.oid(row[4])
            f.indexOid = R.oid(row[5])
            f.definition = row[6] ?? ""
            return f
        }
    }

    /// User triggers of user relations, plus partition clones whose enabled state differs from
    /// the parent's.
    public static func triggers(_ c: Connection, serverVersion: Int) throws -> [TriggerRow] {
        // A partition's clone of a parent trigger: tgparentid from 13 on, pg_depend before.
        let parentJoin = serverVersion >= 130000
            ? "LEFT JOIN pg_catalog.pg_trigger u ON u.oid = t.tgparentid"
            : """
              LEFT JOIN pg_catalog.pg_depend d ON (d.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass
                AND d.refclassid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND d.objid = t.oid)
              LEFT JOIN pg_catalog.pg_trigger u ON u.oid = d.refobjid
              """
        let filter = serverVersion >= 150000
            ? "WHERE ((NOT t.tgisinternal AND t.tgparentid = 0) OR t.tgenabled != u.tgenabled)"
            : "WHERE (NOT t.tgisinternal OR t.tgenabled != u.tgenabled)"
        let clone = serverVersion >= 150000 ? "t.tgparentid <> 0" : "t.tgisinternal"
        return try R.run(c, "triggers", """
            SELECT t.tableoid, t.oid, t.tgrelid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, false) AS tgdef,
              t.tgenabled, \(clone) AS tgispartition
            FROM pg_catalog.pg_trigger t
            \(R.joinUserRelations(on: "t.tgrelid"))
            \(parentJoin)
            \(filter)
            ORDER BY t.tgrelid, t.tgname
            """).map { row in
            var g = TriggerRow()
            g.id = CatalogId(tableOid: R.oid(row[0]), oid: R.oid(row[1]))
            g.relationOid = R.oid(row[2])
            g.name = row[3] ?? ""
            g.definition = row[4] ?? ""
            g.enabled = row[5]?.first ?? "O"
            g.isPartitionClone = row[6] == "t"
            return g
        }
    }

    /// Rewrite rules of user relations, with pg_get_ruledef.
    public static func rules(_ c: Connection) throws -> [RuleRow] {
        try R.run(c, "rules", """
            SELECT r.tableoid, r.oid, r.rulename, r.ev_class, r.ev_type, r.is_instead, r.ev_enabled,
              CASE WHEN NOT (r.ev_type = '1' AND r.is_instead) THEN pg_catalog.pg_get_ruledef(r.oid) END
            FROM pg_catalog.pg_rewrite r
            JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE \(RelationCatalog.userRelationFilter)
            ORDER BY r.oid
            """).map { row in
            var u = RuleRow()
            u.id = CatalogId(tableOid: R.oid(row[0]), oid: R.oid(row[1]))
            u.name = row[2] ?? ""
            u.relationOid = R.oid(row[3])
            u.eventType = row[4]?.first ?? "1"
            u.isInstead = row[5] == "t"
            u.enabled = row[6]?.first ?? "O"
            u.definition = row[7] ?? ""
            return u
        }
    }

    /// Row-level security policies of user relations, in OID order.
    public static func policies(_ c: Connection) throws -> [PolicyRow] {
        try R.run(c, "policies", """
            SELECT pol.tableoid, pol.oid, pol.polrelid, pol.polname, pol.polcmd, pol.polpermissive,
              CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(ARRAY(
                SELECT pg_catalog.quote_ident(rolname) FROM pg_catalog.pg_roles WHERE oid = ANY(pol.polroles)), ', ') END,
              pg_catalog.pg_get_expr(pol.polqual, pol.polrelid), pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)
            FROM pg_catalog.pg_policy pol
            \(R.joinUserRelations(on: "pol.polrelid"))
            ORDER BY pol.oid
            """).map { row in
            var p = PolicyRow()
            p.id = CatalogId(tableOid: R.oid(row[0]), oid: R.oid(row[1]))
            p.relationOid = R.oid(row[2])
            p.name = row[3] ?? ""
            p.command = row[4]?.first ?? "*"
            p.permissive = row[5] == "t"
            p.roles = row[6]
            p.using = row[7]
            p.withCheck = row[8]
            return p
        }
    }

    public static func statistics(_ c: Connection, serverVersion: Int) throws -> [StatisticsRow] {
        let target = serverVersion >= 170000 ? "coalesce(s.stxstattarget, -1)"
            : serverVersion >= 130000 ? "s.stxstattarget" : "(-1)"
        return try R.run(c, "extended statistics", """
            SELECT s.tableoid, s.oid, s.stxname, s.stxnamespace, pg_catalog.pg_get_userbyid(s.stxowner), s.stxrelid,
              \(target), pg_catalog.pg_get_statisticsobjdef(s.oid)
            FROM pg_catalog.pg_statistic_ext s
            JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
            WHERE \(RelationCatalog.userRelationFilter)
            ORDER BY s.oid
            """).map { row in
            var s = StatisticsRow()
            s.id = CatalogId(tableOid: R.oid(row[0]), oid: R.oid(row[1]))
            s.name = row[2] ?? ""
            s.namespaceOid = R.oid(row[3])
            s.owner = row[4] ?? ""
            s.relationOid = R.oid(row[5])
            s.statisticsTarget = Int(row[6] ?? "-1") ?? -1
            s.definition = row[7] ?? ""
            return s
        }
    }
}
