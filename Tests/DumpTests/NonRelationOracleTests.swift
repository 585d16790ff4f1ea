import Archive
import Catalog
import DDL
@testable import Dump
import Foundation
import Postgres
import TestSupport
import XCTest

/// The non-relation providers against the real pg_dump on the fixture database: every entry of
/// their kinds (and the COMMENT entries on them) must equal pg_dump's in desc, tag, namespace,
/// owner, section, definition, drop and copy statements, tablespace and table access method.
/// ACL entries are left to the ACL emitter and not compared here.
final class NonRelationOracleTests: XCTestCase {
    static let descs: Set<String> = [
        "EXTENSION", "PROCEDURAL LANGUAGE", "TRANSFORM", "ACCESS METHOD", "TYPE", "SHELL TYPE", "DOMAIN", "CHECK CONSTRAINT",
        "FUNCTION", "PROCEDURE", "AGGREGATE", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY", "CAST", "CONVERSION", "COLLATION",
        "TEXT SEARCH PARSER", "TEXT SEARCH DICTIONARY", "TEXT SEARCH TEMPLATE", "TEXT SEARCH CONFIGURATION",
        "FOREIGN DATA WRAPPER", "SERVER", "USER MAPPING", "EVENT TRIGGER", "PUBLICATION", "PUBLICATION TABLE",
        "PUBLICATION TABLES IN SCHEMA", "SUBSCRIPTION",
    ]
    /// COMMENT tags on objects of those kinds start with one of these.
    static let commentPrefixes = [
        "EXTENSION ", "LANGUAGE ", "TRANSFORM ", "ACCESS METHOD ", "TYPE ", "DOMAIN ", "FUNCTION ", "PROCEDURE ", "AGGREGATE ",
        "OPERATOR ", "CAST ", "CONVERSION ", "COLLATION ", "TEXT SEARCH ", "FOREIGN DATA WRAPPER ", "SERVER ", "EVENT TRIGGER ",
        "PUBLICATION ", "SUBSCRIPTION ",
    ]

    func testMatchesPgDump15() throws { try compare(major: 15) }
    func testMatchesPgDump16() throws { try compare(major: 16) }
    func testMatchesPgDump17() throws { try compare(major: 17) }
    func testMatchesPgDump18() throws { try compare(major: 18) }

    /// Loads the fixture into a fresh database of `major`, dumps it with that pg_dump, runs the
    /// providers on the same database and returns (pg_dump's entries, ours).
    static func entries(major: Int, schema: String? = nil, extraSQL: String? = nil) throws -> (expected: [TocEntry], actual: [TocEntry]) {
        let server = try TestServer.shared(major: major)
        let roles = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-roles.sql"), encoding: .utf8)
        _ = try? server.psql(roles)
        let db = try server.freshDatabase(prefix: "nonrel")
        let fixture = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-db.sql"), encoding: .utf8)
        try server.psql(fixture, database: db)
        if let extraSQL { try server.psql(extraSQL, database: db) }
        let dir = try Fixtures.temporaryDirectory("nonrel")
        let archive = dir.appendingPathComponent("ref.dump").path
        let dump = try server.runTool("pg_dump", args: ["-Fc", "-f", archive, "-d", server.conninfo(database: db)] + (schema.map { ["-n", $0] } ?? []))
        guard dump.status == 0 else { throw TestSupportError.commandFailed(command: "pg_dump", status: dump.status, stdout: "", stderr: dump.stderr.text, log: nil) }
        let expected = try ArchiveReader(path: archive).entries

        let connection = try server.connect(database: db)
        defer { connection.close() }
        // pg_dump's setup_connection and snapshot.
        try connection.execute("SET client_encoding = 'UTF8'")
        try connection.execute("SET DATESTYLE = ISO")
        try connection.execute("SET INTERVALSTYLE = POSTGRES")
        try connection.execute("SET extra_float_digits TO 3")
        try connection.execute("SET statement_timeout = 0")
        try connection.execute("SET row_security = off")
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _ = try connection.query("SELECT pg_catalog.set_config('search_path', '', false)")
        let graph = DumpGraph()
        let render = RenderContext(serverVersion: connection.serverVersionNum, pgDumpMajor: major)
        var selection = DumpSelection()
        if let schema { selection.schemas = [schema] }
        let context = ProviderContext(connection: connection, render: render, selection: selection,
                                      metadata: try ObjectMetadata.load(connection: connection), graph: graph)
        let providers: [CatalogProvider.Type] = [ExtensionsProvider.self, TypesProvider.self, RoutinesProvider.self, OperatorsProvider.self,
                                                 TextSearchProvider.self, ForeignDataProvider.self, PublicationsProvider.self]
        for p in providers { try p.load(context) }
        let emitter = DumpEmitter(graph: graph, context: render)
        for object in graph.objects { try object.emit?(emitter, object) }
        try connection.execute("COMMIT")
        try? server.dropDatabase(db)
        return (expected, emitter.entries)
    }

    struct Key: Hashable, CustomStringConvertible {
        var desc: String, namespace: String, tag: String
        var description: String { "\(desc) \(namespace) \(tag)" }
    }

    static func key(_ e: TocEntry) -> Key { Key(desc: e.desc, namespace: e.namespace ?? "", tag: e.tag) }

