import Foundation
import TestSupport
import XCTest

/// `pgfunnel dumpall -g` must print every statement `pg_dumpall -g` of the same release prints,
/// and its script must rebuild the same globals in a fresh cluster.
final class DumpallTests: XCTestCase {
    static let key = "pgfunnelDumpallTestKey0123456789"

    func pgfunnel(_ server: TestServer, _ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args, environment: server.toolEnvironment())
    }

    /// The script without "--" comment lines (pg_dumpall's header comments differ by release).
    func statements(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("--") }.joined(separator: "\n")
    }

    /// A directory the server's OS user owns (TestServer runs postgres as `pgfunnel` under root).
    func tablespaceDirectory(_ name: String) throws -> String { try Self.makeTablespaceDirectory(name) }

    static func makeTablespaceDirectory(_ name: String) throws -> String {
        let dir = try Fixtures.temporaryDirectory("pgfunnel-dumpall-ts").appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if getuid() == 0, let pw = getpwnam("pgfunnel") {
            var path = dir
            // Every component up to the tablespace must be reachable by the server's user.
            while path != "/" && !path.isEmpty {
                chmod(path, 0o755)
                path = (path as NSString).deletingLastPathComponent
            }
            XCTAssertEqual(chown(dir, pw.pointee.pw_uid, pw.pointee.pw_gid), 0)
        }
        return dir
    }

    func populate(_ server: TestServer, tablespace: String) throws {
        var sql = """
            CREATE ROLE "Alice" LOGIN SUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS CONNECTION LIMIT 5
                VALID UNTIL '2031-02-03 04:05:06+00' PASSWORD 'secret';
            CREATE ROLE bob NOINHERIT LOGIN PASSWORD 'b''s pw';
            CREATE ROLE carol LOGIN CONNECTION LIMIT 0;
            CREATE ROLE grp NOLOGIN;
            CREATE ROLE "grp two";
            COMMENT ON ROLE grp IS 'group''s role';
            COMMENT ON ROLE bob IS 'back\\slash';
            GRANT grp TO bob WITH ADMIN OPTION;
            GRANT "grp two" TO carol;
            GRANT pg_read_all_data TO "Alice";
            ALTER ROLE bob SET search_path = a, "B c";
            ALTER ROLE bob SET work_mem = '8MB';
            ALTER ROLE "Alice" SET statement_timeout = '5s';
            CREATE DATABASE appdb;
            ALTER ROLE carol IN DATABASE appdb SET lock_timeout = '3s';
            GRANT SET ON PARAMETER work_mem TO carol;
            GRANT ALTER SYSTEM ON PARAMETER log_min_duration_statement TO bob WITH GRANT OPTION;
            CREATE TABLESPACE "Fast ts" OWNER bob LOCATION '\(tablespace)' WITH (seq_page_cost = 1.5, random_page_cost = 2);
            COMMENT ON TABLESPACE "Fast ts" IS 'fast disk';
            GRANT CREATE ON TABLESPACE "Fast ts" TO carol;
            GRANT CREATE ON TABLESPACE "Fast ts" TO PUBLIC;
            """
        if server.major >= 16 {
            sql += """

                GRANT grp TO carol WITH INHERIT FALSE, SET FALSE GRANTED BY bob;
                CREATE ROLE zed;
                GRANT "grp two" TO zed WITH ADMIN OPTION;
                -- granted by a member that sorts after the grantee: needs a second pass
                GRANT "grp two" TO "Alice" WITH ADMIN TRUE, INHERIT FALSE GRANTED BY zed;
                GRANT "grp two" TO bob WITH SET FALSE GRANTED BY "Alice";
                """
        } else {
            sql += "\nGRANT grp TO carol;\n"
        }
        try server.psql(sql)
    }

    func pgDumpall(_ server: TestServer, _ args: [String] = ["-g"]) throws -> String {
        let out = try server.runTool("pg_dumpall", args: args + ["--restrict-key", Self.key])
        XCTAssertEqual(out.status, 0, out.stderr.text)
        return out.stdout.text
    }

    func testGlobalsMatchPgDumpallAndReplay() throws {
        var compared = 0
        for major in [15, 16, 17, 18] {
            guard ReferenceTools.hasServer(major: major) else { continue }
            let server = try TestServer.dedicated(major: major)
            defer { server.shutdown() }
            let ts = try tablespaceDirectory("ts\(major)")
            try populate(server, tablespace: ts)

            // Statement for statement equal to pg_dumpall, for each selection option.
            let variants: [[String]] = [["-g"], ["--globals-only", "--no-role-passwords"], ["-r"], ["-t"],
                                        ["-g", "--no-comments", "--no-tablespaces"], ["-g", "-x"]]
            var ours = ""
            for args in variants {
                let expected = try pgDumpall(server, args)
                let got = try pgfunnel(server, ["dumpall"] + args + ["--restrict-key", Self.key])
                XCTAssertEqual(got.status, 0, got.stderr.text)
                XCTAssertEqual(statements(got.stdout.text), statements(expected), "\(major) \(args)")
                if args == ["-g"] {
                    ours = got.stdout.text
                    if ProcessInfo.processInfo.environment["DUMPALL_DEBUG"] != nil { print("=====\(major)\n" + ours) }
                    XCTAssertEqual(got.stdout.text, expected, "\(major): whole -g script incl. comments")
                }
            }
            // -f writes the same script atomically.
            let file = try Fixtures.temporaryDirectory("pgfunnel-dumpall").appendingPathComponent("globals.sql")
            let written = try pgfunnel(server, ["dumpall", "-g", "-f", file.path, "--restrict-key", Self.key])
            XCTAssertEqual(written.status, 0, written.stderr.text)
            XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), ours)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path), ["globals.sql"])

            // Replay into a fresh cluster: the tablespace location must be free, so drop it here first.
            let original = try pgDumpall(server)
            try server.psql("DROP TABLESPACE \"Fast ts\";")
            server.shutdown()
            let fresh = try TestServer.dedicated(major: major)
            defer { fresh.shutdown() }
            let replay = try fresh.runTool("psql", args: ["-X", "-q", "-d", "postgres"], stdin: Data(ours.utf8))
            XCTAssertEqual(replay.status, 0, replay.stderr.text)
            let errors = replay.stderr.text.split(separator: "\n").filter { !$0.contains("role \"postgres\" already exists") }
            XCTAssertEqual(errors, [], "\(major): replay errors")
            XCTAssertEqual(statements(try pgDumpall(fresh)), statements(original), "\(major): replayed cluster differs")
            compared += 1
        }
        if compared == 0 { throw XCTSkip("no PostgreSQL server installed") }
    }

    func testOptionConflicts() throws {
        let r = try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: ["dumpall", "-r", "-t"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.text.contains("cannot be used together"), r.stderr.text)
        let bad = try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: ["dumpall", "-g", "--restrict-key", "a-b"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.text.contains("invalid restrict key"), bad.stderr.text)
    }
}
