import Archive
import Catalog
import DDL
import Dump
import Foundation
import Postgres
import TestSupport
import XCTest

/// RelationsProvider against the real pg_dump of the same major, on the fixture database:
/// every entry of the relation kinds must match pg_dump's (matched by desc, namespace, tag) in
/// desc, tag, namespace, owner, section, defn, dropStmt, copyStmt, tablespace and tableam.
/// ACL entries are not compared (emitACL lives in another branch).
final class RelationsOracleTests: XCTestCase {
    static let descs = ["SCHEMA", "TABLE", "DEFAULT", "SEQUENCE", "SEQUENCE OWNED BY", "SEQUENCE SET", "VIEW",
                        "MATERIALIZED VIEW", "MATERIALIZED VIEW DATA", "FOREIGN TABLE", "TABLE ATTACH", "CONSTRAINT",
                        "CHECK CONSTRAINT", "FK CONSTRAINT", "INDEX", "INDEX ATTACH", "STATISTICS", "RULE", "TRIGGER",
                        "POLICY", "ROW SECURITY", "TABLE DATA", "COMMENT"]

    func testFixtureMatchesPgDump15() throws { try compare(major: 15) }
    func testFixtureMatchesPgDump16() throws { try compare(major: 16) }
    func testFixtureMatchesPgDump17() throws { try compare(major: 17) }
    func testFixtureMatchesPgDump18() throws { try compare(major: 18) }

    /// pg_dump's setup_connection, then the snapshot transaction.
    static func configureSession(_ c: Connection) throws {
        for sql in ["SET DateStyle = ISO", "SET IntervalStyle = POSTGRES", "SET extra_float_digits TO 3",
                    "SET synchronize_seqscans TO off", "SET statement_timeout = 0", "SET lock_timeout = 0",
                    "SET idle_in_transaction_session_timeout = 0", "SET row_security = off",
                    "SELECT pg_catalog.set_config('search_path', '', false)",
                    "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"] {
            _ = try c.query(sql)
        }
    }

    /// Runs RelationsProvider like pg_dump would on a fresh session and emits every object.
    static func runProvider(_ connection: Connection, major: Int, selection: DumpSelection = DumpSelection()) throws -> DumpEmitter {
        try configureSession(connection)
        var render = RenderContext(serverVersion: connection.serverVersionNum, pgDumpMajor: major)
        render.schemaOnly = selection.schemaOnly
        render.dataOnly = selection.dataOnly
        let graph = DumpGraph()
        let context = ProviderContext(connection: connection, render: render, selection: selection,
                                      metadata: try ObjectMetadata.load(connection: connection), graph: graph)
        try RelationsProvider.load(context)
        let emitter = DumpEmitter(graph: graph, context: render)
        for obj in graph.objects { try obj.emit?(emitter, obj) }
        return emitter
    }

    static func loadFixture(_ server: TestServer) throws -> String {
        let root = Fixtures.repositoryRoot.appendingPathComponent("fixtures")
        let roles = try String(contentsOf: root.appendingPathComponent("fixture-roles.sql"), encoding: .utf8)
        _ = try? server.psql(roles)
        let db = try server.freshDatabase(prefix: "relations")
        _ = try server.psql(String(contentsOf: root.appendingPathComponent("fixture-db.sql"), encoding: .utf8), database: db)
        return db
    }

    func testEdgeCasesMatchPgDump15() throws { try compare(major: 15, extraSQL: EdgeCases.sql) }
    func testEdgeCasesMatchPgDump16() throws { try compare(major: 16, extraSQL: EdgeCases.sql) }
    func testEdgeCasesMatchPgDump17() throws { try compare(major: 17, extraSQL: EdgeCases.sql + EdgeCases.sql17) }
    func testEdgeCasesMatchPgDump18() throws { try compare(major: 18, extraSQL: EdgeCases.sql + EdgeCases.sql17 + EdgeCases.sql18) }

