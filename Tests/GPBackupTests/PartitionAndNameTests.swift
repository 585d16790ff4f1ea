import Foundation
import XCTest
import TestSupport
@testable import GPBackup

/// Partitioned tables (Greenplum 6 legacy syntax in both leaf-partition-data modes, Greenplum 7
/// declarative), replicated tables marked only by the toc, and names that need quoting.
final class PartitionAndNameTests: XCTestCase {
    func pg(_ sql: String) -> StatementTranslation { GreenplumTranslator.translate(sql, object: "TABLE t", target: .postgres) }

    func testGreenplum6PartitionDefinitionBecomesDeclarative() throws {
        let sets = GPBackupTestSets.greenplum6Partitions(leafData: true)
        let sales = pg(sets.builder.predata[1].sql)
        XCTAssertEqual(sales.statements, [
            "CREATE TABLE public.sales (\n\tid integer,\n\tyr integer,\n\tregion text\n) PARTITION BY RANGE(yr);",
            "CREATE TABLE public.sales_1_prt_y2020 PARTITION OF public.sales FOR VALUES FROM (2020) TO (2021);",
            "CREATE TABLE public.sales_1_prt_3 PARTITION OF public.sales FOR VALUES FROM (2021) TO (2022);",
            "CREATE TABLE public.sales_1_prt_other PARTITION OF public.sales DEFAULT;",
        ])
        XCTAssertTrue(sales.notes.contains { $0.what == "legacy PARTITION BY clause into declarative partitioning (3 partitions)" })
        XCTAssertTrue(sales.notes.contains { $0.what.hasPrefix("removed partition storage options appendonly=true, compresstype=zlib") })
        let statements = SQLStatements.split(sets.builder.predata[2].sql)
        XCTAssertEqual(statements.count, 2)
        XCTAssertEqual(pg(statements[0]).statements, [
            "CREATE TABLE public.events (\n\tid integer,\n\tyr integer,\n\tregion text\n) PARTITION BY RANGE(yr);",
            "CREATE TABLE public.events_1_prt_early PARTITION OF public.events FOR VALUES FROM (2020) TO (2022) PARTITION BY LIST (region);",
            "CREATE TABLE public.events_1_prt_early_2_prt_usa PARTITION OF public.events_1_prt_early FOR VALUES IN ('usa');",
            "CREATE TABLE public.events_1_prt_early_2_prt_rest PARTITION OF public.events_1_prt_early DEFAULT;",
            "CREATE TABLE public.events_1_prt_late PARTITION OF public.events FOR VALUES FROM (2022) TO (2030) PARTITION BY LIST (region);",
            "CREATE TABLE public.events_1_prt_late_2_prt_usa PARTITION OF public.events_1_prt_late FOR VALUES IN ('usa');",
            "CREATE TABLE public.events_1_prt_late_2_prt_rest PARTITION OF public.events_1_prt_late DEFAULT;",
        ])
        // The subpartition template has no PostgreSQL counterpart.
        XCTAssertEqual(pg(statements[1]).statements, [])
        // Names computed without tablename, quoting for a mixed-case root, open-ended ranges.
        XCTAssertEqual(pg("CREATE TABLE s.\"Big\" (d int) DISTRIBUTED RANDOMLY PARTITION BY RANGE (d) (PARTITION \"Lo\" END (5), PARTITION hi START (5));").statements, [
            "CREATE TABLE s.\"Big\" (d int) PARTITION BY RANGE (d);",
            "CREATE TABLE s.\"Big_1_prt_Lo\" PARTITION OF s.\"Big\" FOR VALUES FROM (MINVALUE) TO (5);",
            "CREATE TABLE s.\"Big_1_prt_hi\" PARTITION OF s.\"Big\" FOR VALUES FROM (5) TO (MAXVALUE);",
        ])
    }

    func testExternalLeafExchangeIsDropped() {
        // gpbackup's EXCHANGE PARTITION entry for an external leaf: the external table is not
        // created for PostgreSQL, so neither the exchange nor the DROP of it can run.
        let exchange = pg("ALTER TABLE public.sales EXCHANGE PARTITION yr_1 WITH TABLE public.sales_1_prt_yr_1_ext_part_ WITHOUT VALIDATION;")
        XCTAssertEqual(exchange.statements, [])
        XCTAssertEqual(exchange.notes.first?.action, .dropped)
        XCTAssertEqual(pg("DROP TABLE public.sales_1_prt_yr_1_ext_part_;").statements, [])
        XCTAssertEqual(pg("DROP TABLE public.sales;").statements, ["DROP TABLE public.sales;"])
    }

