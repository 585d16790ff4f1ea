import Archive
import Foundation
import TestSupport
import XCTest

/// `restore -d` shortens deadlock_timeout in its own sessions (so that an autovacuum worker on a
/// freshly loaded table is cancelled at once when ADD PRIMARY KEY or CREATE INDEX needs the table)
/// when it may: only a superuser can set it. Scripts never show it.
final class RestoreSessionTests: XCTestCase {
    func pgfunnel(_ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args)
    }

    /// An archive whose two entries record the session's deadlock_timeout in a table each: one
    /// pre-data (the leader runs it), one post-data (a -j worker runs it).
    func probeArchive(_ dir: URL) throws -> String {
        let header = try ArchiveReader(path: Fixtures.archiveDirectory.appendingPathComponent("pg15-gzip.dump").path).header
        let probe = TocEntry(dumpId: 1, tag: "probe", desc: "TABLE", section: .preData,
                             definition: "CREATE TABLE public.probe AS SELECT pg_catalog.current_setting('deadlock_timeout') AS v;\n",
                             dropStatement: "DROP TABLE public.probe;\n", namespace: "public")
        let post = TocEntry(dumpId: 2, tag: "probe_post", desc: "INDEX", section: .postData,
                            definition: "CREATE TABLE public.probe_post AS SELECT pg_catalog.current_setting('deadlock_timeout') AS v;\n",
                            namespace: "public", dependencies: [1])
        let path = dir.appendingPathComponent("probe.dump").path
        let writer = try ArchiveWriter(output: OutputFile(path: path), header: header, entries: [probe, post])
        try writer.finish()
        return path
    }

    func testDeadlockTimeoutIsShortInDatabaseSessionsOnly() throws {
        let server = try TestServer.shared(major: 15)
        let dir = try Fixtures.temporaryDirectory("session")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = try probeArchive(dir)

        // As a superuser: set, in the leader's session and in every -j worker's.
        for jobs in ["1", "2"] {
            let db = try server.freshDatabase(prefix: "session")
            let out = try pgfunnel(["restore", "-j", jobs, "-d", server.conninfo(database: db), archive])
            XCTAssertEqual(out.status, 0, out.stderr.text)
            for table in ["probe", "probe_post"] {
                XCTAssertEqual(try server.psql("SELECT v FROM public.\(table)", database: db).trimmingCharacters(in: .whitespacesAndNewlines),
                               "20ms", "\(table), -j \(jobs)")
            }
        }

        // As an ordinary role: left alone, and nothing is reported.
        _ = try? server.psql("CREATE ROLE session_plain LOGIN")
        let db = try server.freshDatabase(prefix: "session")
        _ = try server.psql("ALTER DATABASE \(db) OWNER TO session_plain")
        let out = try pgfunnel(["restore", "-d", server.conninfo(database: db) + " user=session_plain", archive])
        XCTAssertEqual(out.status, 0, out.stderr.text)
        XCTAssertEqual(out.stderr.text, "")
        XCTAssertEqual(try server.psql("SELECT v FROM public.probe", database: db).trimmingCharacters(in: .whitespacesAndNewlines), "1s")

        // The script is pg_restore's: no trace of the setting.
        let script = try pgfunnel(["restore", "-f", "-", archive])
        XCTAssertEqual(script.status, 0, script.stderr.text)
        XCTAssertTrue(script.stdout.text.contains("CREATE TABLE public.probe"))
        XCTAssertFalse(script.stdout.text.contains("deadlock_timeout ="), script.stdout.text)
    }
}
