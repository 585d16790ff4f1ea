import Archive
import Foundation
import Postgres
import TestSupport
import XCTest

/// The data phase sends consecutive tables' COPY statements in batches (TableDataBatch): each
/// table still gets its own data block with pg_dump's bytes, and a COPY failing in the middle of
/// a batch stops the dump with that table's name and leaves no archive.
final class DumpCopyBatchTests: XCTestCase {
    func pgfunnel(_ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args, environment: nil)
    }

    /// 450 tables (more than two full batches), empty, small and one larger, in one database.
    static let manyTablesSQL = """
        DO $$ BEGIN
          FOR i IN 1..450 LOOP
            EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', lpad(i::text, 3, '0'));
            EXECUTE format('INSERT INTO t%s SELECT g, repeat(%L, g) FROM generate_series(1, %s) g',
                           lpad(i::text, 3, '0'), chr(97 + i % 26), i % 4);
          END LOOP;
        END $$;
        INSERT INTO t201 SELECT g, md5(g::text) FROM generate_series(10, 50000) g;
        """

    func testBatchedTablesHaveTheDataPgDumpWrites() throws {
        for major in [15, 18] where ReferenceTools.hasServer(major: major) {
            let server = try TestServer.shared(major: major)
            let db = try server.freshDatabase(prefix: "copybatch")
            defer { try? server.dropDatabase(db) }
            _ = try server.psql(Self.manyTablesSQL, database: db)
            let dir = try Fixtures.temporaryDirectory("dump-copybatch")
            defer { try? FileManager.default.removeItem(at: dir) }
            let ours = dir.appendingPathComponent("ours.dump").path
            let theirs = dir.appendingPathComponent("theirs.dump").path
            let dumped = try pgfunnel(["dump", "-d", server.conninfo(database: db), "-f", ours])
            XCTAssertEqual(dumped.status, 0, dumped.stderr.text)
            XCTAssertEqual(try server.runTool("pg_dump", args: ["-Fc", "-f", theirs, "-d", server.conninfo(database: db)]).status, 0)
            let a = try server.runTool("pg_restore", args: ["-a", "-f", "-", "--restrict-key", "K", ours]).stdout.text
            let b = try server.runTool("pg_restore", args: ["-a", "-f", "-", "--restrict-key", "K", theirs]).stdout.text
            let strip = { (s: String) in s.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") } }
            XCTAssertTrue(strip(a) == strip(b), "\(major): data-only scripts differ")
            XCTAssertGreaterThan(a.count, 1_000_000)
            let verified = try pgfunnel(["verify", ours])
            XCTAssertEqual(verified.status, 0, verified.stdout.text + verified.stderr.text)
        }
    }

    /// A table under FORCE ROW LEVEL SECURITY, owned by the (non-superuser) dumping role: its COPY
    /// fails with row_security off, as pg_dump's would, while the tables around it in the same
    /// batch are fine.
    func testFailingCopyInTheMiddleOfABatchNamesTheTableAndLeavesNoArchive() throws {
        let server = try TestServer.shared(major: 15)
        let db = try server.freshDatabase(prefix: "copybatchfail")
        defer { try? server.dropDatabase(db) }
        _ = try? server.psql("CREATE ROLE batch_owner LOGIN")
        _ = try server.psql("""
            GRANT CREATE ON SCHEMA public TO batch_owner;
            SET ROLE batch_owner;
            DO $$ BEGIN
              FOR i IN 1..30 LOOP
                EXECUTE format('CREATE TABLE t%s (id int)', lpad(i::text, 2, '0'));
                EXECUTE format('INSERT INTO t%s VALUES (%s)', lpad(i::text, 2, '0'), i);
              END LOOP;
            END $$;
            ALTER TABLE t15 ENABLE ROW LEVEL SECURITY;
            ALTER TABLE t15 FORCE ROW LEVEL SECURITY;
            CREATE POLICY only_some ON t15 USING (id > 0);
            """, database: db)
        let dir = try Fixtures.temporaryDirectory("dump-copybatchfail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try pgfunnel(["dump", "-n", "public", "-d", server.conninfo(database: db) + " user=batch_owner",
                                   "-f", dir.appendingPathComponent("x.dump").path])
        XCTAssertEqual(result.status, 1, result.stderr.text)
        XCTAssertTrue(result.stderr.text.contains("COPY public.t15 (id) TO stdout;"), result.stderr.text)
        XCTAssertTrue(result.stderr.text.contains("row-level security"), result.stderr.text)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], result.stderr.text)
    }
}
