import Catalog
import DDL
import XCTest

/// The renderers on hand-built catalog rows: no server needed.
final class RelationDDLTests: XCTestCase {
    let ctx15 = RenderContext(serverVersion: 150004, pgDumpMajor: 15)
    let ctx18 = RenderContext(serverVersion: 180001, pgDumpMajor: 18)

    func relation(_ name: String, _ kind: Relkind = .table, schema: String = "s") -> RelationRow {
        var r = RelationRow()
        r.name = name
        r.namespace = schema
        r.relkind = kind
        r.owner = "alice"
        return r
    }

    func column(_ name: String, _ type: String, number: Int, notNull: Bool = false) -> ColumnRow {
        var c = ColumnRow()
        c.name = name
        c.typeName = type
        c.number = number
        c.notNull = notNull
        c.storage = "x"
        c.typeStorage = "x"
        return c
    }

    func testArrayParsing() {
        XCTAssertEqual(PostgresArray.parse("{fillfactor=70,\"a b=c\\\"d\"}"), ["fillfactor=70", "a b=c\"d"])
        XCTAssertEqual(PostgresArray.parse("{}"), [])
        XCTAssertEqual(PostgresArray.parse(nil), [])
        XCTAssertEqual(PostgresArray.parseVector("1 3 0"), [1, 3, 0])
    }

    func testReloptionsQuoteLikeFmtId() {
        XCTAssertEqual(ctx15.reloptions("{fillfactor=70,autovacuum_enabled=false,vacuum_index_cleanup=auto,x=on}"),
                       "fillfactor='70', autovacuum_enabled='false', vacuum_index_cleanup=auto, x='on'")
        XCTAssertEqual(ctx15.reloptions("{autovacuum_enabled=false}", prefix: "toast."), "toast.autovacuum_enabled='false'")
        XCTAssertFalse(ctx15.hasReloptions("{}"))
    }

    func testTableWithDefaultsChecksInheritanceAndColumnProperties() {
        var t = relation("child")
        t.reloptions = "{fillfactor=70}"
        t.toastReloptions = "{autovacuum_enabled=false}"
        t.replicaIdentity = "f"
        t.forceRowSecurity = true
        var m = TableModel(relation: t)
        var id = ColumnModel(column: column("id", "integer", number: 1, notNull: true))
        id.column.isLocal = false
        id.inheritedNotNull = true
        var name = ColumnModel(column: column("Name", "text", number: 2, notNull: true))
        name.inlineDefault = "'x'::text"
        name.column.collationSchema = "pg_catalog"
        name.column.collationName = "C"
        name.column.statisticsTarget = 500
        name.column.storage = "e"
        name.column.options = "n_distinct=-0.5"
        name.column.compression = "l"
        var gen = ColumnModel(column: column("g", "integer", number: 3))
        gen.column.generated = "s"
        gen.inlineDefault = "(1 + 1)"
        m.columns = [id, name, gen]
        var check = CheckConstraintRow()
        check.name = "positive"
        check.definition = "CHECK ((1 > 0))"
        var invalid = check
        invalid.name = "later"
        m.checks = [CheckModel(check: check, separate: false), CheckModel(check: invalid, separate: true)]
        m.parents = [("s", "parent")]
        let ddl = TableDDL.render(m, ctx15)
        XCTAssertEqual(ddl.create, """
            CREATE TABLE s.child (
                "Name" text DEFAULT 'x'::text NOT NULL COLLATE pg_catalog."C",
                g integer GENERATED ALWAYS AS ((1 + 1)) STORED,
                CONSTRAINT positive CHECK ((1 > 0))
            )
            INHERITS (s.parent)
            WITH (fillfactor='70', toast.autovacuum_enabled='false');
            ALTER TABLE ONLY s.child ALTER COLUMN "Name" SET STATISTICS 500;
            ALTER TABLE ONLY s.child ALTER COLUMN "Name" SET STORAGE EXTERNAL;
            ALTER TABLE ONLY s.child ALTER COLUMN "Name" SET COMPRESSION lz4;
            ALTER TABLE ONLY s.child ALTER COLUMN "Name" SET (n_distinct=-0.5);

            ALTER TABLE ONLY s.child REPLICA IDENTITY FULL;

            ALTER TABLE ONLY s.child FORCE ROW LEVEL SECURITY;

            """)
        XCTAssertEqual(ddl.drop, "DROP TABLE s.child;\n")
    }

    func testTypedTableAndEmptyTable() {
        var typed = relation("typed")
        typed.ofType = "s.ty"
        var m = TableModel(relation: typed)
        m.columns = [ColumnModel(column: column("a", "integer", number: 1))]
        XCTAssertEqual(TableDDL.render(m, ctx15).create, "CREATE TABLE s.typed OF s.ty;\n")
        XCTAssertEqual(TableDDL.render(TableModel(relation: relation("empty")), ctx15).create, "CREATE TABLE s.empty (\n);\n")
    }

