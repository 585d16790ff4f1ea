import Foundation
import Postgres
import TestSupport
import XCTest

/// Connection.beginPipeline / endPipeline: statements sent ahead, results handed to the usual
/// query calls.
final class PipelineTests: XCTestCase {
    /// Pipelined results equal the same statements run one by one, in order, out of order and
    /// repeated, and statements nobody announced still work.
    func testPipelinedResultsEqualDirectOnes() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()
            let statements = [
                PipelinedStatement("SELECT g, md5(g::text) FROM generate_series(1, 50000) g"),
                PipelinedStatement("SELECT $1::int + 1", ["41"]),
                PipelinedStatement("SELECT relname FROM pg_catalog.pg_class WHERE oid = $1::oid", ["1259"]),
                PipelinedStatement("SELECT $1::int + 1", ["41"]),
                PipelinedStatement("SELECT 'x' || $1", [nil]),
            ]
            var direct: [[[String?]]] = []
            for s in statements { direct.append(try connection.query(s.sql, s.parameters).rows) }

            try connection.beginPipeline(statements)
            XCTAssertTrue(connection.inPipeline, label)
            XCTAssertEqual(try connection.query(statements[0].sql).rows, direct[0], label)
            // Asked out of turn: the statements before it are read and held.
            XCTAssertEqual(try connection.query(statements[2].sql, statements[2].parameters).rows, direct[2], label)
            XCTAssertEqual(try connection.query(statements[1].sql, statements[1].parameters).rows, direct[1], label)
            XCTAssertEqual(try connection.query(statements[3].sql, statements[3].parameters).rows, direct[3], label)
            XCTAssertEqual(try connection.query("SELECT 5 * 5").rows, [["25"]], label)
            try connection.execute("SET application_name = 'pipelined'")
            try connection.endPipeline()
            XCTAssertFalse(connection.inPipeline, label)
            let stats = connection.pipelineStatistics
            XCTAssertEqual(stats.announced, 5, label)
            XCTAssertEqual(stats.inOrder, 3, "\(label) \(stats)")  // 0, then 1 and 3 (2 was taken out of turn)
            XCTAssertEqual(stats.outOfOrder, 1, "\(label) \(stats)")
            XCTAssertEqual(stats.unannounced, 2, "\(label) \(stats)")
            XCTAssertEqual(stats.unused, 1, "\(label) \(stats)")
            XCTAssertEqual(try connection.query("SHOW application_name").rows, [["pipelined"]], label)
        }
    }

    /// A failing statement throws when its result is asked for; inside a transaction the ones
    /// after it fail as the transaction is aborted, outside one they run. COPY is refused while
    /// the pipeline is open, and a failure nobody asked for is reported by endPipeline.
    func testFailuresAndRefusals() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()
            let statements = [PipelinedStatement("SELECT 1"), PipelinedStatement("SELECT 1 / 0"), PipelinedStatement("SELECT 3")]

            try connection.beginPipeline(statements)
            XCTAssertEqual(try connection.query("SELECT 1")[0, 0], "1", label)
            let failed = expectPostgresError(label) { _ = try connection.query("SELECT 1 / 0") }
            XCTAssertEqual(failed?.sqlState, "22012", label)
            XCTAssertEqual(try connection.query("SELECT 3")[0, 0], "3", label)
            let copy = expectPostgresError(label) { try connection.copyOut("COPY (SELECT 1) TO STDOUT") { _ in } }
            XCTAssertEqual(copy?.kind, .protocol, label)
            try connection.endPipeline()

            try connection.execute("BEGIN")
            try connection.beginPipeline(statements)
            _ = try connection.query("SELECT 1")
            _ = expectPostgresError(label) { _ = try connection.query("SELECT 1 / 0") }
            let aborted = expectPostgresError(label) { _ = try connection.query("SELECT 3") }
            XCTAssertEqual(aborted?.sqlState, "25P02", label)
            try connection.endPipeline()
            try connection.execute("ROLLBACK")

            try connection.beginPipeline(statements)
            _ = try connection.query("SELECT 1")
            let unasked = expectPostgresError(label) { try connection.endPipeline() }
            XCTAssertEqual(unasked?.sqlState, "22012", label)
            XCTAssertEqual(try connection.query("SELECT 9")[0, 0], "9", label)
        }
    }

    /// Many statements with large results: the server blocks on a full socket while statements
    /// are still being sent, which libpq resolves by reading while it writes.
    func testManyLargeResultsDoNotDeadlock() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()
            let statements = (1...400).map { i in
                PipelinedStatement("SELECT g, repeat('x', 100) || $1 FROM generate_series(1, 2000) g", [String(i)])
            }
            try connection.beginPipeline(statements)
            for (i, s) in statements.enumerated() {
                let r = try connection.query(s.sql, s.parameters)
                XCTAssertEqual(r.rowCount, 2000, label)
                XCTAssertEqual(r[1999, 1], String(repeating: "x", count: 100) + String(i + 1), label)
            }
            try connection.endPipeline()
            XCTAssertEqual(connection.pipelineStatistics.inOrder, 400, label)
        }
    }
}
