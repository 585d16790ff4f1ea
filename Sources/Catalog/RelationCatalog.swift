import Postgres

/// Bulk, version-aware queries behind pg_dump's getNamespaces, getTables, getInherits,
/// getTableAttrs (columns, defaults, CHECK constraints) and the sequence queries: one round
/// trip per query whatever the number of relations (servers 12 to 18).
///
/// Per-relation functions that pg_dump runs in a query of their own (pg_get_viewdef,
/// pg_get_partkeydef, pg_get_expr(relpartbound), the foreign server and options) are folded
/// into the relations query.
public enum RelationCatalog {
    /// The schemas pg_dump never dumps the contents of.
    static let userRelationFilter = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"

    /// Joins `column` (a pg_class OID) to the relations `relations` returns, as `rc` / `rn`.
    /// Queries pg_dump runs for a list of tables (its "interesting" ones) select them this way
    /// instead, server-side, and the dumper keeps the rows of the tables it wants: every catalog
    /// query is then known before any result arrives, so all of them can be sent at once
    /// (Connection.beginPipeline).
    static func joinUserRelations(on column: String, kinds: String = "'r', 'S', 'v', 'm', 'f', 'p'") -> String {
        """
        JOIN pg_catalog.pg_class rc ON rc.oid = \(column) AND rc.relkind IN (\(kinds))
        JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace AND rn.nspname !~ '^pg_' AND rn.nspname <> 'information_schema'
        """
    }

    public static func namespaces(_ c: Connection) throws -> [NamespaceRow] {
        let r = try run(c, "namespaces", """
            SELECT n.tableoid, n.oid, n.nspname, n.nspowner, pg_catalog.pg_get_userbyid(n.nspowner) AS owner, n.nspacl,
              pg_catalog.acldefault('n', n.nspowner)
            FROM pg_catalog.pg_namespace n ORDER BY n.oid
            """)
        return r.map { row in
            var n = NamespaceRow()
            n.id = CatalogId(tableOid: oid(row[0]), oid: oid(row[1]))
            n.name = row[2] ?? ""
            n.ownerOid = oid(row[3])
            n.owner = row[4] ?? ""
            n.acl = row[5]
            n.aclDefault = row[6]
            return n
        }
    }