    func testViewsAndDummyViews() {
        var v = relation("v", .view)
        v.viewDefinition = " SELECT 1 AS one;"
        v.reloptions = "{security_barrier=true}"
        v.checkOption = "LOCAL"
        var m = TableModel(relation: v)
        m.columns = [ColumnModel(column: column("one", "integer", number: 1))]
        XCTAssertEqual(TableDDL.render(m, ctx15).create,
                       "CREATE VIEW s.v WITH (security_barrier='true') AS\n SELECT 1 AS one\n  WITH LOCAL CHECK OPTION;\n")
        m.dummyView = true
        XCTAssertEqual(TableDDL.render(m, ctx15).create, "CREATE VIEW s.v AS\nSELECT\n    NULL::integer AS one;\n")
        XCTAssertEqual(TableDDL.render(m, ctx15).drop, "DROP VIEW s.v;\n")
    }

    func testMaterializedViewAndForeignTable() {
        var mv = relation("mv", .materializedView)
        mv.viewDefinition = " SELECT 1 AS one;"
        XCTAssertEqual(TableDDL.render(TableModel(relation: mv), ctx15).create,
                       "CREATE MATERIALIZED VIEW s.mv AS\n SELECT 1 AS one\n  WITH NO DATA;\n")
        var f = relation("f", .foreignTable)
        f.foreignServer = "My Server"
        f.foreignOptions = "filename '/dev/null'"
        var m = TableModel(relation: f)
        var a = ColumnModel(column: column("a", "integer", number: 1))
        a.column.fdwOptions = "column_name 'x'"
        m.columns = [a]
        let expected15 = """
            CREATE FOREIGN TABLE s.f (
                a integer
            )
            SERVER "My Server"
            OPTIONS (
                filename '/dev/null'
            );
            ALTER FOREIGN TABLE s.f ALTER COLUMN a OPTIONS (
                column_name 'x'
            );

            """
        XCTAssertEqual(TableDDL.render(m, ctx15).create, expected15)
        XCTAssertEqual(TableDDL.render(m, ctx18).create,
                       expected15.replacingOccurrences(of: "ALTER FOREIGN TABLE s.f", with: "ALTER FOREIGN TABLE ONLY s.f"))
    }

    func testPg18NamedNotNull() {
        var p = relation("p_1")
        p.isPartition = true
        var m = TableModel(relation: p)
        var id = column("id", "bigint", number: 1, notNull: true)
        id.notNullName = "p_id_not_null"
        id.notNullIsLocal = false
        var own = column("own", "integer", number: 2, notNull: true)
        own.notNullName = "p_1_own_not_null"
        m.columns = [ColumnModel(column: id), ColumnModel(column: own)]
        XCTAssertEqual(TableDDL.render(m, ctx18).create,
                       "CREATE TABLE s.p_1 (\n    id bigint CONSTRAINT p_id_not_null NOT NULL,\n    own integer NOT NULL\n);\n")
    }

    func testSequences() {
        var s = relation("seq", .sequence)
        var q = SequenceRow()
        q.typeName = "integer"
        q.start = "5"
        q.increment = "-1"
        q.minimum = "-2147483648"
        q.maximum = "100"
        q.cache = "1"
        q.cycle = true
        q.lastValue = "4"
        q.isCalled = true
        XCTAssertEqual(SequenceDDL.render(s, q, identity: nil, ctx15).create, """
            CREATE SEQUENCE s.seq
                AS integer
                START WITH 5
                INCREMENT BY -1
                NO MINVALUE
                MAXVALUE 100
                CACHE 1
                CYCLE;

            """)
        XCTAssertEqual(SequenceDDL.setValue(s, q, ctx15), "SELECT pg_catalog.setval('s.seq', 4, true);\n")
        var t = relation("t")
        t.persistence = "u"
        s.persistence = "p"
        var b = SequenceRow()
        b.start = "1"; b.minimum = "1"; b.maximum = "9223372036854775807"
        let identity = SequenceDDL.render(s, b, identity: .init(table: t, column: "id", identity: "a"), ctx15)
        XCTAssertEqual(identity.create, """
            ALTER TABLE s.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
                SEQUENCE NAME s.seq
                LOGGED
                START WITH 1
                INCREMENT BY 1
                NO MINVALUE
                NO MAXVALUE
                CACHE 1
            );

            """)
        XCTAssertEqual(identity.drop, "")
        XCTAssertEqual(SequenceDDL.ownedBy(s, table: t, column: "id", ctx15), "ALTER SEQUENCE s.seq OWNED BY s.t.id;\n")
    }

