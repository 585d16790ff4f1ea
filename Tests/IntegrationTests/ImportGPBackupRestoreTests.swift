import Foundation
import XCTest
import TestSupport

/// The archives made from both real sample sets restore into a fresh PostgreSQL 15 database with
/// the real pg_restore (--exit-on-error) and, as a script from `pgfunnel restore -f`, with psql;
/// every table then holds the rows the set's rowcounts file sums over its segments.
final class ImportGPBackupRestoreTests: XCTestCase {
    func counts(_ server: TestServer, _ database: String, tables: [String]) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for table in tables {
            let out = try server.psql("SELECT count(*) FROM \(table)", database: database)
            result[table] = Int64(out.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result
    }

    func testPgRestore15AndPsqlReplayGiveRowcounts() throws {
        let server = try TestServer.shared(major: 15)
        // The sets' objects are owned by testrole, a global the import leaves out by default.
        try server.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'testrole') THEN CREATE ROLE testrole; END IF; END $$;")
        let work = try Fixtures.temporaryDirectory("import-restore")
        defer { try? FileManager.default.removeItem(at: work) }
        for name in ImportSamples.setNames {
            let expected = try ImportSamples.expectedCounts(name)
            XCTAssertEqual(expected.count, 8)
            XCTAssertEqual(expected.values.reduce(0, +), 22_202)
            let archive = work.appendingPathComponent("\(name).dump")
            try Tools.importSet(ImportSamples.set(name), to: archive)

            let viaPgRestore = try server.freshDatabase(prefix: "import_pgr")
            defer { try? server.dropDatabase(viaPgRestore) }
            let restore = try server.runTool("pg_restore", args: ["--exit-on-error", "-d", viaPgRestore, archive.path])
            XCTAssertEqual(restore.status, 0, "\(name): pg_restore: \(restore.stderr.text)")
            XCTAssertEqual(restore.stderr.text, "", name)
            XCTAssertEqual(try counts(server, viaPgRestore, tables: Array(expected.keys)), expected, "\(name) via pg_restore")
            let owner = try server.psql("SELECT tableowner FROM pg_tables WHERE schemaname = 'schematwo' AND tablename = 'tablefour'",
                                        database: viaPgRestore)
            XCTAssertEqual(owner, "testrole\n")

            let viaScript = try server.freshDatabase(prefix: "import_psql")
            defer { try? server.dropDatabase(viaScript) }
            let script = work.appendingPathComponent("\(name).sql")
            let printed = try Tools.pgfunnel(["restore", "-f", script.path, archive.path])
            XCTAssertEqual(printed.status, 0, printed.stderr)
            let replay = try server.runTool("psql", args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", viaScript, "-f", script.path])
            XCTAssertEqual(replay.status, 0, "\(name): psql: \(replay.stderr.text)")
            XCTAssertEqual(try counts(server, viaScript, tables: Array(expected.keys)), expected, "\(name) via psql")
        }
    }

    /// `import-gpbackup -d` (one connection, pgfunnel's own restore engine) gives the same
    /// database as importing to an archive and restoring it with `pgfunnel restore -d`.
    func testDirectImportEqualsImportThenRestore() throws {
        let server = try TestServer.shared(major: 15)
        try server.psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'testrole') THEN CREATE ROLE testrole; END IF; END $$;")
        let work = try Fixtures.temporaryDirectory("import-direct")
        defer { try? FileManager.default.removeItem(at: work) }
        for name in ImportSamples.setNames {
            let expected = try ImportSamples.expectedCounts(name)
            let archive = work.appendingPathComponent("\(name).dump")
            try Tools.importSet(ImportSamples.set(name), to: archive)
            let viaArchive = try server.freshDatabase(prefix: "import_two_step")
            let direct = try server.freshDatabase(prefix: "import_direct")
            defer { try? server.dropDatabase(viaArchive); try? server.dropDatabase(direct) }
            let restored = try Tools.pgfunnel(["restore", "-e", "-d", server.conninfo(database: viaArchive), archive.path])
            XCTAssertEqual(restored.status, 0, restored.stderr)
            let imported = try Tools.pgfunnel(["import-gpbackup", "--backup-dir", ImportSamples.set(name).path, "-e",
                                               "-d", server.conninfo(database: direct)])
            XCTAssertEqual(imported.status, 0, imported.stderr)
            XCTAssertEqual(try counts(server, direct, tables: Array(expected.keys)), expected, "\(name) direct")
            for db in [viaArchive, direct] {
                XCTAssertEqual(try counts(server, db, tables: Array(expected.keys)), expected, "\(name) in \(db)")
            }
            let a = try server.runTool("pg_dump", args: ["--schema-only", "-d", viaArchive]).stdout.text
            let b = try server.runTool("pg_dump", args: ["--schema-only", "-d", direct]).stdout.text
            func strip(_ s: String) -> String { s.split(separator: "\n").filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n") }
            XCTAssertEqual(strip(a), strip(b), "\(name): schemas differ")
        }
    }
}
