import Archive
import Catalog
import DDL
@testable import Dump
import Foundation
import Postgres
import TestSupport
import XCTest

/// Compares our ACL, DEFAULT ACL and large-object entries with pg_dump's for the fixture
/// database on servers 15 and 18 (pg_dump of the same major). Objects are read here with one
/// bulk query per kind, standing in for the other providers, and handed to `emitACL` with the
/// conventions documented there.
final class PrivilegesOracleTests: XCTestCase {
    /// The fixture database on every installed server, dumped by that server's pg_dump.
    func testACLEntriesMatchPgDump() throws {
        var report: [String] = []
        var failures: [String] = []
        for major in [15, 16, 17, 18] where ReferenceTools.hasServer(major: major) {
            let server = try TestServer.shared(major: major)
            let db = try Self.fixtureDatabase(server)
            try runOracle(server: server, database: db, dumpMajor: major, report: &report, failures: &failures)
        }
        if report.isEmpty { throw XCTSkip("no PostgreSQL server installed") }
        print(report.joined(separator: "\n"))
        XCTAssertTrue(failures.isEmpty, (report + ["MISMATCHES:"] + failures).joined(separator: "\n"))
    }

    /// A newer pg_dump on an older server: the pg_dump release decides the text (MAINTAIN,
    /// spacing, large-object grouping), the server the catalog contents.
    func testNewerPgDumpOnOlderServer() throws {
        guard ReferenceTools.hasServer(major: 15) else { throw XCTSkip("PostgreSQL 15 is not installed") }
        let server = try TestServer.shared(major: 15)
        let db = try Self.fixtureDatabase(server)
        try server.psql("CREATE TABLE fx.all_granted (a int); GRANT ALL ON fx.all_granted TO fixture_reader;", database: db)
        var report: [String] = []
        var failures: [String] = []
        for dumpMajor in [16, 17, 18] where ReferenceTools.binary("pg_dump", major: dumpMajor) != nil {
            try runOracle(server: server, database: db, dumpMajor: dumpMajor, report: &report, failures: &failures)
        }
        print(report.joined(separator: "\n"))
        XCTAssertTrue(failures.isEmpty, (report + ["MISMATCHES:"] + failures).joined(separator: "\n"))
    }

