import Archive
import Catalog
@testable import Dump
import Foundation
import Postgres
import TestSupport
import XCTest

/// The sort against pg_dump itself: the fixture database is dumped by the real pg_dump, one
/// DumpObject is built per TOC entry that stands for a dumpable object (comments, ACLs, security
/// labels, SEQUENCE OWNED BY, user mappings and the database-level entries ride along with their
/// object and are left out), with pg_dump's sort names and tiebreaks read from the catalogs and
/// the entries' dependencies. Shuffled into an approximation of getSchemaData's order (kind,
/// then OID), they must come out of sortByTypeName + sortByDependencies in pg_dump's order.
///
/// Limits of the oracle: the archive only holds dependencies between dumped objects (pg_dump
/// expanded those through undumped ones), and undumped objects (system schemas' objects,
/// extension members, dummy types) are not in the graph, so the heap's choices can differ from
/// pg_dump's where an undumped object delayed a candidate.
final class SortOracleTests: XCTestCase {
    func testOrderMatchesPgDump15() throws { try checkOrder(major: 15) }
    func testOrderMatchesPgDump16() throws { try checkOrder(major: 16) }
    func testOrderMatchesPgDump17() throws { try checkOrder(major: 17) }
    func testOrderMatchesPgDump18() throws { try checkOrder(major: 18) }
    /// 18's relation statistics (data section for tables, post-data for indexes and matviews).
    func testOrderMatchesPgDump18WithStatistics() throws { try checkOrder(major: 18, pgDumpArguments: ["--statistics"]) }

    func checkOrder(major: Int, pgDumpArguments: [String] = []) throws {
        guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("no PostgreSQL \(major) install") }
        let server = try TestServer.shared(major: major)
        let roles = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-roles.sql"), encoding: .utf8)
        _ = try? server.psql(roles)
        let db = try server.freshDatabase(prefix: "sortoracle")
        let fixture = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-db.sql"), encoding: .utf8)
        try server.psql(fixture, database: db)
        let dir = try Fixtures.temporaryDirectory("sort-oracle")
        let archivePath = dir.appendingPathComponent("fixture.dump").path
        let dump = try server.runTool("pg_dump", args: ["-Fc", "-f", archivePath, "-d", server.conninfo(database: db)] + pgDumpArguments)
        XCTAssertEqual(dump.status, 0, dump.stderr.text)
        let entries = try ArchiveReader(path: archivePath).entries

        let catalog = try CatalogSortNames(connection: server.connect(database: db))
        let graph = DumpGraph()
        var objectByTocId: [Int: DumpObject] = [:]
        var tocIdByObject: [ObjectIdentifier: Int] = [:]
        var skipped: [String: Int] = [:]
        for entry in entries {
            guard let kind = Self.kind(of: entry.desc) else {
                skipped[entry.desc, default: 0] += 1
                continue
            }
            let object = catalog.object(for: entry, kind: kind)
            graph.add(object)
            objectByTocId[entry.dumpId] = object
            tocIdByObject[ObjectIdentifier(object)] = entry.dumpId
        }
        for entry in entries {
            guard let object = objectByTocId[entry.dumpId] else { continue }
            object.dependencies = entry.dependencies.compactMap { objectByTocId[$0]?.dumpId }
        }
        // getSchemaData's order, approximately: by kind, then by OID.
        let shuffled = graph.objects.sorted { ($0.kind.rawValue, $0.catalogId.oid) < ($1.kind.rawValue, $1.catalogId.oid) }
        let (pre, post) = SectionBoundaries.create(in: graph)
        SectionBoundaries.addDependencies(shuffled + [pre, post], preData: pre, postData: post, pgDumpMajor: major)
        let byName = DumpSort.sortByTypeName(shuffled + [pre, post], pgDumpMajor: major)
        let result = try DumpSort.sortByDependencies(byName, preDataBoundary: pre.dumpId, postDataBoundary: post.dumpId)

