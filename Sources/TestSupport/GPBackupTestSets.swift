import Foundation

/// Hand-built gpbackup sets shared by the GPBackup unit tests and the restore integration tests,
/// each with the row counts a correct import must produce (computed from the generated rows, not
/// from the importer).
public enum GPBackupTestSets {
    /// One generated row of the partitioned tables: (id, yr, region).
    struct Row { let id: Int; let yr: Int; let region: String; let segment: Int }

    static func rows(_ count: Int, years: [Int]) -> [Row] {
        (1...count).map { i in Row(id: i, yr: years[i % years.count], region: i % 3 == 0 ? "usa" : "eu, \"west\"", segment: i % 2) }
    }

    static func csv(_ rows: [Row]) -> String {
        rows.map { "\($0.id),\($0.yr),\"\($0.region.replacingOccurrences(of: "\"", with: "\"\""))\"\n" }.joined()
    }

    static func perSegment(_ rows: [Row], segments: Int = 2) -> [String] {
        (0..<segments).map { s in csv(rows.filter { $0.segment == s }) }
    }

    /// Greenplum 6 partitioned tables as gpbackup 1.30 prints them (`pg_get_partition_def(oid,
    /// true, true)`): `sales` (range, a named, an EVERY-made and a default partition) and
    /// `events` (range partitions with list subpartitions, two levels). With `leafData` the data
    /// entries are per leaf with `partitionroot`; without, one entry per root.
    /// Expected: leaf table name → rows.
    public static func greenplum6Partitions(leafData: Bool) -> (builder: GPBackupSetBuilder, leafCounts: [String: Int64], rootCounts: [String: Int64]) {
        var b = GPBackupSetBuilder()
        b.leafPartitionData = leafData
        b.predata = [
            .init("SCHEMA", "public", "public", ""),
            .init("TABLE", "public", "sales", """
            CREATE TABLE public.sales (
            \tid integer,
            \tyr integer,
            \tregion text
            ) WITH (appendonly=true, compresstype=zlib) DISTRIBUTED BY (id) PARTITION BY RANGE(yr)
                      (
                      PARTITION y2020 START (2020) END (2021) WITH (tablename='sales_1_prt_y2020', appendonly=true, compresstype=zlib ),
                      START (2021) END (2022) EVERY (1) WITH (tablename='sales_1_prt_3', appendonly=true, compresstype=zlib ),
                      DEFAULT PARTITION other  WITH (tablename='sales_1_prt_other', appendonly=true, compresstype=zlib )
                      );
            """),
            .init("TABLE", "public", "events", """
            CREATE TABLE public.events (
            \tid integer,
            \tyr integer,
            \tregion text
            ) DISTRIBUTED RANDOMLY PARTITION BY RANGE(yr)
                      SUBPARTITION BY LIST(region)
                      (
                      PARTITION early START (2020) END (2022) WITH (tablename='events_1_prt_early', appendonly='false')
                              (
                              SUBPARTITION usa VALUES('usa') WITH (tablename='events_1_prt_early_2_prt_usa', appendonly='false'),
                              DEFAULT SUBPARTITION rest  WITH (tablename='events_1_prt_early_2_prt_rest', appendonly='false')
                              ),
                      PARTITION late START (2022) END (2030) WITH (tablename='events_1_prt_late', appendonly='false')
                              (
                              SUBPARTITION usa VALUES('usa') WITH (tablename='events_1_prt_late_2_prt_usa', appendonly='false'),
                              DEFAULT SUBPARTITION rest  WITH (tablename='events_1_prt_late_2_prt_rest', appendonly='false')
                              )
                      );
            ALTER TABLE public.events
            SET SUBPARTITION TEMPLATE
                      (
                      SUBPARTITION usa VALUES('usa') WITH (tablename='events'),
                      DEFAULT SUBPARTITION rest  WITH (tablename='events')
                      );
            """),
        ]
        let sales = rows(40, years: [2020, 2021, 1999, 2030, 2020])
        let events = rows(30, years: [2020, 2021, 2023, 2029])
        var leafCounts: [String: Int64] = [:]
        func leafOfSales(_ r: Row) -> String { r.yr == 2020 ? "sales_1_prt_y2020" : r.yr == 2021 ? "sales_1_prt_3" : "sales_1_prt_other" }
        func leafOfEvents(_ r: Row) -> String { (r.yr < 2022 ? "events_1_prt_early" : "events_1_prt_late") + (r.region == "usa" ? "_2_prt_usa" : "_2_prt_rest") }
        for r in sales { leafCounts[leafOfSales(r), default: 0] += 1 }
        for r in events { leafCounts[leafOfEvents(r), default: 0] += 1 }
        if leafData {
            var oid = 20000
            for (root, all, leafOf) in [("sales", sales, leafOfSales), ("events", events, leafOfEvents)] as [(String, [Row], (Row) -> String)] {
                for leaf in Set(all.map(leafOf)).sorted() {
                    let mine = all.filter { leafOf($0) == leaf }
                    oid += 1
                    b.tables.append(.init(name: leaf, oid: oid, attributes: "(id,yr,region)", partitionRoot: root,
                                          segments: perSegment(mine), rowsCopied: Int64(mine.count)))
                }
            }
        } else {
            b.tables = [
                .init(name: "sales", oid: 20001, attributes: "(id,yr,region)", segments: perSegment(sales), rowsCopied: Int64(sales.count)),
                .init(name: "events", oid: 20002, attributes: "(id,yr,region)", segments: perSegment(events), rowsCopied: Int64(events.count)),
            ]
        }
        return (b, leafCounts, ["public.sales": Int64(sales.count), "public.events": Int64(events.count)])
    }

    /// Greenplum 7 declarative partitioning: root `PARTITION BY`, one CREATE per leaf, and the
    /// leaf's `ALTER TABLE ONLY root ATTACH PARTITION` as its own toc entry (referenceobject = root).
    public static func greenplum7Partitions(leafData: Bool) -> (builder: GPBackupSetBuilder, leafCounts: [String: Int64]) {
        var b = GPBackupSetBuilder()
        b.leafPartitionData = leafData
        b.predata = [
            .init("TABLE", "public", "metrics", "CREATE TABLE public.metrics (\n\tid integer,\n\tyr integer,\n\tregion text\n) PARTITION BY RANGE (yr) DISTRIBUTED BY (id);"),
            .init("TABLE", "public", "metrics_1_prt_old", reference: "public.metrics",
                  "CREATE TABLE public.metrics_1_prt_old (\n\tid integer,\n\tyr integer,\n\tregion text\n) USING ao_row DISTRIBUTED BY (id);"),
            .init("TABLE", "public", "metrics_1_prt_old", reference: "public.metrics",
                  "ALTER TABLE ONLY public.metrics ATTACH PARTITION public.metrics_1_prt_old FOR VALUES FROM (2000) TO (2022);"),
            .init("TABLE", "public", "metrics_1_prt_new", reference: "public.metrics",
                  "CREATE TABLE public.metrics_1_prt_new (\n\tid integer,\n\tyr integer,\n\tregion text\n) DISTRIBUTED BY (id);"),
            .init("TABLE", "public", "metrics_1_prt_new", reference: "public.metrics",
                  "ALTER TABLE ONLY public.metrics ATTACH PARTITION public.metrics_1_prt_new FOR VALUES FROM (2022) TO (2100);"),
        ]
        let all = rows(25, years: [2001, 2021, 2022, 2050])
        func leafOf(_ r: Row) -> String { r.yr < 2022 ? "metrics_1_prt_old" : "metrics_1_prt_new" }
        var counts: [String: Int64] = [:]
        for r in all { counts[leafOf(r), default: 0] += 1 }
        if leafData {
            for (i, leaf) in ["metrics_1_prt_new", "metrics_1_prt_old"].enumerated() {
                let mine = all.filter { leafOf($0) == leaf }
                b.tables.append(.init(name: leaf, oid: 30001 + i, attributes: "(id,yr,region)", partitionRoot: "metrics",
                                      segments: perSegment(mine), rowsCopied: Int64(mine.count)))
            }
        } else {
            b.tables = [.init(name: "metrics", oid: 30000, attributes: "(id,yr,region)", segments: perSegment(all), rowsCopied: Int64(all.count))]
        }
        return (b, counts)
    }

    /// Names that need quoting everywhere (mixed case, spaces, quotes, dots, keywords, multibyte)
    /// in schemas, tables and columns; a replicated table marked only by the toc's `isreplicated`
    /// (its DDL says nothing); a table with an index and a primary key in post-data.
    /// Expected: quoted `schema.table` → rows.
    public static func awkwardNames() -> (builder: GPBackupSetBuilder, counts: [String: Int64]) {
        var b = GPBackupSetBuilder()
        b.segmentCount = 3
        let schema = "\"My \"\"Odd\"\" Schema.x\""
        let table = "\"Tablé Ünï \"\"q\"\"\""
        let keyword = "\"select\""
        let rep = "\"Replicated Äpfel\""
        b.predata = [
            .init("SCHEMA", schema, schema, "CREATE SCHEMA \(schema);"),
            .init("TABLE", schema, table, """
            CREATE TABLE \(schema).\(table) (
            \t"Id" integer NOT NULL,
            \t"from" text,
            \t"Ünïcode, col" text
            ) DISTRIBUTED BY ("Id");
            """),
            .init("TABLE", schema, table, "COMMENT ON COLUMN \(schema).\(table).\"from\" IS 'a ''keyword'' column';"),
            .init("TABLE", schema, keyword, "CREATE TABLE \(schema).\(keyword) (\n\t\"order\" integer\n) DISTRIBUTED RANDOMLY;"),
            .init("TABLE", "public", rep, "CREATE TABLE public.\(rep) (\n\tcode text\n) DISTRIBUTED BY (code);"),
        ]
        b.postdata = [
            .init("CONSTRAINT", schema, "\"Pk \"\"1\"\"\"", reference: "\(schema).\(table)",
                  "ALTER TABLE ONLY \(schema).\(table) ADD CONSTRAINT \"Pk \"\"1\"\"\" PRIMARY KEY (\"Id\");"),
            .init("INDEX", schema, "\"Idx Ü\"", reference: "\(schema).\(table)",
                  "CREATE INDEX \"Idx Ü\" ON \(schema).\(table) USING btree (\"from\");"),
        ]
        b.tables = [
            .init(schema: schema, name: table, oid: 40001, attributes: "(\"Id\",\"from\",\"Ünïcode, col\")",
                  segments: ["1,\"a,b\",ü\n2,,\"\"\n", "3,\"multi\nline\",\"tab\there\"\n", "4,\"back\\slash\",\"日本語\"\n"], rowsCopied: 4),
            .init(schema: schema, name: keyword, oid: 40002, attributes: "(\"order\")", segments: ["1\n", "", "2\n3\n"], rowsCopied: 3),
            // Each segment holds the whole replicated table: rowscopied = 2 rows × 3 segments.
            .init(schema: "public", name: rep, oid: 40003, attributes: "(code)", isReplicated: true,
                  segments: ["x\ny\n", "x\ny\n", "x\ny\n"], rowsCopied: 6),
        ]
        return (b, ["\(schema).\(table)": 4, "\(schema).\(keyword)": 3, "public.\(rep)": 2])
    }
}
