import Foundation
import TestSupport
import XCTest

/// A dump taken while pgbench writes is one consistent snapshot: after restoring it, pgbench's
/// invariant holds (every balance total equals the sum of the history deltas).
final class DumpConsistencyTests: XCTestCase {
    func testDumpDuringPgbenchWorkloadIsConsistent() throws {
        let server = try TestServer.shared(major: 15)
        guard let pgbench = ReferenceTools.binary("pgbench", major: 15) else { throw XCTSkip("pgbench is not installed") }
        let db = try server.freshDatabase(prefix: "bench")
        let initialize = try ProcessRunner.run(executable: pgbench, arguments: ["-i", "-s", "2", "-q", server.conninfo(database: db)],
                                               environment: server.toolEnvironment())
        XCTAssertEqual(initialize.status, 0, initialize.stderr.text)

        let load = Process()
        load.executableURL = pgbench
        load.arguments = ["-c", "4", "-T", "6", "-n", server.conninfo(database: db)]
        load.environment = server.toolEnvironment()
        load.standardOutput = FileHandle.nullDevice
        load.standardError = FileHandle.nullDevice
        try load.run()
        Thread.sleep(forTimeInterval: 1.5)

        let dir = try Fixtures.temporaryDirectory("consistency")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("during.dump").path
        let dump = try ProcessRunner.run(executable: Fixtures.pgfunnelBinary,
                                         arguments: ["dump", "-d", server.conninfo(database: db), "-f", archive])
        XCTAssertEqual(dump.status, 0, dump.stderr.text)
        XCTAssertTrue(load.isRunning, "the workload should still be running while the dump finishes")
        load.waitUntilExit()

        let copy = try server.freshDatabase(prefix: "bench_copy")
        let restore = try server.runTool("pg_restore", args: ["--exit-on-error", "-d", server.conninfo(database: copy), archive])
        XCTAssertEqual(restore.status, 0, restore.stderr.text)
        let sums = try server.psql("""
            SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(tbalance) FROM pgbench_tellers),
                   (SELECT sum(bbalance) FROM pgbench_branches), (SELECT coalesce(sum(delta), 0) FROM pgbench_history),
                   (SELECT count(*) FROM pgbench_history)
            """, database: copy).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        XCTAssertEqual(sums.count, 5)
        XCTAssertEqual(sums[0], sums[3], "accounts vs history: \(sums)")
        XCTAssertEqual(sums[1], sums[3], "tellers vs history: \(sums)")
        XCTAssertEqual(sums[2], sums[3], "branches vs history: \(sums)")
        XCTAssertGreaterThan(Int(sums[4]) ?? 0, 0, "the dump should have caught some transactions")
    }
}