    public static func relations(_ c: Connection, serverVersion: Int) throws -> [RelationRow] {
        let r = try run(c, "relations", """
            SELECT c.tableoid, c.oid, c.relname, c.relnamespace, n.nspname, c.relkind,
              pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.relacl, c.relchecks, c.relhasindex, c.relhasrules,
              c.relhastriggers, c.relpersistence,
              CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS oftype,
              array_remove(array_remove(c.reloptions,'check_option=local'),'check_option=cascaded') AS reloptions,
              CASE WHEN 'check_option=local' = ANY (c.reloptions) THEN 'LOCAL'::text
                   WHEN 'check_option=cascaded' = ANY (c.reloptions) THEN 'CASCADED'::text END AS checkoption,
              tc.reloptions AS toast_reloptions, coalesce(tsp.spcname, '') AS tablespace, am.amname,
              c.relispopulated, c.relreplident, c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
              CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partkeydef,
              CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partbound,
              fs.srvname,
              CASE WHEN c.relkind = 'f' THEN pg_catalog.array_to_string(ARRAY(
                SELECT pg_catalog.quote_ident(option_name) || ' ' || pg_catalog.quote_literal(option_value)
                FROM pg_catalog.pg_options_to_table(ft.ftoptions) ORDER BY option_name), E',\\n    ') END AS ftoptions,
              CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END AS viewdef,
              d.refobjid AS owning_tab, d.refobjsubid AS owning_col, (d.deptype = 'i') IS TRUE AS is_identity_sequence,
              EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                AND e.objid = c.oid AND e.deptype = 'e') AS is_extension_member,
              pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's'::\"char\" ELSE 'r'::\"char\" END, c.relowner) AS acldefault
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_depend d ON (c.relkind = 'S' AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.objid = c.oid AND d.objsubid = 0 AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.deptype IN ('a', 'i'))
            LEFT JOIN pg_catalog.pg_tablespace tsp ON tsp.oid = c.reltablespace
            LEFT JOIN pg_catalog.pg_am am ON c.relam = am.oid
            LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid AND tc.relkind = 't' AND c.relkind <> 'p')
            LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid
            LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver
            WHERE c.relkind IN ('r', 'S', 'v', 'm', 'f', 'p') AND \(userRelationFilter)
            ORDER BY c.oid
            """)
        // Cells read in place by type (see PostDataCatalog.indexes).
        var relations: [RelationRow] = []
        relations.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount {
            var t = RelationRow()
            t.id = CatalogId(tableOid: r.uint32(row: i, column: 0) ?? 0, oid: r.uint32(row: i, column: 1) ?? 0)
            t.name = r[i, 2] ?? ""
            t.namespaceOid = r.uint32(row: i, column: 3) ?? 0
            t.namespace = r[i, 4] ?? ""
            t.relkind = r.firstByte(row: i, column: 5).flatMap { Relkind(rawValue: Character(Unicode.Scalar($0))) } ?? .table
            t.owner = r[i, 6] ?? ""
            t.acl = r[i, 7]
            t.checkCount = r.int(row: i, column: 8) ?? 0
            t.hasIndex = r.bool(row: i, column: 9)
            t.hasRules = r.bool(row: i, column: 10)
            t.hasTriggers = r.bool(row: i, column: 11)
            t.persistence = r.firstByte(row: i, column: 12).map { Character(Unicode.Scalar($0)) } ?? "p"
            t.ofType = r[i, 13]
            t.reloptions = r[i, 14]
            t.checkOption = r[i, 15]
            t.toastReloptions = r[i, 16]
            t.tablespace = r[i, 17] ?? ""
            t.accessMethod = r[i, 18]
            t.isPopulated = r.bool(row: i, column: 19)
            t.replicaIdentity = r.firstByte(row: i, column: 20).map { Character(Unicode.Scalar($0)) } ?? "d"
            t.rowSecurity = r.bool(row: i, column: 21)
            t.forceRowSecurity = r.bool(row: i, column: 22)
            t.isPartition = r.bool(row: i, column: 23)
            t.partitionKey = r[i, 24]
            t.partitionBound = r[i, 25]
            t.foreignServer = r[i, 26]
            t.foreignOptions = r[i, 27]
            t.viewDefinition = r[i, 28]
            t.owningTable = r.uint32(row: i, column: 29) ?? 0
            t.owningColumn = r.int(row: i, column: 30) ?? 0
            t.isIdentitySequence = r.bool(row: i, column: 31)
            t.isExtensionMember = r.bool(row: i, column: 32)
            t.aclDefault = r[i, 33]
            relations.append(t)
        }
        return relations
    }

    /// pg_inherits in (child, inhseqno) order: a child's parents in declaration order.
    public static func inherits(_ c: Connection) throws -> [InheritsRow] {
        try run(c, "inheritance", "SELECT inhrelid, inhparent FROM pg_catalog.pg_inherits ORDER BY inhrelid, inhseqno").map {
            var i = InheritsRow()
            i.child = oid($0[0])
            i.parent = oid($0[1])
            return i
        }
    }