    /// The label the match table uses: the desc, or "COMMENT <kind>".
    static func group(_ e: TocEntry) -> String {
        guard e.desc == "COMMENT" else { return e.desc }
        if e.tag.hasPrefix("COLUMN ") { return "COMMENT COLUMN (composite type)" }
        if e.tag.hasPrefix("CONSTRAINT ") { return "COMMENT CONSTRAINT ON DOMAIN" }
        let words = e.tag.split(separator: " ")
        let two = words.prefix(3).joined(separator: " ")
        for p in ["TEXT SEARCH PARSER", "TEXT SEARCH DICTIONARY", "TEXT SEARCH TEMPLATE", "TEXT SEARCH CONFIGURATION",
                  "FOREIGN DATA WRAPPER", "OPERATOR CLASS", "OPERATOR FAMILY", "ACCESS METHOD", "EVENT TRIGGER"] where two.hasPrefix(p) {
            return "COMMENT " + p
        }
        return "COMMENT " + (words.first.map(String.init) ?? "")
    }

    static func differences(_ a: TocEntry, _ b: TocEntry) -> [String] {
        var d: [String] = []
        // NULL and "" differ in the archive (pg_restore prints "Owner: -" for NULL).
        func cmp(_ name: String, _ x: String?, _ y: String?) {
            if x != y { d.append("\(name): pg_dump \(String(reflecting: x)) vs ours \(String(reflecting: y))") }
        }
        cmp("namespace", a.namespace, b.namespace)
        cmp("catalog id", "\(a.tableOid)/\(a.oid)", "\(b.tableOid)/\(b.oid)")
        cmp("owner", a.owner, b.owner)
        cmp("section", a.section.name, b.section.name)
        cmp("defn", a.definition, b.definition)
        cmp("drop", a.dropStatement, b.dropStatement)
        cmp("copy", a.copyStatement, b.copyStatement)
        cmp("tablespace", a.tablespace, b.tablespace)
        cmp("tableam", a.tableAccessMethod, b.tableAccessMethod)
        return d
    }

    /// With -n, only objects inside the schema are dumped (no extensions, casts, languages, ...).
    func testMatchesPgDump15WithSchemaSelection() throws { try compare(major: 15, schema: "fx") }

    /// Edge cases the shared fixture lacks (NonRelationEdgeCases.sql), on top of it.
    func testEdgeCasesMatchPgDump15() throws { try compare(major: 15, edgeCases: true) }
    func testEdgeCasesMatchPgDump16() throws { try compare(major: 16, edgeCases: true) }
    func testEdgeCasesMatchPgDump17() throws { try compare(major: 17, edgeCases: true) }
    func testEdgeCasesMatchPgDump18() throws { try compare(major: 18, edgeCases: true) }


    func compare(major: Int, schema: String? = nil, edgeCases: Bool = false) throws {
        guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("no PostgreSQL \(major)") }
        let (expectedAll, actualAll) = try Self.entries(major: major, schema: schema, extraSQL: edgeCases ? NonRelationEdgeCases.sql + (major >= 16 ? NonRelationEdgeCases.subscriptionSQL(major: major) : "") : nil)
        // ACL entries are compared in full by DumpRoundTripTests and PrivilegesOracleTests.
        let actual = actualAll.filter { $0.desc != "ACL" }
        let domainNames = Set(actual.filter { $0.desc == "DOMAIN" }.map { QualifiedName(schema: $0.namespace ?? "", name: $0.tag) })
        let compositeColumnTags = Set(actual.filter { $0.desc == "COMMENT" && $0.tag.hasPrefix("COLUMN ") }.map(Self.key))
        let expected = expectedAll.filter { e in
            // Table CHECK constraints belong to the relations provider; domains' are ours.
            if e.desc == "CHECK CONSTRAINT" { return domainNames.contains(QualifiedName(schema: e.namespace ?? "", name: String(e.tag.split(separator: " ").first ?? ""))) }
            if Self.descs.contains(e.desc) { return true }
            guard e.desc == "COMMENT" else { return false }
            if e.tag.hasPrefix("COLUMN ") { return compositeColumnTags.contains(Self.key(e)) }
            if e.tag.hasPrefix("CONSTRAINT "), e.tag.contains(" ON DOMAIN ") { return true }
            return Self.commentPrefixes.contains { e.tag.hasPrefix($0) }
        }
        var ours: [Key: TocEntry] = [:]
        for e in actual { ours[Self.key(e)] = e }
        var total: [String: Int] = [:], matched: [String: Int] = [:]
        var problems: [String] = []
        var seen = Set<Key>()
        for e in expected {
            let g = Self.group(e)
            total[g, default: 0] += 1
            let k = Self.key(e)
            seen.insert(k)
            guard let mine = ours[k] else { problems.append("missing: \(k)"); continue }
            let d = Self.differences(e, mine)
            if d.isEmpty { matched[g, default: 0] += 1 } else { problems.append("\(k):\n    " + d.joined(separator: "\n    ")) }
        }
        for e in actual where !seen.contains(Self.key(e)) { problems.append("extra: \(Self.key(e))") }
        var table = "pg_dump \(major)\(schema.map { " -n \($0)" } ?? "")\(edgeCases ? " + edge cases" : "") match table (desc: matched/total)\n"
        for g in total.keys.sorted() { table += "  \(g): \(matched[g] ?? 0)/\(total[g]!)\n" }
        table += "  ALL: \(matched.values.reduce(0, +))/\(total.values.reduce(0, +))\n"
        print(table)
        try? table.write(toFile: "/tmp/nonrel-match-\(major)\(schema.map { "-n-\($0)" } ?? "")\(edgeCases ? "-edge" : "").txt", atomically: true, encoding: .utf8)
        XCTAssert(problems.isEmpty, table + problems.joined(separator: "\n"))
    }
}
