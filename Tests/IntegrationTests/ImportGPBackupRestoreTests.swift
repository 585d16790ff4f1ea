import Foundation
import XCTest
import TestSupport

/// The archives made from both real sample sets restore into a fresh PostgreSQL 15 database with
/// the real pg_restore (--exit-on-error) and, as a script from `pgfunnel restore -f`, with psql;
/// every table then holds the rows the set's rowcounts file sums over its segments.
final class ImportGPBackupRestoreTests: XCTestCase {
    static var server: ThrowawayServer?

    override class func setUp() {
        server = try? ThrowawayServer(major: 15, port: Int.random(in: 55000...59999))
        // The sets' objects are owned by testrole, a global the import leaves out by default.
        _ = try? server?.psql("postgres", "CREATE ROLE testrole")
    }

    override class func tearDown() {
        server?.stop()
        server = nil
    }

    func counts(_ server: ThrowawayServer, _ database: String, tables: [String]) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for table in tables {
            let out = try server.psql(database, "SELECT count(*) FROM \(table)")
            result[table] = Int64(out.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result
    }

    func testPgRestore15AndPsqlReplayGiveRowcounts() throws {
        let server = try XCTUnwrap(Self.server, "could not start a PostgreSQL 15 server")
        let work = try Fixtures.temporaryDirectory("import-restore")
        defer { try? FileManager.default.removeItem(at: work) }
        for (i, name) in ImportSamples.setNames.enumerated() {
            let expected = try ImportSamples.expectedCounts(name)
            XCTAssertEqual(expected.count, 8)
            XCTAssertEqual(expected.values.reduce(0, +), 22_202)
            let archive = work.appendingPathComponent("\(name).dump")
            try Tools.importSet(ImportSamples.set(name), to: archive)

            let viaPgRestore = "pgr\(i)"
            try server.psql("postgres", "CREATE DATABASE \(viaPgRestore)")
            let restore = try Tools.run(Tools.pg(15, "pg_restore"), ["--exit-on-error", "-d", server.conninfo(database: viaPgRestore), archive.path])
            XCTAssertEqual(restore.status, 0, "\(name): pg_restore: \(restore.stderr)")
            XCTAssertEqual(restore.stderr, "", name)
            XCTAssertEqual(try counts(server, viaPgRestore, tables: Array(expected.keys)), expected, "\(name) via pg_restore")
            let owner = try server.psql(viaPgRestore, "SELECT tableowner FROM pg_tables WHERE schemaname = 'schematwo' AND tablename = 'tablefour'")
            XCTAssertEqual(owner, "testrole\n")

            let viaScript = "psql\(i)"
            try server.psql("postgres", "CREATE DATABASE \(viaScript)")
            let script = work.appendingPathComponent("\(name).sql")
            let printed = try Tools.pgfunnel(["restore", "-f", script.path, archive.path])
            XCTAssertEqual(printed.status, 0, printed.stderr)
            let replay = try Tools.run(Tools.pg(15, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", server.conninfo(database: viaScript), "-f", script.path])
            XCTAssertEqual(replay.status, 0, "\(name): psql: \(replay.stderr)")
            XCTAssertEqual(try counts(server, viaScript, tables: Array(expected.keys)), expected, "\(name) via psql")
        }
    }
}