    /// Columns of every user table, view, materialized view and foreign table (getTableAttrs'
    /// pg_attribute query, for all of them), in (relation, attnum) order.
    public static func columns(_ c: Connection, serverVersion: Int) throws -> [ColumnRow] {
        let v = serverVersion
        let notNull = v >= 180000
            ? """
              co.conname AS notnull_name, co.conislocal AS notnull_islocal, co.convalidated AS notnull_valid,
              co.connoinherit AS notnull_noinherit, co.tableoid AS notnull_tableoid, co.oid AS notnull_oid
              """
            : """
              NULL AS notnull_name, NULL AS notnull_islocal, NULL AS notnull_valid, NULL AS notnull_noinherit,
              NULL AS notnull_tableoid, NULL AS notnull_oid
              """
        let notNullJoin = v >= 180000
            ? "LEFT JOIN pg_catalog.pg_constraint co ON (co.conrelid = a.attrelid AND co.contype = 'n' AND co.conkey = ARRAY[a.attnum])\n"
            : ""
        let r = try run(c, "columns", """
            SELECT a.attrelid, a.attnum, a.attname, \(v >= 170000 ? "coalesce(a.attstattarget, -1)" : "a.attstattarget"),
              a.attstorage, t.typstorage, a.attnotnull, a.atthasdef, a.attisdropped, a.attislocal,
              pg_catalog.format_type(t.oid, a.atttypmod) AS atttypname,
              CASE WHEN a.attoptions IS NULL THEN '' ELSE
                array_to_string(ARRAY(SELECT o FROM unnest(a.attoptions) o WHERE substr(o, 1, 10) <> 'pg_attver='), ', ') END AS attoptions,
              CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
                (SELECT ARRAY[cn.nspname::text, co2.collname::text]
                 FROM pg_catalog.pg_collation co2 JOIN pg_catalog.pg_namespace cn ON cn.oid = co2.collnamespace
                 WHERE co2.oid = a.attcollation) END AS attcollation,
              CASE WHEN a.attfdwoptions IS NULL THEN '' ELSE pg_catalog.array_to_string(ARRAY(
                SELECT pg_catalog.quote_ident(option_name) || ' ' || pg_catalog.quote_literal(option_value)
                FROM pg_catalog.pg_options_to_table(attfdwoptions) ORDER BY option_name), E',\\n    ') END AS attfdwoptions,
              \(v >= 140000 ? "a.attcompression" : "''") AS attcompression, a.attidentity, a.attgenerated, a.attacl,
              \(notNull),
              a.atttypid, a.attcollation, pg_catalog.quote_ident(a.attname)
            FROM pg_catalog.pg_attribute a
            \(joinUserRelations(on: "a.attrelid", kinds: "'r', 'v', 'm', 'f', 'p'"))
            LEFT JOIN pg_catalog.pg_type t ON a.atttypid = t.oid
            \(notNullJoin)WHERE a.attnum > 0::pg_catalog.int2
            ORDER BY a.attrelid, a.attnum
            """)
        // Cells read in place by type (see PostDataCatalog.indexes).
        var columns: [ColumnRow] = []
        columns.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount {
            var a = ColumnRow()
            a.relationOid = r.uint32(row: i, column: 0) ?? 0
            a.number = r.int(row: i, column: 1) ?? 0
            a.name = r[i, 2] ?? ""
            a.statisticsTarget = r.int(row: i, column: 3) ?? -1
            a.storage = r.firstByte(row: i, column: 4).map { Character(Unicode.Scalar($0)) } ?? "p"
            a.typeStorage = r.firstByte(row: i, column: 5).map { Character(Unicode.Scalar($0)) } ?? "p"
            a.notNull = r.bool(row: i, column: 6)
            a.hasDefault = r.bool(row: i, column: 7)
            a.isDropped = r.bool(row: i, column: 8)
            a.isLocal = r.bool(row: i, column: 9)
            a.typeName = r[i, 10] ?? ""
            a.options = r[i, 11] ?? ""
            if !r.isNull(row: i, column: 12) {
                let collation = PostgresArray.parse(r[i, 12])
                if collation.count == 2 { a.collationSchema = collation[0]; a.collationName = collation[1] }
            }
            a.fdwOptions = r[i, 13] ?? ""
            a.compression = r.firstByte(row: i, column: 14).map { Character(Unicode.Scalar($0)) }
            a.identity = r.firstByte(row: i, column: 15).map { Character(Unicode.Scalar($0)) }
            a.generated = r.firstByte(row: i, column: 16).map { Character(Unicode.Scalar($0)) }
            a.acl = r[i, 17]
            a.notNullName = r[i, 18]
            a.notNullIsLocal = r.firstByte(row: i, column: 19) != UInt8(ascii: "f")
            a.notNullValid = r.firstByte(row: i, column: 20) != UInt8(ascii: "f")
            a.notNullNoInherit = r.bool(row: i, column: 21)
            a.notNullConstraintId = CatalogId(tableOid: r.uint32(row: i, column: 22) ?? 0, oid: r.uint32(row: i, column: 23) ?? 0)
            a.typeOid = r.uint32(row: i, column: 24) ?? 0
            a.collationOid = r.uint32(row: i, column: 25) ?? 0
            a.quotedName = r[i, 26] ?? ""
            columns.append(a)
        }
        return columns
    }