    func testSelectionsMatchPgDump15() throws { try compareSelections(major: 15) }
    func testSelectionsMatchPgDump18() throws { try compareSelections(major: 18) }

    /// pg_dump's -s, -a, -n and -t (patterns resolved by hand into DumpSelection).
    func compareSelections(major: Int) throws {
        var schemaOnly = DumpSelection()
        schemaOnly.schemaOnly = true
        var dataOnly = DumpSelection()
        dataOnly.dataOnly = true
        var oneSchema = DumpSelection()
        oneSchema.schemas = ["fx_part"]
        var twoTables = DumpSelection()
        twoTables.tables = [QualifiedName(schema: "fx", name: "customers"), QualifiedName(schema: "fx", name: "legacy")]
        var excluded = DumpSelection()
        excluded.excludedSchemas = ["fx_part"]
        excluded.excludedTables = [QualifiedName(schema: "fx", name: "customers")]
        excluded.excludedTableData = [QualifiedName(schema: "fx", name: "big_table")]
        try compare(major: major, args: ["--schema-only"], selection: schemaOnly)
        try compare(major: major, args: ["--data-only"], selection: dataOnly)
        try compare(major: major, args: ["-n", "fx_part"], selection: oneSchema)
        try compare(major: major, args: ["-t", "fx.customers", "-t", "fx.legacy"], selection: twoTables)
        var partition = DumpSelection()
        partition.tables = [QualifiedName(schema: "fx_part", name: "measurements_2024"), QualifiedName(schema: "fx", name: "cars")]
        try compare(major: major, args: ["-t", "fx_part.measurements_2024", "-t", "fx.cars"], selection: partition)
        try compare(major: major, args: ["-N", "fx_part", "-T", "fx.customers", "--exclude-table-data", "fx.big_table"],
                    selection: excluded)
    }

    func compare(major: Int, args: [String] = [], selection: DumpSelection = DumpSelection(), extraSQL: String? = nil) throws {
        var databases: [String] = []
        try Self.compare(major: major, args: args, selection: selection, extraSQL: extraSQL, databases: &databases)
    }

    /// `databases` receives the database created, for callers that must drop it.
    static func compare(major: Int, args: [String] = [], selection: DumpSelection = DumpSelection(), extraSQL: String?,
                 databases: inout [String]) throws {
        guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("PostgreSQL \(major) is not installed") }
        let server = try TestServer.shared(major: major)
        let db = try Self.loadFixture(server)
        databases.append(db)
        if let extraSQL { _ = try server.psql(extraSQL, database: db) }
        let dir = try Fixtures.temporaryDirectory("relations")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("theirs.dump")
        let out = try server.runTool("pg_dump", args: ["-Fc", "-f", archive.path] + args + ["-d", server.conninfo(database: db)])
        XCTAssertEqual(out.status, 0, out.stderr.text)
        let theirs = try ArchiveReader(path: archive.path).entries

        let connection = try server.connect(database: db)
        defer { connection.close() }
        let emitter = try Self.runProvider(connection, major: major, selection: selection)