    func testUntranslatablePartitionsFallBackToOneTableLoadedFromEveryLeaf() throws {
        let t = pg("CREATE TABLE public.p (i int) DISTRIBUTED BY (i) PARTITION BY RANGE (i) (PARTITION a START (1) EXCLUSIVE END (5) WITH (tablename='p_1_prt_a'));")
        XCTAssertEqual(t.statements, ["CREATE TABLE public.p (i int);"])
        XCTAssertEqual(t.flattenedPartitionRoot, "public.p")
        XCTAssertEqual(t.notes.last?.why, "START ... EXCLUSIVE bounds have no PostgreSQL equivalent")
        let every = pg("CREATE TABLE t6 (id int, year int) DISTRIBUTED BY (id) PARTITION BY RANGE (year) (START (2001) END (2003) EVERY (1), DEFAULT PARTITION extra);")
        XCTAssertEqual(every.notes.last?.why, "EVERY without per-partition table names is not translated")
        XCTAssertEqual(every.statements, ["CREATE TABLE t6 (id int, year int);"])
        // Declarative partitioning (Greenplum 7) is already PostgreSQL syntax.
        XCTAssertNil(GreenplumTranslator.legacyPartitioning("CREATE TABLE s2 (i int, d date) PARTITION BY RANGE (d);"))

        // In a set: the leaf data entries then load into the root.
        var builder = GPBackupSetBuilder()
        builder.predata = [.init("TABLE", "public", "p", "CREATE TABLE public.p (i int) DISTRIBUTED BY (i) PARTITION BY RANGE (i) (PARTITION a START (1) EXCLUSIVE END (5) WITH (tablename='p_1_prt_a'));")]
        builder.tables = [.init(name: "p_1_prt_a", oid: 1, attributes: "(i)", partitionRoot: "p", segments: ["2\n", "3\n"], rowsCopied: 2)]
        let root = try temporaryDirectory()
        try builder.write(to: root)
        let plan = try ImportPlan.build(set: BackupSet.discover(backupDir: root))
        let data = try XCTUnwrap(plan.entries.first { $0.desc == "TABLE DATA" })
        XCTAssertEqual(data.copyStatement, "COPY public.p (i) FROM stdin;\n")
        XCTAssertEqual(data.tag, "p_1_prt_a")
    }

    func testGreenplum6SetsInBothLeafDataModes() throws {
        for leafData in [true, false] {
            let sets = GPBackupTestSets.greenplum6Partitions(leafData: leafData)
            var b = sets.builder
            b.compression = "gzip"
            let dir = try temporaryDirectory("gp6gz\(leafData)")
            try b.write(to: dir, compress: { Fixtures.gzip($0) })
            let set = try BackupSet.discover(backupDir: dir)
            XCTAssertEqual(set.config.leafpartitiondata, leafData)
            let plan = try ImportPlan.build(set: set)
            let data = plan.entries.filter { $0.desc == "TABLE DATA" }
            var streamed: [String: Int64] = [:]
            for entry in data {
                let source = try XCTUnwrap(entry.dataSource)
                streamed[entry.tag] = try source.stream { _ in }
                // Every data entry depends on its root's TABLE entry.
                XCTAssertEqual(entry.dependencies.map { plan.entries[$0].desc }, ["TABLE"])
                XCTAssertEqual(entry.copyStatement, "COPY public.\(entry.tag) (id, yr, region) FROM stdin;\n")
            }
            XCTAssertEqual(streamed, leafData ? sets.leafCounts : ["sales": 40, "events": 30], "leafData \(leafData)")
            let tables = plan.entries.filter { $0.desc == "TABLE" }
            XCTAssertEqual(tables.map(\.tag), ["sales", "events"])
            XCTAssertFalse(tables.contains { $0.definition.contains("DISTRIBUTED") || $0.definition.contains("appendonly") || $0.definition.contains("SUBPARTITION") })
            XCTAssertEqual(tables[1].definition.components(separatedBy: "PARTITION OF").count - 1, 6)
        }
    }