    /// Column defaults and generation expressions (pg_attrdef) of user relations, in (relation,
    /// attnum) order.
    public static func defaults(_ c: Connection) throws -> [AttributeDefaultRow] {
        try run(c, "column defaults", """
            SELECT a.tableoid, a.oid, adrelid, adnum, pg_catalog.pg_get_expr(adbin, adrelid) AS adsrc
            FROM pg_catalog.pg_attrdef a
            \(joinUserRelations(on: "a.adrelid"))
            ORDER BY a.adrelid, a.adnum
            """).map { row in
            var d = AttributeDefaultRow()
            d.id = CatalogId(tableOid: oid(row[0]), oid: oid(row[1]))
            d.relationOid = oid(row[2])
            d.columnNumber = Int(row[3] ?? "0") ?? 0
            d.expression = row[4] ?? ""
            return d
        }
    }

    /// CHECK constraints of user relations, in (relation, name) order, without their definitions
    /// (`checkConstraintDefinitions`): nothing before the TOC is rendered needs them, and
    /// deparsing opens each table, the most expensive catalog work on thousands of tables, which
    /// the dumper has the server do while it sorts.
    public static func checkConstraints(_ c: Connection) throws -> [CheckConstraintRow] {
        try run(c, "check constraints", """
            SELECT c.tableoid, c.oid, conrelid, conname, conislocal, convalidated
            FROM pg_catalog.pg_constraint c
            \(joinUserRelations(on: "c.conrelid"))
            WHERE contype = 'c'
            ORDER BY c.conrelid, c.conname
            """).map { row in
            var k = CheckConstraintRow()
            k.id = CatalogId(tableOid: oid(row[0]), oid: oid(row[1]))
            k.relationOid = oid(row[2])
            k.name = row[3] ?? ""
            k.isLocal = row[4] == "t"
            k.validated = row[5] == "t"
            return k
        }
    }

    /// pg_get_constraintdef of the CHECK constraints `checkConstraints` returns, by constraint OID.
    public static func checkConstraintDefinitions(_ c: Connection) throws -> [UInt32: String] {
        let rows = try run(c, "check constraint definitions", """
            SELECT c.oid, pg_catalog.pg_get_constraintdef(c.oid) AS consrc
            FROM pg_catalog.pg_constraint c
            \(joinUserRelations(on: "c.conrelid"))
            WHERE contype = 'c'
            """)
        var result: [UInt32: String] = [:]
        result.reserveCapacity(rows.rowCount)
        for i in 0..<rows.rowCount { result[rows.uint32(row: i, column: 0) ?? 0] = rows[i, 1] ?? "" }
        return result
    }

    /// Parameters of every user sequence (lastValue/isCalled are filled by `sequenceValues`).
    public static func sequences(_ c: Connection) throws -> [SequenceRow] {
        try run(c, "sequences", """
            SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmax,
              s.seqmin, s.seqcache, s.seqcycle
            FROM pg_catalog.pg_sequence s
            \(joinUserRelations(on: "s.seqrelid", kinds: "'S'"))
            ORDER BY s.seqrelid
            """).map { row in
            var s = SequenceRow()
            s.relationOid = oid(row[0])
            s.typeName = row[1] ?? "bigint"
            s.start = row[2] ?? ""
            s.increment = row[3] ?? ""
            s.maximum = row[4] ?? ""
            s.minimum = row[5] ?? ""
            s.cache = row[6] ?? ""
            s.cycle = row[7] == "t"
            return s
        }
    }

    /// Current values (last_value, is_called) of the given sequences. Before 18 they come from
    /// one UNION ALL query over the sequences themselves (pg_dump runs one query per sequence);
    /// 18 has pg_get_sequence_data.
    public static func sequenceValues(_ c: Connection, sequences: [(oid: UInt32, schema: String, name: String)],
                                      serverVersion: Int) throws -> [UInt32: (lastValue: String, isCalled: Bool)] {
        guard !sequences.isEmpty else { return [:] }
        let values: QueryResult
        if serverVersion >= 180000 {
            values = try run(c, "sequence values", """
                SELECT src.seqoid, d.last_value, d.is_called
                FROM unnest($1::pg_catalog.oid[]) AS src(seqoid), pg_catalog.pg_get_sequence_data(src.seqoid) d
                """, [oidArray(sequences.map(\.oid))])
        } else {
            let parts = sequences.map { s in
                "SELECT \(s.oid)::pg_catalog.oid, last_value, is_called FROM \(quoteQualifiedName(s.schema, s.name, forceQuotes: true))"
            }
            values = try run(c, "sequence values", parts.joined(separator: "\nUNION ALL\n"))
        }
        var result: [UInt32: (lastValue: String, isCalled: Bool)] = [:]
        for row in values { result[oid(row[0])] = (row[1] ?? "", row[2] == "t") }
        return result
    }