    func testCopyStatements() {
        var gen = column("g", "integer", number: 3)
        gen.generated = "s"
        var dropped = column("........pg.dropped.2........", "-", number: 2)
        dropped.isDropped = true
        let cols = [column("a b", "integer", number: 1), dropped, gen, column("user", "text", number: 4)]
        XCTAssertEqual(TableDataDDL.copyFrom(relation("t"), cols, ctx15), "COPY s.t (\"a b\", \"user\") FROM stdin;\n")
        XCTAssertEqual(TableDataDDL.copyFrom(relation("t"), [], ctx15), "COPY s.t  FROM stdin;\n")
        XCTAssertEqual(TableDataDDL.copyTo(relation("t"), [], ctx15), "COPY s.t  TO stdout;")
    }

    func testIndexBackedConstraintAndIndex() {
        let t = relation("t")
        let cols = [column("a", "integer", number: 1), column("b", "integer", number: 2), column("c", "integer", number: 3)]
        var x = IndexRow()
        x.name = "t_key"
        x.keys = [1, 2, 3]
        x.keyAttributeCount = 2
        x.attributeCount = 3
        x.nullsNotDistinct = true
        x.reloptions = "{fillfactor=60}"
        x.isClustered = true
        var k = IndexConstraintRow()
        k.name = "t_key"
        k.type = "u"
        k.deferrable = true
        k.deferred = true
        XCTAssertEqual(PostDataDDL.indexConstraint(x, k, table: t, columns: cols, ctx15).create, """
            ALTER TABLE ONLY s.t
                ADD CONSTRAINT t_key UNIQUE NULLS NOT DISTINCT (a, b) INCLUDE (c) WITH (fillfactor='60') DEFERRABLE INITIALLY DEFERRED;

            ALTER TABLE s.t CLUSTER ON t_key;

            """)
        var i = IndexRow()
        i.name = "t_expr"
        i.definition = "CREATE INDEX t_expr ON s.t USING btree (((a + b)))"
        i.statisticsColumns = ["1"]
        i.statisticsValues = ["321"]
        i.isReplicaIdentity = true
        i.parentIndex = 99
        let ddl = PostDataDDL.index(i, table: t, ctx15)
        XCTAssertEqual(ddl.create, """
            CREATE INDEX t_expr ON s.t USING btree (((a + b)));
            ALTER INDEX s.t_expr ALTER COLUMN 1 SET STATISTICS 321;

            ALTER TABLE ONLY s.t REPLICA IDENTITY USING INDEX t_expr;

            """)
        XCTAssertEqual(ddl.drop, "", "an attached partition index is dropped with its parent")
    }

    func testTriggerRulePolicyStatistics() {
        var t = relation("t")
        var g = TriggerRow()
        g.name = "Trg"
        g.definition = "CREATE TRIGGER \"Trg\" AFTER INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.f()"
        g.enabled = "R"
        XCTAssertEqual(PostDataDDL.trigger(g, table: t, ctx15).create,
                       g.definition + ";\n\nALTER TABLE s.t ENABLE REPLICA TRIGGER \"Trg\";\n")
        g.isPartitionClone = true
        g.enabled = "D"
        XCTAssertEqual(PostDataDDL.trigger(g, table: t, ctx15).create, "\nALTER TABLE s.t DISABLE TRIGGER \"Trg\";\n")

        var r = RuleRow()
        r.name = "r"
        r.eventType = "2"
        r.enabled = "D"
        r.definition = "CREATE RULE r AS ON UPDATE TO s.t DO NOTHING;"
        XCTAssertEqual(PostDataDDL.rule(r, view: nil, table: t, ctx15).create,
                       "CREATE RULE r AS ON UPDATE TO s.t DO NOTHING;\nALTER TABLE s.t DISABLE RULE r;\n")

        var p = PolicyRow()
        p.name = "p"
        p.command = "r"
        p.permissive = false
        p.using = "(a > 0)"
        XCTAssertEqual(PostDataDDL.policy(p, table: t, ctx15).create, "CREATE POLICY p ON s.t AS RESTRICTIVE FOR SELECT USING ((a > 0));\n")
        t.name = "T"
        XCTAssertEqual(PostDataDDL.rowSecurity(table: t, ctx15), "ALTER TABLE s.\"T\" ENABLE ROW LEVEL SECURITY;")

        var st = StatisticsRow()
        st.name = "st"
        st.definition = "CREATE STATISTICS s.st ON a, b FROM s.t"
        st.statisticsTarget = 77
        XCTAssertEqual(PostDataDDL.statistics(st, namespace: "s", ctx15).create,
                       "CREATE STATISTICS s.st ON a, b FROM s.t;\nALTER STATISTICS s.st SET STATISTICS 77;\n")
    }

    func testSchemas() {
        XCTAssertEqual(SchemaDDL.render(name: "Odd", create: true, ctx15).create, "CREATE SCHEMA \"Odd\";\n")
        XCTAssertEqual(SchemaDDL.render(name: "public", create: false, ctx15).create,
                       "-- *not* creating schema, since initdb creates it\n")
    }
}