        let ours = result.objects.compactMap { tocIdByObject[ObjectIdentifier($0)] }
        let theirs = entries.map(\.dumpId).filter { objectByTocId[$0] != nil }
        let label: (Int) -> String = { id in
            let e = entries.first { $0.dumpId == id }!
            return "\(e.desc) \(e.namespace ?? "-") \(e.tag)"
        }
        let samePosition = zip(ours, theirs).filter { $0 == $1 }.count
        let common = Self.longestCommonSubsequence(ours, theirs)
        let firstDifferences = zip(ours, theirs).enumerated().filter { $0.element.0 != $0.element.1 }.prefix(15)
            .map { "#\($0.offset): ours \(label($0.element.0)) | pg_dump \(label($0.element.1))" }
        let summary = "pg_dump \(major) \(pgDumpArguments.joined(separator: " ")): \(theirs.count) objects, \(samePosition) at pg_dump's position, LCS \(common); "
            + "left out: \(skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); warnings: \(result.warnings)"
        print("SORT ORACLE " + summary)
        XCTAssertEqual(ours.count, theirs.count)
        XCTAssertEqual(samePosition, theirs.count, summary + "\n" + firstDifferences.joined(separator: "\n"))
        try? server.dropDatabase(db)
        try? FileManager.default.removeItem(at: dir)
    }

    /// DumpableObjectType of a TOC entry's desc; nil for entries that are not dumpable objects.
    static func kind(of desc: String) -> DumpObjectKind? {
        switch desc {
        case "SCHEMA": return .namespace
        case "EXTENSION": return .extension
        case "TYPE", "DOMAIN": return .type
        case "SHELL TYPE": return .shellType
        case "FUNCTION", "PROCEDURE": return .function
        case "AGGREGATE": return .aggregate
        case "OPERATOR": return .operator
        case "ACCESS METHOD": return .accessMethod
        case "OPERATOR CLASS": return .opclass
        case "OPERATOR FAMILY": return .opfamily
        case "COLLATION": return .collation
        case "CONVERSION": return .conversion
        case "TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "FOREIGN TABLE": return .table
        case "TABLE ATTACH": return .tableAttach
        case "DEFAULT": return .attrDef
        case "INDEX": return .index
        case "INDEX ATTACH": return .indexAttach
        case "STATISTICS": return .statsExt
        case "RULE": return .rule
        case "TRIGGER": return .trigger
        case "CONSTRAINT", "CHECK CONSTRAINT": return .constraint
        case "FK CONSTRAINT": return .fkConstraint
        case "PROCEDURAL LANGUAGE": return .procLang
        case "CAST": return .cast
        case "TABLE DATA": return .tableData
        case "SEQUENCE SET": return .sequenceSet
        case "TEXT SEARCH PARSER": return .tsParser
        case "TEXT SEARCH DICTIONARY": return .tsDict
        case "TEXT SEARCH TEMPLATE": return .tsTemplate
        case "TEXT SEARCH CONFIGURATION": return .tsConfig
        case "FOREIGN DATA WRAPPER": return .fdw
        case "SERVER": return .foreignServer
        case "DEFAULT ACL": return .defaultACL
        case "TRANSFORM": return .transform
        case "BLOB", "BLOB METADATA", "LARGE OBJECT": return .largeObject
        case "BLOBS": return .largeObjectData
        case "EVENT TRIGGER": return .eventTrigger
        case "MATERIALIZED VIEW DATA": return .refreshMatview
        case "POLICY", "ROW SECURITY": return .policy
        case "PUBLICATION": return .publication
        case "PUBLICATION TABLE": return .publicationRel
        case "PUBLICATION TABLES IN SCHEMA": return .publicationTableInSchema
        case "SUBSCRIPTION": return .subscription
        case "SUBSCRIPTION TABLE": return .subscriptionRel
        case "STATISTICS DATA": return .relStats
        default: return nil
        }
    }

    static func longestCommonSubsequence(_ a: [Int], _ b: [Int]) -> Int {
        var previous = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var current = [Int](repeating: 0, count: b.count + 1)
            for (j, y) in b.enumerated() {
                current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// pg_dump's sort names (dobj.name) and tiebreaks, read from the catalogs by catalog id: one
/// query per catalog whose objects need more than the TOC tag.
struct CatalogSortNames {
    struct Info {
        var name: String
        var tiebreak: [String] = []
        var namespace: String??
    }
    private var byId: [CatalogId: Info] = [:]

    init(connection: Connection) throws {
        func load(_ table: UInt32, _ sql: String, _ make: (QueryResult.Row) -> Info) throws {
            for row in try connection.query(sql) {
                byId[CatalogId(tableOid: table, oid: UInt32(row["oid"]!)!)] = make(row)
            }
        }
        func type(_ ns: String?, _ name: String?) -> SortTiebreak.TypeName? {
            guard let ns, let name else { return nil }
            return .init(namespace: ns, name: name)
        }
        try load(SystemCatalog.pgProc, """
            SELECT p.oid, p.proname,
              (SELECT string_agg(tn.nspname || chr(31) || t.typname, chr(30) ORDER BY a.i)
                 FROM unnest(p.proargtypes) WITH ORDINALITY a(typ, i)
                 JOIN pg_type t ON t.oid = a.typ JOIN pg_namespace tn ON tn.oid = t.typnamespace) AS args
            FROM pg_proc p
            """) { row in
            let args = row["args"].map { $0.split(separator: "\u{1e}", omittingEmptySubsequences: true).map { part -> SortTiebreak.TypeName in
                let pieces = part.split(separator: "\u{1f}", maxSplits: 1, omittingEmptySubsequences: false)
                return .init(namespace: String(pieces[0]), name: String(pieces[1]))
            } } ?? []
            return Info(name: row["proname"]!, tiebreak: SortTiebreak.function(argumentTypes: args))
        }
        try load(SystemCatalog.pgOperator, """
            SELECT o.oid, o.oprname, o.oprkind, ln.nspname AS lns, l.typname AS lt, rn.nspname AS rns, r.typname AS rt
            FROM pg_operator o LEFT JOIN pg_type l ON l.oid = o.oprleft LEFT JOIN pg_namespace ln ON ln.oid = l.typnamespace
              LEFT JOIN pg_type r ON r.oid = o.oprright LEFT JOIN pg_namespace rn ON rn.oid = r.typnamespace
            """) { row in
            Info(name: row["oprname"]!, tiebreak: SortTiebreak.operator(
                kind: Character(row["oprkind"]!), left: type(row["lns"], row["lt"]), right: type(row["rns"], row["rt"])))
        }
        try load(SystemCatalog.pgOpclass, "SELECT c.oid, c.opcname, a.amname FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod") {
            Info(name: $0["opcname"]!, tiebreak: SortTiebreak.accessMethod($0["amname"]!))
        }
        try load(SystemCatalog.pgOpfamily, "SELECT f.oid, f.opfname, a.amname FROM pg_opfamily f JOIN pg_am a ON a.oid = f.opfmethod") {
            Info(name: $0["opfname"]!, tiebreak: SortTiebreak.accessMethod($0["amname"]!))
        }
        try load(SystemCatalog.pgCollation, "SELECT oid, collname, collencoding FROM pg_collation") {
            Info(name: $0["collname"]!, tiebreak: SortTiebreak.collation(encoding: Int($0["collencoding"]!)!))
        }
        try load(SystemCatalog.pgConstraint, """
            SELECT c.oid, c.conname, r.relname, t.typname FROM pg_constraint c
            LEFT JOIN pg_class r ON r.oid = c.conrelid LEFT JOIN pg_type t ON t.oid = c.contypid
            """) { Info(name: $0["conname"]!, tiebreak: SortTiebreak.constraint(domain: $0["typname"], table: $0["relname"])) }
        try load(SystemCatalog.pgTrigger, "SELECT t.oid, t.tgname, r.relname FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid") {
            Info(name: $0["tgname"]!, tiebreak: SortTiebreak.parentTable($0["relname"]!))
        }
        try load(SystemCatalog.pgRewrite, "SELECT w.oid, w.rulename, r.relname FROM pg_rewrite w JOIN pg_class r ON r.oid = w.ev_class") {
            Info(name: $0["rulename"]!, tiebreak: SortTiebreak.parentTable($0["relname"]!))
        }
        try load(SystemCatalog.pgPolicy, "SELECT p.oid, p.polname, r.relname FROM pg_policy p JOIN pg_class r ON r.oid = p.polrelid") {
            Info(name: $0["polname"]!, tiebreak: SortTiebreak.parentTable($0["relname"]!))
        }
        try load(SystemCatalog.pgAttrdef, "SELECT d.oid, r.relname, d.adnum FROM pg_attrdef d JOIN pg_class r ON r.oid = d.adrelid") {
            Info(name: $0["relname"]!, tiebreak: SortTiebreak.attrDef(columnNumber: Int($0["adnum"]!)!))
        }
        try load(SystemCatalog.pgCast, """
            SELECT c.oid, s.typname || ' ' || t.typname AS name FROM pg_cast c
            JOIN pg_type s ON s.oid = c.castsource JOIN pg_type t ON t.oid = c.casttarget
            """) { Info(name: $0["name"]!) }
        try load(SystemCatalog.pgTransform, """
            SELECT x.oid, t.typname || ' ' || l.lanname AS name FROM pg_transform x
            JOIN pg_type t ON t.oid = x.trftype JOIN pg_language l ON l.oid = x.trflang
            """) { Info(name: $0["name"]!) }
        try load(SystemCatalog.pgPublicationRel, """
            SELECT pr.oid, p.pubname, c.relname FROM pg_publication_rel pr
            JOIN pg_publication p ON p.oid = pr.prpubid JOIN pg_class c ON c.oid = pr.prrelid
            """) { Info(name: $0["relname"]!, tiebreak: SortTiebreak.publication($0["pubname"]!)) }
        try load(SystemCatalog.pgPublicationNamespace, """
            SELECT pn.oid, p.pubname, n.nspname FROM pg_publication_namespace pn
            JOIN pg_publication p ON p.oid = pn.pnpubid JOIN pg_namespace n ON n.oid = pn.pnnspid
            """) { Info(name: $0["nspname"]!, tiebreak: SortTiebreak.publication($0["pubname"]!), namespace: .some(nil)) }
        try load(SystemCatalog.pgDefaultAcl, """
            SELECT d.oid, d.defaclobjtype, pg_get_userbyid(d.defaclrole) AS role FROM pg_default_acl d
            """) { Info(name: $0["defaclobjtype"]!, tiebreak: SortTiebreak.defaultACL(role: $0["role"]!)) }
    }

    /// The DumpObject pg_dump had for this entry, as far as the sort sees it.
    func object(for entry: TocEntry, kind: DumpObjectKind) -> DumpObject {
        let id = CatalogId(tableOid: entry.tableOid, oid: entry.oid)
        var name = entry.tag
        var namespace: String? = entry.namespace
        var tiebreak: [String] = []
        if let info = byId[id] {
            name = info.name
            tiebreak = info.tiebreak
            if let ns = info.namespace { namespace = ns }
        } else if kind == .policy {
            // ROW SECURITY: named after its table, and sorted by it
            tiebreak = SortTiebreak.parentTable(entry.tag)
        }
        if kind == .extension || kind == .namespace { namespace = nil }
        let object = DumpObject(kind: kind, catalogId: id, name: name, namespace: namespace)
        object.sortTiebreak = tiebreak
        object.separate = [.rule, .constraint, .fkConstraint].contains(kind) // only separate ones have entries
        if kind == .relStats { object.statisticsSection = entry.section }
        return object
    }
}
