import Foundation
import Postgres
import TestSupport
import XCTest

/// Table locks: they are sent behind the pipelined catalog statements and checked after the sort
/// (DumpRunner.buildEntries); --lock-wait-timeout still bounds the wait, as in pg_dump.
final class DumpLockTests: XCTestCase {
    func pgfunnel(_ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args, environment: nil)
    }

    func testLockWaitTimeoutFailsOnALockedTableAndPassesOtherwise() throws {
        let server = try TestServer.shared(major: 15)
        let db = try server.freshDatabase(prefix: "locks")
        defer { try? server.dropDatabase(db) }
        _ = try server.psql("CREATE TABLE busy (id int); INSERT INTO busy VALUES (1); CREATE TABLE idle (id int);", database: db)
        let dir = try Fixtures.temporaryDirectory("dump-locks")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("x.dump").path

        let unlocked = try pgfunnel(["dump", "--lock-wait-timeout", "2s", "-d", server.conninfo(database: db), "-f", archive])
        XCTAssertEqual(unlocked.status, 0, unlocked.stderr.text)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            try FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        }

        // Another session holds ACCESS EXCLUSIVE on busy for a few seconds.
        let holder = try server.connect(database: db)
        defer { holder.close() }
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        let started = Date()
        let locked = try pgfunnel(["dump", "--lock-wait-timeout", "300ms", "-d", server.conninfo(database: db), "-f", archive])
        try holder.execute("ROLLBACK")
        XCTAssertEqual(locked.status, 1, locked.stderr.text)
        XCTAssertTrue(locked.stderr.text.contains("canceling statement due to statement timeout"), locked.stderr.text)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], locked.stderr.text)
    }
}
