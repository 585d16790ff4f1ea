import Foundation
import TestSupport
import XCTest

/// `pgfunnel restore -d` must leave a database identical to what `pg_restore -d` leaves, for
/// archives of every release, into servers 15 and 18, and report errors like pg_restore.
final class RestoreDatabaseTests: XCTestCase {
    func archive(_ name: String) -> URL { Fixtures.archiveDirectory.appendingPathComponent(name) }

    func prepare(_ server: TestServer) throws {
        // Roles are cluster-wide; the fixture's archives expect them. Ignore "already exists".
        let roles = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-roles.sql"), encoding: .utf8)
        _ = try? server.psql(roles)
    }

    /// Schema (pg_dump --schema-only of the target, \restrict lines removed) and every table's
    /// row count and content checksum.
    func snapshot(_ server: TestServer, _ db: String) throws -> String {
        let dump = try server.runTool("pg_dump", args: ["--schema-only", "-d", server.conninfo(database: db)], stdin: nil)
        XCTAssertEqual(dump.status, 0, dump.stderr.text)
        let schema = dump.stdout.text.split(separator: "\n").filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n")
        // One query computes every table's row count and content checksum server-side, so names
        // with newlines or quotes need no client-side quoting.
        let sums = try server.psql(#"""
            SELECT string_agg(format('%s %s', replace(c.oid::regclass::text, E'\n', ' '),
                     (xpath('/row/r/text()', query_to_xml(format(
                        'SELECT count(*) || '' '' || md5(coalesce(string_agg(x::text, ''|'' ORDER BY x::text), '''')) AS r FROM %s x',
                        c.oid::regclass), false, true, '')))[1]::text), E'\n' ORDER BY c.oid::regclass::text)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r','m') AND n.nspname NOT IN ('pg_catalog','information_schema')
              AND c.relpersistence <> 't' AND (c.relkind = 'r' OR c.relispopulated)
            """#, database: db)
        let largeObjects = try server.psql("SELECT count(*), md5(coalesce(string_agg(md5(lo_get(oid)), ',' ORDER BY oid), '')) FROM pg_largeobject_metadata", database: db)
        return schema + "\n" + sums + largeObjects
    }

    func pgfunnel(_ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args)
    }

    func testRestoreMatchesPgRestore() throws {
        var compared = 0
        for major in [15, 18] {
            guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("PostgreSQL \(major) is not installed") }
            let server = try TestServer.shared(major: major)
            try prepare(server)
            for name in ["pg15-gzip.dump", "pg16-zstd.dump", "pg17-lz4-piped.dump", "pg18-gzip.dump"] {
                let archiveMajor = Int(name.dropFirst(2).prefix(2))!
                if archiveMajor > major { continue } // an 18 archive may use syntax a 15 server lacks
                for jobs in [["-j", "1"], ["-j", "2"]] {
                    let ours = try server.freshDatabase(prefix: "ours")
                    let theirs = try server.freshDatabase(prefix: "theirs")
                    let a = try pgfunnel(["restore", "-d", server.conninfo(database: ours)] + jobs + [archive(name).path])
                    let b = try server.runTool("pg_restore", args: ["-d", server.conninfo(database: theirs), archive(name).path], stdin: nil)
                    XCTAssertEqual(a.status, b.status, "\(name) on \(major): \(a.stderr.text) | \(b.stderr.text)")
                    XCTAssertEqual(a.status, 0, "\(name) on \(major): \(a.stderr.text)")
                    let sa = try snapshot(server, ours)
                    let sb = try snapshot(server, theirs)
                    XCTAssertEqual(sa, sb, "\(name) restored into \(major) differs from pg_restore's result")
                    compared += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 10)
    }

    /// Archives that `pgfunnel dump` writes (of the fixture database, on each server) restore
    /// with pgfunnel at -j 1 and -j 2 into the same database pg_restore makes of them.
    func testPgfunnelDumpArchivesRestoreLikePgRestore() throws {
        for major in [15, 18] {
            guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("PostgreSQL \(major) is not installed") }
            let server = try TestServer.shared(major: major)
            try prepare(server)
            let source = try server.freshDatabase(prefix: "fixture_src")
            let load = try server.runTool("psql", args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", server.conninfo(database: source),
                                                         "-f", Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-db.sql").path])
            XCTAssertEqual(load.status, 0, load.stderr.text)
            let dir = try Fixtures.temporaryDirectory("restore-ours")
            defer { try? FileManager.default.removeItem(at: dir) }
            let archive = dir.appendingPathComponent("fixture.dump").path
            let dumped = try pgfunnel(["dump", "-d", server.conninfo(database: source), "-f", archive])
            XCTAssertEqual(dumped.status, 0, dumped.stderr.text)
            let theirs = try server.freshDatabase(prefix: "theirs")
            let b = try server.runTool("pg_restore", args: ["-d", server.conninfo(database: theirs), archive], stdin: nil)
            XCTAssertEqual(b.status, 0, b.stderr.text)
            let expected = try snapshot(server, theirs)
            XCTAssertEqual(expected, try snapshot(server, source), "pg_restore of pgfunnel's archive differs from the source (\(major))")
            for jobs in [["-j", "1"], ["-j", "2"]] {
                let ours = try server.freshDatabase(prefix: "ours")
                let a = try pgfunnel(["restore", "-d", server.conninfo(database: ours)] + jobs + [archive])
                XCTAssertEqual(a.status, 0, "\(jobs) on \(major): \(a.stderr.text)")
                XCTAssertEqual(try snapshot(server, ours), expected, "pgfunnel restore \(jobs) of pgfunnel's archive on \(major) differs")
            }
        }
    }

    func testSingleTransactionLeavesTargetUnchangedOnError() throws {
        let server = try TestServer.shared(major: 15)
        try prepare(server)
        let db = try server.freshDatabase(prefix: "single")
        // A conflicting object: the archive's table fx.customers cannot be created.
        _ = try server.psql("CREATE SCHEMA fx; CREATE TABLE fx.customers (x int);", database: db)
        let before = try snapshot(server, db)
        let out = try pgfunnel(["restore", "-1", "-d", server.conninfo(database: db), archive("pg15-gzip.dump").path])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.text.contains("already exists"), out.stderr.text)
        XCTAssertEqual(try snapshot(server, db), before)
    }

    func testErrorsAreCountedLikePgRestore() throws {
        let server = try TestServer.shared(major: 15)
        try prepare(server)
        let ours = try server.freshDatabase(prefix: "errs")
        let theirs = try server.freshDatabase(prefix: "errs")
        for db in [ours, theirs] {
            _ = try server.psql("CREATE SCHEMA fx; CREATE TABLE fx.customers (x int);", database: db)
        }
        let a = try pgfunnel(["restore", "-d", server.conninfo(database: ours), archive("pg15-gzip.dump").path])
        let b = try server.runTool("pg_restore", args: ["-d", server.conninfo(database: theirs), archive("pg15-gzip.dump").path], stdin: nil)
        XCTAssertEqual(a.status, b.status)
        func summary(_ s: String) -> String? { s.split(separator: "\n").last { $0.contains("errors ignored on restore") }.map { String($0.split(separator: ":").last!) } }
        XCTAssertNotNil(summary(b.stderr.text))
        XCTAssertEqual(summary(a.stderr.text), summary(b.stderr.text), "ours: \(a.stderr.text.suffix(400))")
    }

    func testDeadServerEndsTheRunWithAClearMessage() throws {
        let server = try TestServer.dedicated(major: 15)
        defer { server.shutdown() }
        try prepare(server)
        let db = try server.freshDatabase(prefix: "dead")
        // Feed the archive through a pipe: half of it, then kill the server, then the rest.
        let bytes = try Data(contentsOf: archive("pg15-none.dump"))
        let process = Process()
        process.executableURL = Fixtures.pgfunnelBinary
        process.arguments = ["restore", "-d", server.conninfo(database: db)]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: bytes.prefix(bytes.count / 2))
        Thread.sleep(forTimeInterval: 1.0)
        try server.kill()
        // pgfunnel may already have stopped reading: a broken pipe here is expected.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: bytes.suffix(from: bytes.count / 2))
        try? input.fileHandleForWriting.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile().text
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("pgfunnel: error: "), stderr)
        XCTAssertTrue(stderr.contains("terminat") || stderr.contains("connection") || stderr.contains("server"), stderr)
    }
}