    /// Many large objects: groups of 1000 with one "LARGE OBJECTS a..b" ACL entry in 17+, one
    /// entry per object before; several owners and ACLs.
    func testManyLargeObjects() throws {
        var report: [String] = []
        var failures: [String] = []
        for major in [15, 18] where ReferenceTools.hasServer(major: major) {
            let server = try TestServer.shared(major: major)
            let roles = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-roles.sql"), encoding: .utf8)
            _ = try? server.psql(roles)
            let db = try server.freshDatabase(prefix: "acl_lo")
            try server.psql(#"""
                SELECT pg_catalog.lo_create(g) FROM generate_series(100000, 101002) g;
                DO $$ BEGIN
                  FOR i IN 100000..101002 LOOP
                    EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO fixture_reader', i);
                  END LOOP;
                END $$;
                SELECT pg_catalog.lo_from_bytea(g, convert_to(repeat('x', g - 199990), 'UTF8')) FROM generate_series(200000, 200004) g;
                ALTER LARGE OBJECT 200001 OWNER TO fixture_app;
                ALTER LARGE OBJECT 200002 OWNER TO fixture_app;
                COMMENT ON LARGE OBJECT 200002 IS 'second of a group';
                SELECT pg_catalog.lo_from_bytea(300000, pg_catalog.decode(repeat('00ff', 300000), 'hex'));
                """#, database: db)
            if major >= 18 {
                // PostgreSQL 18's default privileges for large objects (defaclobjtype 'L').
                try server.psql("ALTER DEFAULT PRIVILEGES FOR ROLE fixture_app GRANT SELECT ON LARGE OBJECTS TO fixture_reader;", database: db)
            }
            try runOracle(server: server, database: db, dumpMajor: major, report: &report, failures: &failures)
        }
        if report.isEmpty { throw XCTSkip("no PostgreSQL 15 or 18 installed") }
        print(report.joined(separator: "\n"))
        XCTAssertTrue(failures.isEmpty, (report + ["MISMATCHES:"] + failures).joined(separator: "\n"))
    }

    static func fixtureDatabase(_ server: TestServer) throws -> String {
        let roles = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-roles.sql"), encoding: .utf8)
        _ = try? server.psql(roles)
        let db = try server.freshDatabase(prefix: "acl")
        let fixture = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-db.sql"), encoding: .utf8)
        try server.psql(fixture, database: db)
        return db
    }

    /// Dumps `database` with pg_dump `dumpMajor`, emits our entries for the same database and
    /// compares them; appends per-kind match counts to `report`.
    func runOracle(server: TestServer, database db: String, dumpMajor major: Int, report: inout [String], failures: inout [String]) throws {
        let dir = try Fixtures.temporaryDirectory("acl-oracle")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ref.dump").path
        guard let pgDump = ReferenceTools.binary("pg_dump", major: major) else { return }
        let dump = try ProcessRunner.run(executable: pgDump, arguments: ["-Fc", "-f", path, "-d", server.conninfo(database: db)],
                                         stdin: nil, environment: server.toolEnvironment())
        XCTAssertEqual(dump.status, 0, dump.stderr.text)
        let theirs = try ArchiveReader(path: path).entries.filter(Self.isOurs)

        let connection = try server.connect(database: db)
        defer { connection.close() }
        try PgDumpSession.begin(connection)
        let version = Int(try connection.query("SHOW server_version_num")[0, 0] ?? "") ?? 0
        let render = RenderContext(serverVersion: version, pgDumpMajor: major)
        let graph = DumpGraph()
        let emitter = DumpEmitter(graph: graph, context: render)
        let metadata = try ObjectMetadata.load(connection: connection)
        let provider = ProviderContext(connection: connection, render: render, selection: DumpSelection(),
                                       metadata: metadata, graph: graph)
        try emitObjectACLs(connection, emitter)
        try DefaultPrivilegesProvider.load(provider)
        try LargeObjectsProvider.load(provider)
        for object in graph.objects { try object.emit?(emitter, object) }
        let ours = emitter.entries.filter(Self.isOurs)

        // The BLOBS contents: our data source must write what pg_dump wrote.
        let count = try compareLargeObjectData(ours: emitter, theirsPath: path, dir: dir, failures: &failures, major: major)

        let (lines, problems) = Self.compare(ours: ours, theirs: theirs)
        report.append("server \(version / 10000), pg_dump \(major), database \(db) (\(count) large objects' contents compared):")
        report += lines.map { "  " + $0 }
        failures += problems.map { "[server \(version / 10000), pg_dump \(major)] " + $0 }
        try connection.execute("COMMIT")
    }

    static func isOurs(_ e: TocEntry) -> Bool {
        ["ACL", "DEFAULT ACL", "BLOB", "BLOB METADATA", "BLOBS"].contains(e.desc)
            || (["COMMENT", "SECURITY LABEL"].contains(e.desc) && e.tag.hasPrefix("LARGE OBJECT "))
    }

    struct Key: Hashable { var desc: String; var namespace: String; var tag: String }

    /// "ACL TABLE", "ACL COLUMN", "DEFAULT ACL", "BLOB", ... for the per-kind counts.
    static func group(_ e: TocEntry) -> String {
        guard e.desc == "ACL" || e.desc == "COMMENT" else { return e.desc }
        for prefix in ["LARGE OBJECTS", "LARGE OBJECT", "FOREIGN DATA WRAPPER", "FOREIGN SERVER"] where e.tag.hasPrefix(prefix + " ") {
            return "\(e.desc) \(prefix)"
        }
        return "\(e.desc) \(e.tag.prefix { $0 != " " })"
    }

    static func compare(ours: [TocEntry], theirs: [TocEntry]) -> (lines: [String], problems: [String]) {
        func key(_ e: TocEntry) -> Key { Key(desc: e.desc, namespace: e.namespace ?? "", tag: e.tag) }
        var mine: [Key: TocEntry] = [:]
        var problems: [String] = []
        for e in ours {
            if mine[key(e)] != nil { problems.append("duplicate entry of ours: \(e.label)") }
            mine[key(e)] = e
        }
        var totals: [String: (matched: Int, total: Int)] = [:]
        var seen = Set<Key>()
        for t in theirs {
            let g = group(t)
            totals[g, default: (0, 0)].total += 1
            guard let o = mine[key(t)] else { problems.append("missing: \(t.label)"); continue }
            seen.insert(key(t))
            let fields: [(String, String?, String?)] = [
                ("owner", o.owner, t.owner), ("section", o.section.name, t.section.name),
                ("defn", o.definition, t.definition), ("drop", o.dropStatement, t.dropStatement),
                ("copy", o.copyStatement, t.copyStatement), ("tablespace", o.tablespace, t.tablespace),
                ("tableam", o.tableAccessMethod, t.tableAccessMethod),
            ]
            let diffs = fields.filter { ($0.1 ?? "") != ($0.2 ?? "") }
            if diffs.isEmpty {
                totals[g]!.matched += 1
            } else {
                problems.append("\(t.label): " + diffs.map { "\($0.0): ours \(String(reflecting: $0.1 ?? "")) theirs \(String(reflecting: $0.2 ?? ""))" }.joined(separator: "; "))
            }
        }
        for o in ours where !seen.contains(key(o)) { problems.append("extra: \(o.label)") }
        let lines = totals.keys.sorted().map { "\($0): \(totals[$0]!.matched)/\(totals[$0]!.total)" }
        return (lines, problems)
    }

    /// Writes our BLOBS entries into a scratch archive and compares every large object's bytes
    /// with pg_dump's archive.
    @discardableResult
    func compareLargeObjectData(ours emitter: DumpEmitter, theirsPath: String, dir: URL, failures: inout [String], major: Int) throws -> Int {
        let reference = try ArchiveReader(path: theirsPath)
        var expected: [UInt32: [UInt8]] = [:]
        for e in reference.entries where e.desc == "BLOBS" {
            try Self.collect(reference, e, into: &expected)
        }
        let outPath = dir.appendingPathComponent("ours.dump").path
        let entries = emitter.entries.filter { $0.desc == "BLOBS" }
        let writer = try ArchiveWriter(output: OutputFile(path: outPath), header: reference.header, entries: entries)
        for e in entries { try emitter.dataSources[e.dumpId]!.write(to: writer) }
        try writer.finish()
        let mine = try ArchiveReader(path: outPath)
        var actual: [UInt32: [UInt8]] = [:]
        for e in mine.entries where e.desc == "BLOBS" { try Self.collect(mine, e, into: &actual) }
        if actual != expected {
            failures.append("[\(major)] large object contents differ: ours \(actual.mapValues(\.count)) theirs \(expected.mapValues(\.count))")
        }
        return expected.count
    }

    static func collect(_ reader: ArchiveReader, _ entry: TocEntry, into result: inout [UInt32: [UInt8]]) throws {
        var current: UInt32?
        try reader.readData(of: entry) { event in
            switch event {
            case .largeObjectStart(let oid): current = oid; result[oid] = []
            case .bytes(let bytes): if let c = current { result[c]! += Array(bytes) }
            case .largeObjectEnd: current = nil
            }
        }
    }

    // MARK: objects with ACLs (stand-ins for the other providers)

    /// Emits the ACL entries of schemas, types, languages, functions, tables, columns, FDWs and
    /// servers, selected the way a full pg_dump selects them: objects outside the system
    /// schemas, plus extension members (whose ACLs are dumped relative to pg_init_privs).
    func emitObjectACLs(_ connection: Connection, _ emitter: DumpEmitter) throws {
        let ctx = emitter.context
        let initial = try InitialPrivileges.load(connection)
        let memberOfExtension = """
            EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = %@::pg_catalog.regclass
                    AND d.objid = x.oid AND d.deptype = 'e')
            """
        func userObject(_ catalog: String, _ nsColumn: String) -> String {
            "((SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = x.\(nsColumn)) !~ '^(pg_|information_schema$)' OR "
                + memberOfExtension.replacingOccurrences(of: "%@", with: "'\(catalog)'") + ")"
        }
        func initPrivs(_ table: UInt32, _ oid: String?, _ sub: Int = 0) -> String? {
            oid.flatMap(UInt32.init).flatMap { initial.initPrivileges(for: CatalogId(tableOid: table, oid: $0), subid: sub) }
        }
        var parent = 1_000_000

        // Schemas (getNamespaces): public's start is synthesized, never pg_init_privs'.
        for r in try connection.query("""
            SELECT x.oid, x.nspname, pg_catalog.pg_get_userbyid(x.nspowner), x.nspacl, pg_catalog.acldefault('n', x.nspowner)
            FROM pg_catalog.pg_namespace x
            WHERE x.nspname !~ '^(pg_|information_schema$)' OR \(memberOfExtension.replacingOccurrences(of: "%@", with: "'pg_namespace'"))
            ORDER BY x.oid
            """) {
            let name = r[1]!, owner = r[2]!
            let start = name == "public" ? ACLCommands.publicSchemaInitPrivileges(owner: owner) : initPrivs(SystemCatalog.pgNamespace, r[0])
            parent += 1
            try emitter.emitACL(type: "SCHEMA", name: ctx.id(name), subname: nil, namespace: nil, owner: owner,
                                acl: r[3], defaultACL: r[4], initPrivileges: start, parent: parent)
        }

        // Types (getTypes): not array types, not relations' row types.
        for r in try connection.query("""
            SELECT x.oid, x.typname, n.nspname, pg_catalog.pg_get_userbyid(x.typowner), x.typacl, pg_catalog.acldefault('T', x.typowner)
            FROM pg_catalog.pg_type x JOIN pg_catalog.pg_namespace n ON n.oid = x.typnamespace
            WHERE NOT (x.typelem <> 0 AND x.typlen = -1 AND x.typtype = 'b' AND x.typsubscript = 'array_subscript_handler'::pg_catalog.regproc)
              AND (x.typrelid = 0 OR (SELECT relkind FROM pg_catalog.pg_class WHERE oid = x.typrelid) = 'c')
              AND x.typtype <> 'm' AND \(userObject("pg_type", "typnamespace"))
            ORDER BY x.oid
            """) {
            parent += 1
            try emitter.emitACL(type: "TYPE", name: ctx.id(r[1]!), subname: nil, namespace: r[2], owner: r[3],
                                acl: r[4], defaultACL: r[5], initPrivileges: initPrivs(SystemCatalog.pgType, r[0]), parent: parent)
        }

        // Procedural languages (getProcLangs); only trusted ones get ACLs (dumpProcLang).
        for r in try connection.query("""
            SELECT x.oid, x.lanname, pg_catalog.pg_get_userbyid(x.lanowner), x.lanacl, pg_catalog.acldefault('l', x.lanowner)
            FROM pg_catalog.pg_language x WHERE x.lanispl AND x.lanpltrusted ORDER BY x.oid
            """) {
            parent += 1
            try emitter.emitACL(type: "LANGUAGE", name: ctx.id(r[1]!), subname: nil, namespace: nil, owner: r[2],
                                acl: r[3], defaultACL: r[4], initPrivileges: initPrivs(SystemCatalog.pgLanguage, r[0]), parent: parent)
        }

        // Functions, procedures and aggregates (getFuncs / getAggregates).
        for r in try connection.query("""
            SELECT x.oid, x.proname, n.nspname, pg_catalog.pg_get_userbyid(x.proowner), x.proacl,
                   pg_catalog.acldefault('f', x.proowner), x.prokind,
                   pg_catalog.pg_get_function_identity_arguments(x.oid),
                   (SELECT pg_catalog.string_agg(pg_catalog.format_type(t, NULL), ', ' ORDER BY i)
                    FROM pg_catalog.unnest(x.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS a(t, i))
            FROM pg_catalog.pg_proc x JOIN pg_catalog.pg_namespace n ON n.oid = x.pronamespace
            WHERE \(userObject("pg_proc", "pronamespace"))
            ORDER BY x.oid
            """) {
            let kind = r[6]!
            let signature: String
            if kind == "a" {
                signature = ctx.id(r[1]!) + "(" + (r[8] ?? "*") + ")"
            } else {
                signature = ctx.id(r[1]!) + "(" + (r[7] ?? "") + ")"
            }
            parent += 1
            try emitter.emitACL(type: kind == "p" ? "PROCEDURE" : "FUNCTION", name: signature, subname: nil, namespace: r[2],
                                owner: r[3], acl: r[4], defaultACL: r[5], initPrivileges: initPrivs(SystemCatalog.pgProc, r[0]),
                                parent: parent)
        }

        // Relations (getTables) and their columns (dumpTable's column ACL query, in bulk).
        let columns = try connection.query("""
            SELECT a.attrelid, a.attname, a.attacl, pip.initprivs
            FROM pg_catalog.pg_attribute a
            LEFT JOIN pg_catalog.pg_init_privs pip ON a.attrelid = pip.objoid
                 AND pip.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND a.attnum = pip.objsubid
            WHERE NOT a.attisdropped AND (a.attacl IS NOT NULL OR pip.initprivs IS NOT NULL)
            ORDER BY a.attrelid, a.attnum
            """)
        var columnsByTable: [String: [(String, String?, String?)]] = [:]
        for c in columns { columnsByTable[c[0]!, default: []].append((c[1]!, c[2], c[3])) }
        for r in try connection.query("""
            SELECT x.oid, x.relname, n.nspname, pg_catalog.pg_get_userbyid(x.relowner), x.relacl,
                   pg_catalog.acldefault(CASE WHEN x.relkind = 'S' THEN 's'::"char" ELSE 'r'::"char" END, x.relowner), x.relkind
            FROM pg_catalog.pg_class x JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace
            WHERE x.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND \(userObject("pg_class", "relnamespace"))
            ORDER BY x.oid
            """) {
            parent += 1
            let name = ctx.id(r[1]!)
            let tableACL = try emitter.emitACL(type: r[6] == "S" ? "SEQUENCE" : "TABLE", name: name, subname: nil,
                                               namespace: r[2], owner: r[3], acl: r[4], defaultACL: r[5],
                                               initPrivileges: initPrivs(SystemCatalog.pgClass, r[0]), parent: parent)
            for (attname, attacl, initprivs) in columnsByTable[r[0]!] ?? [] {
                try emitter.emitACL(type: "TABLE", name: name, subname: ctx.id(attname), namespace: r[2], owner: r[3],
                                    acl: attacl, defaultACL: "{}", initPrivileges: initprivs, parent: parent,
                                    extraDependencies: tableACL.map { [$0] } ?? [])
            }
        }

        // Foreign-data wrappers and servers (getForeignDataWrappers / getForeignServers).
        for r in try connection.query("""
            SELECT x.oid, x.fdwname, pg_catalog.pg_get_userbyid(x.fdwowner), x.fdwacl, pg_catalog.acldefault('F', x.fdwowner)
            FROM pg_catalog.pg_foreign_data_wrapper x ORDER BY x.oid
            """) {
            parent += 1
            try emitter.emitACL(type: "FOREIGN DATA WRAPPER", name: ctx.id(r[1]!), subname: nil, namespace: nil, owner: r[2],
                                acl: r[3], defaultACL: r[4], initPrivileges: initPrivs(SystemCatalog.pgForeignDataWrapper, r[0]),
                                parent: parent)
        }
        for r in try connection.query("""
            SELECT x.oid, x.srvname, pg_catalog.pg_get_userbyid(x.srvowner), x.srvacl, pg_catalog.acldefault('S', x.srvowner)
            FROM pg_catalog.pg_foreign_server x ORDER BY x.oid
            """) {
            parent += 1
            try emitter.emitACL(type: "FOREIGN SERVER", name: ctx.id(r[1]!), subname: nil, namespace: nil, owner: r[2],
                                acl: r[3], defaultACL: r[4], initPrivileges: initPrivs(SystemCatalog.pgForeignServer, r[0]),
                                parent: parent)
        }
    }
}

/// pg_dump's setup_connection session settings and snapshot, for tests that read the catalog
/// the way pg_dump does.
enum PgDumpSession {
    static func begin(_ connection: Connection) throws {
        try connection.execute("""
            SET DATESTYLE = ISO; SET INTERVALSTYLE = POSTGRES; SET extra_float_digits TO 3;
            SET synchronize_seqscans TO off; SET statement_timeout = 0; SET lock_timeout = 0;
            SET idle_in_transaction_session_timeout = 0; SET row_security = off;
            SELECT pg_catalog.set_config('search_path', '', false);
            """)
        // Its own statement: a multi-statement string is one implicit transaction.
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    }
}