    func testGreenplum7SetKeepsDeclarativePartitions() throws {
        for leafData in [true, false] {
            let sets = GPBackupTestSets.greenplum7Partitions(leafData: leafData)
            let dir = try temporaryDirectory("gp7\(leafData)")
            try sets.builder.write(to: dir)
            let plan = try ImportPlan.build(set: BackupSet.discover(backupDir: dir))
            let tables = plan.entries.filter { $0.desc == "TABLE" }
            XCTAssertEqual(tables.map(\.tag), ["metrics", "metrics_1_prt_old", "metrics_1_prt_new"])
            XCTAssertEqual(tables[1].definition, "CREATE TABLE public.metrics_1_prt_old (\n\tid integer,\n\tyr integer,\n\tregion text\n);\n"
                           + "ALTER TABLE ONLY public.metrics ATTACH PARTITION public.metrics_1_prt_old FOR VALUES FROM (2000) TO (2022);\n")
            // Leaves depend on their root through referenceobject.
            XCTAssertEqual(tables[1].dependencies, [plan.entries.firstIndex { $0.desc == "TABLE" && $0.tag == "metrics" }!])
            var streamed: [String: Int64] = [:]
            for entry in plan.entries where entry.desc == "TABLE DATA" { streamed[entry.tag] = try XCTUnwrap(entry.dataSource).stream { _ in } }
            XCTAssertEqual(streamed, leafData ? sets.leafCounts : ["metrics": 25])
        }
    }

    func testAwkwardNamesAndReplicatedFromTOC() throws {
        let sets = GPBackupTestSets.awkwardNames()
        let dir = try temporaryDirectory()
        var b = sets.builder
        b.compression = "zstd"
        try b.write(to: dir, compress: { Fixtures.zstd($0) })
        let set = try BackupSet.discover(backupDir: dir)
        let plan = try ImportPlan.build(set: set)
        let summary = plan.entries.map { "\($0.desc)|\($0.namespace)|\($0.tag)" }
        XCTAssertEqual(summary, [
            "SCHEMA||My \"Odd\" Schema.x",
            "TABLE|My \"Odd\" Schema.x|Tablé Ünï \"q\"",
            "COMMENT|My \"Odd\" Schema.x|TABLE Tablé Ünï \"q\"",
            "TABLE|My \"Odd\" Schema.x|select",
            "TABLE|public|Replicated Äpfel",
            "TABLE DATA|My \"Odd\" Schema.x|Tablé Ünï \"q\"",
            "TABLE DATA|My \"Odd\" Schema.x|select",
            "TABLE DATA|public|Replicated Äpfel",
            "CONSTRAINT|My \"Odd\" Schema.x|Tablé Ünï \"q\" Pk \"1\"",
            "INDEX|My \"Odd\" Schema.x|Idx Ü",
        ])
        XCTAssertEqual(plan.entries[5].copyStatement,
                       "COPY \"My \"\"Odd\"\" Schema.x\".\"Tablé Ünï \"\"q\"\"\" (\"Id\", \"from\", \"Ünïcode, col\") FROM stdin;\n")
        let text = try Fixtures.collect(XCTUnwrap(plan.entries[5].dataSource))
        XCTAssertEqual(text.text, "1\ta,b\tü\n2\t\\N\t\n3\tmulti\\nline\ttab\\there\n4\tback\\\\slash\t日本語\n")
        XCTAssertEqual(text.perSegment.map(\.rows), [2, 1, 1])
        // Replicated by the toc's flag although the DDL says DISTRIBUTED BY: one copy, not three.
        let rep = try XCTUnwrap(plan.entries[7].dataSource)
        XCTAssertTrue(rep.isReplicated)
        XCTAssertEqual(rep.expectedRows, 2)
        let repText = try Fixtures.collect(rep)
        XCTAssertEqual(repText.text, "x\ny\n")
        XCTAssertEqual(repText.perSegment.map(\.content), [0])
        XCTAssertFalse(try set.replicatedTablesFromDDL().contains("public.\"Replicated Äpfel\""))

        // isreplicated: false overrides a DDL that says REPLICATED? No: the toc flag decides when present.
        var summed = sets.builder
        summed.tables[2].isReplicated = false
        summed.tables[2].rowsCopied = 6
        let dir2 = try temporaryDirectory("notreplicated")
        try summed.write(to: dir2)
        let all = try XCTUnwrap(try BackupSet.discover(backupDir: dir2).tableDataSources().last)
        XCTAssertFalse(all.isReplicated)
        XCTAssertEqual(try all.stream { _ in }, 6)
    }
}