    /// Objects pg_dump_sort's loop repair always splits out, found from pg_depend:
    /// - defaults that use a sequence owned by their own table (serial columns: table ->
    ///   default -> sequence -> table), which become separate DEFAULT entries;
    /// - views whose ON SELECT rule depends on a constraint (GROUP BY on a primary key), which
    ///   become dummy views plus a CREATE OR REPLACE VIEW rule in post-data; materialized views
    ///   in that case are postponed to post-data whole.
    public static func loopBreakers(_ c: Connection) throws
        -> (separateDefaults: Set<UInt32>, viewsOnConstraints: [(view: UInt32, constrainedTable: UInt32)]) {
        let defaults = try run(c, "defaults using owned sequences", """
            SELECT DISTINCT ad.oid
            FROM pg_catalog.pg_attrdef ad
            JOIN pg_catalog.pg_depend d ON (d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND d.objid = ad.oid
              AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass)
            JOIN pg_catalog.pg_class s ON (s.oid = d.refobjid AND s.relkind = 'S')
            JOIN pg_catalog.pg_depend o ON (o.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND o.objid = s.oid
              AND o.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND o.refobjid = ad.adrelid AND o.deptype = 'a')
            """)
        let views = try run(c, "views depending on constraints", """
            SELECT DISTINCT r.ev_class, co.conrelid
            FROM pg_catalog.pg_rewrite r
            JOIN pg_catalog.pg_class v ON (v.oid = r.ev_class AND v.relkind IN ('v', 'm'))
            JOIN pg_catalog.pg_depend d ON (d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
              AND d.refclassid = 'pg_catalog.pg_constraint'::pg_catalog.regclass)
            JOIN pg_catalog.pg_constraint co ON co.oid = d.refobjid
            WHERE r.ev_type = '1' AND r.is_instead
            """)
        return (Set(defaults.map { oid($0[0]) }), views.map { (oid($0[0]), oid($0[1])) })
    }

    /// buildMatViewRefreshDependencies' query: every (materialized view, materialized view it
    /// reads, directly or through views) pair.
    public static func materializedViewReferences(_ c: Connection) throws -> [(view: UInt32, references: UInt32)] {
        try run(c, "materialized view dependencies", """
            WITH RECURSIVE w AS (
              SELECT d1.objid, d2.refobjid, c2.relkind AS refrelkind
              FROM pg_catalog.pg_depend d1
              JOIN pg_catalog.pg_class c1 ON c1.oid = d1.objid AND c1.relkind = 'm'
              JOIN pg_catalog.pg_rewrite r1 ON r1.ev_class = d1.objid
              JOIN pg_catalog.pg_depend d2 ON d2.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                AND d2.objid = r1.oid AND d2.refobjid <> d1.objid
              JOIN pg_catalog.pg_class c2 ON c2.oid = d2.refobjid AND c2.relkind IN ('m', 'v')
              WHERE d1.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
              UNION
              SELECT w.objid, d3.refobjid, c3.relkind
              FROM w
              JOIN pg_catalog.pg_rewrite r3 ON r3.ev_class = w.refobjid
              JOIN pg_catalog.pg_depend d3 ON d3.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                AND d3.objid = r3.oid AND d3.refobjid <> w.refobjid
              JOIN pg_catalog.pg_class c3 ON c3.oid = d3.refobjid AND c3.relkind IN ('m', 'v')
            )
            SELECT objid, refobjid FROM w WHERE refrelkind = 'm'
            """).map { (oid($0[0]), oid($0[1])) }
    }

    // MARK: helpers shared with the other catalog queries

    static func run(_ c: Connection, _ what: String, _ sql: String, _ params: [String?] = []) throws -> QueryResult {
        do { return try c.query(sql, params) } catch { throw CatalogQueryError("reading \(what)", underlying: error) }
    }

    static func oid(_ s: String?) -> UInt32 { s.flatMap { UInt32($0) } ?? 0 }

    static func oidArray(_ oids: [UInt32]) -> String { "{" + oids.map(String.init).joined(separator: ",") + "}" }
}
