import Foundation
import XCTest
@testable import GPBackup

final class TranslationTests: XCTestCase {
    private func pg(_ sql: String) -> StatementTranslation {
        GreenplumTranslator.translate(sql, object: "X", target: .postgres)
    }

    func testDistributionClausesFromTheSamples() {
        let t = pg("CREATE TABLE schemaone.tableone (\n\ti integer\n) DISTRIBUTED BY (i);")
        XCTAssertEqual(t.statements, ["CREATE TABLE schemaone.tableone (\n\ti integer\n);"])
        XCTAssertEqual(t.notes, [TranslationNote(object: "X", action: .rewritten, what: "removed DISTRIBUTED BY (i)", why: "PostgreSQL has no distribution policy")])
        XCTAssertEqual(pg("CREATE TABLE t2 (i int) DISTRIBUTED RANDOMLY;").statements, ["CREATE TABLE t2 (i int);"])
        XCTAssertEqual(pg("CREATE TABLE t3 (i int) DISTRIBUTED REPLICATED;").statements, ["CREATE TABLE t3 (i int);"])
        XCTAssertEqual(pg("CREATE TABLE t (a int, \"b c\" text) DISTRIBUTED BY (a, \"b c\");").statements, ["CREATE TABLE t (a int, \"b c\" text);"])
        XCTAssertEqual(pg("CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a WITH NO DATA DISTRIBUTED BY (a);").statements,
                       ["CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a WITH NO DATA;"])
        // A column literally named distributed, and the word inside a default, are left alone.
        XCTAssertEqual(pg("CREATE TABLE t (distributed int DEFAULT 0, s text DEFAULT 'DISTRIBUTED BY (x)');").statements,
                       ["CREATE TABLE t (distributed int DEFAULT 0, s text DEFAULT 'DISTRIBUTED BY (x)');"])
        XCTAssertTrue(GreenplumTranslator.isReplicatedTableDDL("CREATE TABLE t3 (i int) DISTRIBUTED REPLICATED;"))
        XCTAssertFalse(GreenplumTranslator.isReplicatedTableDDL("CREATE TABLE t3 (i int) DISTRIBUTED BY (i);"))
    }

    func testGreenplumTargetKeepsEverything() {
        let sql = "CREATE TABLE t (i int) WITH (appendonly=true) DISTRIBUTED BY (i);"
        XCTAssertEqual(GreenplumTranslator.translate(sql, object: "X", target: .greenplum), StatementTranslation(statements: [sql], notes: []))
    }

    func testStorageOptions() {
        XCTAssertEqual(pg("CREATE TABLE t4 (i int) WITH (appendonly=true) DISTRIBUTED BY (i);").statements, ["CREATE TABLE t4 (i int);"])
        let t = pg("CREATE TABLE t4b (i int) WITH (appendonly=true, orientation=column, compresstype=zlib, compresslevel=5);")
        XCTAssertEqual(t.statements, ["CREATE TABLE t4b (i int);"])
        XCTAssertEqual(t.notes.first?.what, "removed storage options appendonly=true, orientation=column, compresstype=zlib, compresslevel=5")
        XCTAssertEqual(pg("CREATE TABLE t_ao_ff (i int) WITH (appendonly=true, fillfactor=70);").statements,
                       ["CREATE TABLE t_ao_ff (i int) WITH (fillfactor=70);"])
        XCTAssertEqual(pg("CREATE TABLE t_ok (i int) WITH (fillfactor=70);").statements, ["CREATE TABLE t_ok (i int) WITH (fillfactor=70);"])
        XCTAssertEqual(pg("CREATE TABLE o2 (i int) WITH OIDS;").statements, ["CREATE TABLE o2 (i int);"])
        XCTAssertEqual(pg("CREATE TABLE o1 (i int) WITH (oids=true);").statements, ["CREATE TABLE o1 (i int);"])
        XCTAssertEqual(pg("CREATE TABLE u1 (i int) USING ao_row;").statements, ["CREATE TABLE u1 (i int);"])
    }