        let report = Self.compare(theirs: theirs, ours: emitter.entries)
        print("pg_dump \(major) \(args.joined(separator: " ")) relations oracle:\n" + report.table)
        XCTAssertTrue(report.mismatches.isEmpty, "pg_dump \(major) \(args):\n" + report.mismatches.joined(separator: "\n"))
    }

    struct Report {
        var table = ""
        var mismatches: [String] = []
    }

    static func key(_ e: TocEntry) -> String { "\(e.desc)|\(e.namespace ?? "")|\(e.tag)" }

    static func fields(_ e: TocEntry) -> [String] {
        [e.desc, e.tag, e.namespace ?? "<nil>", e.owner ?? "<nil>", e.section.name, e.definition ?? "", e.dropStatement ?? "",
         e.copyStatement ?? "<nil>", e.tablespace ?? "<nil>", e.tableAccessMethod ?? "<nil>", String(e.relkind),
         // Both dump the same database: catalog IDs (pg_restore -l's second and third column) agree.
         "\(e.tableOid) \(e.oid)"]
    }

    /// relkind is only stored by 1.16 archives (pg_dump 18); older readers leave 0 on both sides.
    static let fieldNames = ["desc", "tag", "namespace", "owner", "section", "defn", "dropStmt", "copyStmt", "tablespace", "tableam",
                             "relkind", "catalog id"]

    /// Comments this provider owns: on schemas, relations, their columns and post-data objects.
    static func isRelationComment(_ e: TocEntry, relationTags: Set<String>) -> Bool {
        let tag = e.tag
        if tag.hasSuffix(" ON DOMAIN") || tag.contains(" ON DOMAIN ") { return false }
        for p in ["SCHEMA ", "TABLE ", "VIEW ", "MATERIALIZED VIEW ", "FOREIGN TABLE ", "SEQUENCE ", "INDEX ",
                  "CONSTRAINT ", "TRIGGER ", "RULE ", "POLICY ", "STATISTICS "] where tag.hasPrefix(p) { return true }
        if tag.hasPrefix("COLUMN ") {
            return relationTags.contains { tag.hasPrefix("COLUMN \($0).") && !($0.isEmpty) }
        }
        return false
    }

    static func compare(theirs allTheirs: [TocEntry], ours: [TocEntry]) -> Report {
        let relationDescs: Set<String> = ["TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"]
        let relationTags = Set(allTheirs.filter { relationDescs.contains($0.desc) }.map { quoteIdentifier($0.tag) })
        let wanted = Set(descs)
        let theirs = allTheirs.filter {
            wanted.contains($0.desc) && ($0.desc != "COMMENT" || isRelationComment($0, relationTags: relationTags))
                && !($0.definition ?? "").hasPrefix("ALTER DOMAIN") // domain constraints belong to the types provider
        }
        var oursByKey: [String: [TocEntry]] = [:]
        // Archives before 1.16 do not store relkind: compare it only when pg_dump wrote it.
        let archiveHasRelkind = allTheirs.contains { $0.relkind != 0 }
        for var e in ours where wanted.contains(e.desc) {
            if !archiveHasRelkind { e.relkind = 0 }
            oursByKey[key(e), default: []].append(e)
        }
        var report = Report()
        var matched: [String: Int] = [:]
        var total: [String: Int] = [:]
        for e in theirs {
            total[e.desc, default: 0] += 1
            let k = key(e)
            guard var candidates = oursByKey[k], !candidates.isEmpty else {
                report.mismatches.append("missing \(e.desc) \(e.namespace ?? "-") \(e.tag): \(fields(e).debugDescription)")
                continue
            }
            if let i = candidates.firstIndex(where: { fields($0) == fields(e) }) {
                candidates.remove(at: i)
                matched[e.desc, default: 0] += 1
            } else {
                let mine = candidates.removeFirst()
                let diffs = zip(fieldNames, zip(fields(e), fields(mine))).filter { $0.1.0 != $0.1.1 }
                    .map { "  \($0.0): pg_dump=\($0.1.0.debugDescription)\n  \(String(repeating: " ", count: $0.0.count)) ours=\($0.1.1.debugDescription)" }
                report.mismatches.append("differs \(e.desc) \(e.namespace ?? "-") \(e.tag)\n" + diffs.joined(separator: "\n"))
            }
            oursByKey[k] = candidates
        }
        var extra: [String: Int] = [:]
        for (_, rest) in oursByKey {
            for e in rest {
                extra[e.desc, default: 0] += 1
                report.mismatches.append("extra \(e.desc) \(e.namespace ?? "-") \(e.tag)")
            }
        }
        for d in descs {
            report.table += "  \(d.padding(toLength: 24, withPad: " ", startingAt: 0)) \(matched[d] ?? 0)/\(total[d] ?? 0)"
                + ((extra[d] ?? 0) > 0 ? "  (+\(extra[d]!) extra)" : "") + "\n"
        }
        return report
    }
}
