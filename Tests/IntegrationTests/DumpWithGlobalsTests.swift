import Foundation
import TestSupport
import XCTest

/// `pgfunnel dump --with-globals` and `restore --no-globals`, judged by the real pg_restore:
/// the globals are listed first, pg_restore 15 replays them into a fresh cluster (so objects keep
/// their non-superuser owners), and without them the script is a plain dump's.
final class DumpWithGlobalsTests: XCTestCase {
    static let key = "pgfunnelWithGlobalsKey0123456789"

    func pgfunnel(_ server: TestServer, _ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args, environment: server.toolEnvironment())
    }

    /// Entry lines of a `-l` listing (comment lines dropped).
    func entryLines(_ listing: String) -> [String] {
        listing.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(";") && !$0.isEmpty }
    }

    /// "dumpId; tableoid oid DESC ..." -> (dumpId, tableoid, desc-and-rest).
    func fields(_ line: String) -> (id: Int, tableOid: String, rest: String) {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        return (Int(parts[0].dropLast()) ?? -1, parts[1], parts[3])
    }

    func testWithGlobalsListReplayAndNoGlobals() throws {
        guard ReferenceTools.hasServer(major: 15) else { throw XCTSkip("PostgreSQL 15 not installed") }
        let server = try TestServer.dedicated(major: 15)
        defer { server.shutdown() }
        let tsDir = try DumpallTests.makeTablespaceDirectory("with-globals-ts")
        try server.psql("""
            CREATE ROLE app_owner LOGIN PASSWORD 'owner pw' CONNECTION LIMIT 7;
            -- The bootstrap superuser exists in the fresh cluster too: its CREATE ROLE fails there,
            -- its ALTER ROLE (its own entry) must still bring this over.
            ALTER ROLE postgres WITH CONNECTION LIMIT 90;
            CREATE ROLE "Read Only" NOLOGIN;
            CREATE ROLE auditor LOGIN VALID UNTIL '2031-01-01 00:00:00+00';
            GRANT "Read Only" TO auditor;
            GRANT "Read Only" TO app_owner WITH ADMIN OPTION;
            ALTER ROLE app_owner SET work_mem = '8MB';
            ALTER ROLE auditor SET search_path = audit, public;
            COMMENT ON ROLE "Read Only" IS 'may only read';
            CREATE TABLESPACE extra_ts OWNER app_owner LOCATION '\(tsDir)' WITH (random_page_cost = 1.1);
            COMMENT ON TABLESPACE extra_ts IS 'second disk';
            GRANT CREATE ON TABLESPACE extra_ts TO auditor;
            CREATE DATABASE appdb OWNER app_owner;
            """)
        try server.psql("""
            SET ROLE app_owner;
            CREATE TABLE public.items (id int PRIMARY KEY, name text);
            INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
            GRANT SELECT ON public.items TO "Read Only";
            """, database: "appdb")
        let dir = try Fixtures.temporaryDirectory("pgfunnel-with-globals")
        let archive = dir.appendingPathComponent("app.dump").path
        let plain = dir.appendingPathComponent("plain.dump").path
        var r = try pgfunnel(server, ["dump", "--with-globals", "-f", archive, "appdb"])
        XCTAssertEqual(r.status, 0, r.stderr.text)
        r = try pgfunnel(server, ["dump", "-f", plain, "appdb"])
        XCTAssertEqual(r.status, 0, r.stderr.text)
        let originalGlobals = try server.runTool("pg_dumpall", args: ["-g", "--restrict-key", Self.key])
        XCTAssertEqual(originalGlobals.status, 0, originalGlobals.stderr.text)

        // (a) Both listings agree and start with the globals, dump ids 1..n, in pg_dumpall's order.
        let theirsList = try server.runTool("pg_restore", args: ["-l", archive])
        XCTAssertEqual(theirsList.status, 0, theirsList.stderr.text)
        XCTAssertEqual(theirsList.stderr.text, "")
        let oursList = try pgfunnel(server, ["restore", "-l", archive])
        XCTAssertEqual(oursList.status, 0, oursList.stderr.text)
        XCTAssertEqual(oursList.stdout.text, theirsList.stdout.text)
        let lines = entryLines(theirsList.stdout.text)
        let sharedCatalogs: Set<String> = ["1260", "1261", "1213", "6243"]
        let globalCount = lines.prefix { sharedCatalogs.contains(fields($0).tableOid) }.count
        XCTAssertEqual(lines.filter { sharedCatalogs.contains(fields($0).tableOid) }.count, globalCount, "globals are contiguous")
        XCTAssertEqual(lines.prefix(globalCount).map { fields($0).id }, Array(1...globalCount))
        let globalRest = lines.prefix(globalCount).map { fields($0).rest }
        XCTAssertEqual(globalRest.first, "ROLE - Read Only ", "roles sorted by name, as pg_dumpall does")
        for expected in ["ROLE - app_owner ", "ROLE ATTRIBUTES - app_owner ", "COMMENT - ROLE \"Read Only\" ",
                         "ROLE SETTINGS - auditor ", "ROLE MEMBERSHIP - Read Only TO auditor ", "TABLESPACE - extra_ts ",
                         "TABLESPACE OPTIONS - extra_ts ", "ACL - TABLESPACE extra_ts ", "COMMENT - TABLESPACE extra_ts "] {
            XCTAssertTrue(globalRest.contains(expected), "missing \(expected) in \(globalRest)")
        }
        XCTAssertGreaterThan(fields(lines[globalCount]).id, globalCount, lines[globalCount])
        let noGlobalsList = try pgfunnel(server, ["restore", "-l", "--no-globals", archive])
        XCTAssertEqual(entryLines(noGlobalsList.stdout.text), Array(lines.dropFirst(globalCount)))

        // The real pg_restore 15 and 18 print them without warnings, exactly as pgfunnel does.
        let ourScript = try pgfunnel(server, ["restore", "-f", "-", "--restrict-key", Self.key, archive])
        XCTAssertEqual(ourScript.status, 0, ourScript.stderr.text)
        for major in [15, 18] where ReferenceTools.binary("pg_restore", major: major) != nil {
            let out = try ProcessRunner.run(executable: ReferenceTools.binary("pg_restore", major: major)!,
                                            arguments: ["-f", "-", "--restrict-key", Self.key, archive],
                                            environment: server.toolEnvironment())
            XCTAssertEqual(out.status, 0, out.stderr.text)
            XCTAssertEqual(out.stderr.text, "", "pg_restore \(major) warns")
            if major == 15 { XCTAssertEqual(ourScript.stdout.text, out.stdout.text) }
            XCTAssertTrue(out.stdout.text.contains("CREATE ROLE app_owner;\n"))
            XCTAssertFalse(out.stdout.text.contains("OWNER TO app_owner;\n\n\n--\n-- Name: app_owner"))
        }
        // Selections leave them out as pg_restore's rules for namespace-less entries say.
        for args in [["-n", "public"], ["-t", "items"], ["--section", "data"], ["-a"]] {
            let theirs = try server.runTool("pg_restore", args: ["-l"] + args + [archive])
            XCTAssertFalse(entryLines(theirs.stdout.text).contains { sharedCatalogs.contains(fields($0).tableOid) }, "\(args)")
            let ours = try pgfunnel(server, ["restore", "-l"] + args + [archive])
            XCTAssertEqual(ours.stdout.text, theirs.stdout.text, "\(args)")
        }

        // (c) Without the globals the script is the plain dump's, and pg_restore -L's of the same archive.
        let withoutGlobals = try pgfunnel(server, ["restore", "--no-globals", "-f", "-", "--restrict-key", Self.key, archive])
        XCTAssertEqual(withoutGlobals.status, 0, withoutGlobals.stderr.text)
        let plainScript = try pgfunnel(server, ["restore", "-f", "-", "--restrict-key", Self.key, plain])
        XCTAssertEqual(withoutGlobals.stdout.text, plainScript.stdout.text)
        let useList = dir.appendingPathComponent("no-globals.list")
        try (lines.dropFirst(globalCount).joined(separator: "\n") + "\n").write(to: useList, atomically: true, encoding: .utf8)
        let theirsFiltered = try server.runTool("pg_restore", args: ["-L", useList.path, "-f", "-", "--restrict-key", Self.key, archive])
        XCTAssertEqual(theirsFiltered.status, 0, theirsFiltered.stderr.text)
        XCTAssertEqual(withoutGlobals.stdout.text, theirsFiltered.stdout.text)
        XCTAssertFalse(withoutGlobals.stdout.text.contains("CREATE ROLE"))

        // (b) The real pg_restore 15 -C into a fresh cluster: the tablespace's directory must be
        // free, so the original gives it up first.
        try server.psql("DROP DATABASE appdb; DROP TABLESPACE extra_ts;")
        server.shutdown()
        let fresh = try TestServer.dedicated(major: 15)
        defer { fresh.shutdown() }
        let restored = try fresh.runTool("pg_restore", args: ["-C", "-d", "postgres", archive])
        // The only error: the bootstrap superuser exists in every cluster (as with pg_dumpall's script).
        let errors = restored.stderr.text.split(separator: "\n").filter { $0.contains("error:") }
        XCTAssertEqual(errors.count, 1, restored.stderr.text)
        XCTAssertTrue(errors.first?.contains("could not execute query: ERROR:  role \"\(fresh.user)\" already exists") ?? false,
                      restored.stderr.text)
        XCTAssertTrue(restored.stderr.text.contains("errors ignored on restore: 1"), restored.stderr.text)
        XCTAssertEqual(restored.status, 1)
        XCTAssertEqual(try fresh.psql("SELECT tableowner, (SELECT count(*) FROM public.items) FROM pg_tables WHERE tablename = 'items'",
                                      database: "appdb"), "app_owner|500\n")
        XCTAssertEqual(try fresh.psql("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'appdb'"),
                       "app_owner\n")
        let freshGlobals = try fresh.runTool("pg_dumpall", args: ["-g", "--restrict-key", Self.key])
        XCTAssertEqual(freshGlobals.stdout.text, originalGlobals.stdout.text, "replayed globals differ")
        // pgfunnel restore -d: with the globals every role exists already (errors counted, exit 1);
        // --no-globals skips them and restores cleanly.
        try fresh.createDatabase("again")
        let replayed = try pgfunnel(fresh, ["restore", "-d", "again", archive])
        XCTAssertEqual(replayed.status, 1)
        XCTAssertTrue(replayed.stderr.text.contains("role \"app_owner\" already exists"), replayed.stderr.text)
        try fresh.dropDatabase("again")
        try fresh.createDatabase("again")
        let clean = try pgfunnel(fresh, ["restore", "--no-globals", "-d", "again", archive])
        XCTAssertEqual(clean.status, 0, clean.stderr.text)
        XCTAssertEqual(clean.stderr.text, "")
        XCTAssertEqual(try fresh.psql("SELECT tableowner FROM pg_tables WHERE tablename = 'items'", database: "again"), "app_owner\n")
        // The membership came back: auditor reads through "Read Only".
        XCTAssertEqual(try fresh.psql("SET ROLE auditor; SELECT count(*) FROM public.items", database: "appdb"), "500\n")
    }
}