    func testColumnEncodings() {
        XCTAssertEqual(pg("CREATE TABLE t5 (i integer ENCODING (compresstype=none,blocksize=32768,compresslevel=0), j text);").statements,
                       ["CREATE TABLE t5 (i integer, j text);"])
        XCTAssertEqual(pg("CREATE TABLE t (a int, b int, COLUMN a ENCODING (compresstype=zlib), DEFAULT COLUMN ENCODING (compresstype=rle_type));").statements,
                       ["CREATE TABLE t (a int, b int);"])
    }

    func testRoleOptionsFromTheSamples() {
        let sql = "ALTER ROLE testrole WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION RESOURCE QUEUE pg_default RESOURCE GROUP admin_group CREATEEXTTABLE (protocol='http') CREATEEXTTABLE (protocol='gpfdist', type='readable') CREATEEXTTABLE (protocol='gpfdist', type='writable');"
        let t = pg(sql)
        XCTAssertEqual(t.statements, ["ALTER ROLE testrole WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION;"])
        XCTAssertEqual(t.notes.first?.what,
                       "removed role options RESOURCE QUEUE pg_default, RESOURCE GROUP admin_group, CREATEEXTTABLE (protocol='http'), CREATEEXTTABLE (protocol='gpfdist', type='readable'), CREATEEXTTABLE (protocol='gpfdist', type='writable')")
        XCTAssertEqual(pg("ALTER ROLE r WITH LOGIN PASSWORD 'md57347ecaba2d7c411837afe1a08e20504' RESOURCE QUEUE q;").statements,
                       ["ALTER ROLE r WITH LOGIN PASSWORD 'md57347ecaba2d7c411837afe1a08e20504';"])
        XCTAssertEqual(pg("ALTER ROLE r WITH RESOURCE GROUP g;").statements, [])
        XCTAssertEqual(pg("CREATE ROLE testrole;").statements, ["CREATE ROLE testrole;"])
        XCTAssertEqual(pg("ALTER ROLE probe_r DENY BETWEEN DAY 0 TIME '00:00' AND DAY 1 TIME '00:00';").notes.first?.action, .dropped)
    }

    func testDroppedStatements() {
        let dropped = [
            "ALTER RESOURCE QUEUE pg_default WITH (ACTIVE_STATEMENTS=20);",
            "CREATE RESOURCE QUEUE q1 WITH (ACTIVE_STATEMENTS=2);",
            "ALTER RESOURCE GROUP admin_group SET CPU_RATE_LIMIT 1;",
            "CREATE RESOURCE GROUP g1 WITH (CPU_RATE_LIMIT=10, MEMORY_LIMIT=10);",
            "CREATE READABLE EXTERNAL TABLE e1 (i int) LOCATION ('gpfdist://h:8080/x') FORMAT 'TEXT' (DELIMITER '|') ENCODING 'UTF8';",
            "CREATE EXTERNAL WEB TABLE e2 (i int) EXECUTE 'echo 1' FORMAT 'TEXT';",
            "CREATE WRITABLE EXTERNAL TABLE e3 (i int) LOCATION ('gpfdist://h/x') FORMAT 'CSV' DISTRIBUTED RANDOMLY;",
            "CREATE TRUSTED PROTOCOL p1 (readfunc = 'f1');",
            "SET gp_default_storage_options='';",
            "SET optimizer = off;",
            "ALTER DATABASE gpb_probe SET gp_default_storage_options = 'appendonly=true';",
            "ALTER DATABASE gpb_probe SET optimizer = off;",
            "ALTER ROLE r SET statement_mem = '1GB';",
            "ALTER TABLE t_ok SET DISTRIBUTED RANDOMLY;",
        ]
        for sql in dropped {
            let t = pg(sql)
            XCTAssertEqual(t.statements, [], sql)
            XCTAssertEqual(t.notes.map(\.action), [.dropped], sql)
        }
        for kept in ["SET client_encoding = 'UTF8';", "ALTER DATABASE d SET search_path = public;", "COMMENT ON SCHEMA public IS 'standard public schema';",
                     "CREATE DATABASE testdb TEMPLATE template0;", "GRANT ALL ON SCHEMA public TO PUBLIC;"] {
            XCTAssertEqual(pg(kept), StatementTranslation(statements: [kept], notes: []), kept)
        }
    }

    func testFunctionAttributesNeverTouchTheBody() {
        let body = "$$\nBEGIN\n  -- NO SQL READS SQL DATA in a comment\n  RETURN 'EXECUTE ON MASTER';\nEND\n$$"
        let sql = "CREATE FUNCTION public.f() RETURNS text AS\n\(body)\nLANGUAGE plpgsql NO SQL;"
        let t = pg(sql)
        XCTAssertEqual(t.statements, ["CREATE FUNCTION public.f() RETURNS text AS\n\(body)\nLANGUAGE plpgsql;"])
        XCTAssertEqual(t.notes.first?.what, "removed function attribute(s) NO SQL")
        XCTAssertEqual(pg("CREATE FUNCTION f2() RETURNS int AS $$ select 1 $$ LANGUAGE sql CONTAINS SQL;").statements,
                       ["CREATE FUNCTION f2() RETURNS int AS $$ select 1 $$ LANGUAGE sql;"])
        XCTAssertEqual(pg("CREATE FUNCTION f3() RETURNS int AS $$ select 1 $$ LANGUAGE sql READS SQL DATA;").statements,
                       ["CREATE FUNCTION f3() RETURNS int AS $$ select 1 $$ LANGUAGE sql;"])
        XCTAssertEqual(pg("CREATE FUNCTION f4() RETURNS int AS $f$ select 1 $f$ LANGUAGE sql STABLE MODIFIES SQL DATA EXECUTE ON ALL SEGMENTS;").statements,
                       ["CREATE FUNCTION f4() RETURNS int AS $f$ select 1 $f$ LANGUAGE sql STABLE;"])
        XCTAssertEqual(pg("CREATE FUNCTION f5() RETURNS int AS 'select 1' LANGUAGE sql EXECUTE ON MASTER;").statements,
                       ["CREATE FUNCTION f5() RETURNS int AS 'select 1' LANGUAGE sql;"])
    }

    func testSampleFunctionFromMetadata() throws {
        let set = try BackupSet.discover(backupDir: Fixtures.multiFileSet)
        let statements = try MetadataReader.read(toc: set.toc, metadataPath: set.metadataPath)
        let function = try XCTUnwrap(statements.first { $0.objectType == "FUNCTION" })
        let split = SQLStatements.split(function.sql)
        XCTAssertEqual(split.count, 1)
        let t = pg(split[0])
        XCTAssertEqual(t.statements.count, 1)
        XCTAssertEqual(t.statements[0], split[0].replacingOccurrences(of: "LANGUAGE plpgsql NO SQL;", with: "LANGUAGE plpgsql;"))
        let role = try XCTUnwrap(statements.first { $0.objectType == "ROLE" })
        XCTAssertEqual(SQLStatements.split(role.sql).count, 2)
    }

    func testAggregateIndexTablespace() {
        XCTAssertEqual(pg("CREATE AGGREGATE agg1 (int) (SFUNC = int4pl, STYPE = int, PREFUNC = int4pl);").statements,
                       ["CREATE AGGREGATE agg1 (int) (SFUNC = int4pl, STYPE = int, COMBINEFUNC = int4pl);"])
        XCTAssertEqual(pg("CREATE INDEX i1 ON public.t USING bitmap (i);").statements, ["CREATE INDEX i1 ON public.t USING btree (i);"])
        XCTAssertEqual(pg("CREATE TABLESPACE ts LOCATION '/data/ts' WITH (content0='/data/ts0', content1='/data/ts1');").statements,
                       ["CREATE TABLESPACE ts LOCATION '/data/ts';"])
        XCTAssertEqual(pg("CREATE TABLESPACE ts FILESPACE fs;").statements, [])
    }

    func testLegacyPartitionsTranslated() {
        let t = pg("CREATE TABLE public.s1 (i int) DISTRIBUTED BY (i) PARTITION BY LIST (i) (PARTITION a VALUES (1, 2), DEFAULT PARTITION other);")
        XCTAssertEqual(t.statements, [
            "CREATE TABLE public.s1 (i int) PARTITION BY LIST (i);",
            "CREATE TABLE public.s1_1_prt_a PARTITION OF public.s1 FOR VALUES IN (1, 2);",
            "CREATE TABLE public.s1_1_prt_other PARTITION OF public.s1 DEFAULT;",
        ])
        XCTAssertEqual(t.notes.map(\.action), [.rewritten, .rewritten])
        let r = pg("CREATE TABLE public.\"Sales\" (id int, d date) WITH (appendonly=true) DISTRIBUTED BY (id) PARTITION BY RANGE (d) (PARTITION jan START ('2024-01-01'::date) END ('2024-02-01'::date), PARTITION feb START ('2024-02-01'::date) INCLUSIVE END ('2024-03-01'::date) EXCLUSIVE);")
        XCTAssertEqual(r.statements, [
            "CREATE TABLE public.\"Sales\" (id int, d date) PARTITION BY RANGE (d);",
            "CREATE TABLE public.\"Sales_1_prt_jan\" PARTITION OF public.\"Sales\" FOR VALUES FROM ('2024-01-01'::date) TO ('2024-02-01'::date);",
            "CREATE TABLE public.\"Sales_1_prt_feb\" PARTITION OF public.\"Sales\" FOR VALUES FROM ('2024-02-01'::date) TO ('2024-03-01'::date);",
        ])
    }

    func testLegacyPartitionsThatAreReported() {
        // What cannot be translated is reported, and the table is created without partitioning.
        let every = pg("CREATE TABLE t6 (id int, year int) DISTRIBUTED BY (id) PARTITION BY RANGE (year) (START (2001) END (2003) EVERY (1), DEFAULT PARTITION extra);")
        XCTAssertEqual(every.notes.last?.action, .rewritten)
        XCTAssertEqual(every.notes.last?.why, "EVERY without per-partition table names is not translated")
        let sub = pg("CREATE TABLE t7 (a int, b int) PARTITION BY RANGE (a) SUBPARTITION BY LIST (b) (PARTITION p START (1) END (2));")
        XCTAssertEqual(sub.notes.last?.why, "partition t7_1_prt_p lists no subpartitions")
        XCTAssertEqual(sub.statements, ["CREATE TABLE t7 (a int, b int);"])
        // Declarative partitioning (Greenplum 7) is already PostgreSQL syntax.
        XCTAssertNil(GreenplumTranslator.legacyPartitioning("CREATE TABLE s2 (i int, d date) PARTITION BY RANGE (d);"))
    }

    func testStatementSplitter() {
        XCTAssertEqual(SQLStatements.split("\n\nREVOKE ALL ON SCHEMA public FROM PUBLIC;\nGRANT ALL ON SCHEMA public TO PUBLIC;\n"),
                       ["REVOKE ALL ON SCHEMA public FROM PUBLIC;", "GRANT ALL ON SCHEMA public TO PUBLIC;"])
        XCTAssertEqual(SQLStatements.split("COMMENT ON TABLE t IS 'a;b';\nCREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql;"),
                       ["COMMENT ON TABLE t IS 'a;b';", "CREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql;"])
        XCTAssertEqual(SQLStatements.split("\n"), [])
        XCTAssertEqual(SQLIdentifier.unquote("\"My\"\"Name\""), "My\"Name")
        XCTAssertEqual(SQLIdentifier.unquote("\"Fn\"(integer)"), "Fn(integer)")
        XCTAssertEqual(SQLIdentifier.parseColumnList("(i,\"a,b\",\"C\")"), ["i", "\"a,b\"", "\"C\""])
        XCTAssertEqual(SQLIdentifier.quoteIfNeeded("select"), "\"select\"")
        XCTAssertEqual(SQLIdentifier.quoteIfNeeded("t_1"), "t_1")
    }
}
