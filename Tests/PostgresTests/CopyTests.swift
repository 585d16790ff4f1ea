import Foundation
import Postgres
import TestSupport
import XCTest

final class CopyTests: XCTestCase {
    private static let bigRowCount = 100_000

    /// Streams a 100k-row table and checks the bytes equal psql's `COPY ... TO STDOUT`, one
    /// data message per row.
    func testCopyOutStreamsLargeTableIdenticallyToPsql() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let database = try server.freshDatabase(prefix: "copyout")
            defer { try? server.dropDatabase(database) }
            let connection = try server.connect(database: database)
            try connection.execute("""
                CREATE TABLE big AS
                SELECT g AS id, md5(g::text) AS hash, repeat(E'x\\t', g % 7) AS tabs,
                       CASE WHEN g % 5 = 0 THEN NULL ELSE date '2000-01-01' + g END AS day
                FROM generate_series(1, \(Self.bigRowCount)) AS g
                """)

            var streamed = Data()
            var chunks = 0
            var largestChunk = 0
            let rows = try connection.copyOut("COPY big TO STDOUT") { chunk in
                chunks += 1
                largestChunk = max(largestChunk, chunk.count)
                streamed.append(contentsOf: chunk)
            }
            XCTAssertEqual(rows, Int64(Self.bigRowCount), label)
            XCTAssertEqual(chunks, Self.bigRowCount, label)
            XCTAssertLessThan(largestChunk, 200, label)

            let reference = try server.runTool("psql", args: ["-X", "-d", database, "-c", "COPY big TO STDOUT"])
            XCTAssertEqual(reference.status, 0, reference.stderr.text)
            XCTAssertEqual(streamed.count, reference.stdout.count, label)
            XCTAssertTrue(streamed == reference.stdout, "\(label): COPY OUT bytes differ from psql's")

            // A query-based COPY reports its row count too, and the connection is idle again.
            let total = try connection.copyOut("COPY (SELECT id FROM big WHERE id <= 10) TO STDOUT") { _ in }
            XCTAssertEqual(total, 10, label)
            XCTAssertEqual(try connection.query("SELECT count(*) FROM big")[0, 0], String(Self.bigRowCount), label)
        }
    }

    func testCopyOutErrorsAndCallbackFailures() throws {
        struct StopReading: Error {}
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()

            let missing = expectPostgresError(label) { try connection.copyOut("COPY no_such_table TO STDOUT") { _ in } }
            XCTAssertEqual(missing?.kind, .copyFailed, label)
            XCTAssertEqual(missing?.sqlState, "42P01", label)

            // An error raised while streaming (division by zero at row 1000) arrives after data.
            var received = 0
            let midStream = expectPostgresError(label) {
                try connection.copyOut("COPY (SELECT 1 / (1000 - g) FROM generate_series(1, 2000) g) TO STDOUT") { _ in
                    received += 1
                }
            }
            XCTAssertEqual(midStream?.kind, .copyFailed, label)
            XCTAssertEqual(midStream?.sqlState, "22012", label)
            XCTAssertEqual(received, 999, label)

            let notCopy = expectPostgresError(label) { try connection.copyOut("SELECT 1") { _ in } }
            XCTAssertEqual(notCopy?.kind, .protocol, label)

            // A throwing consumer cancels the server side and gets its own error back.
            var calls = 0
            XCTAssertThrowsError(
                try connection.copyOut("COPY (SELECT g FROM generate_series(1, 50000000) g) TO STDOUT") { _ in
                    calls += 1
                    if calls == 3 { throw StopReading() }
                }
            ) { error in XCTAssertTrue(error is StopReading, "\(label): \(error)") }
            XCTAssertEqual(calls, 3, label)
            XCTAssertEqual(try connection.query("SELECT 7")[0, 0], "7", label)
        }
    }

    func testCopyInRoundTrip() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let database = try server.freshDatabase(prefix: "copyin")
            defer { try? server.dropDatabase(database) }
            let connection = try server.connect(database: database)
            try connection.execute("CREATE TABLE target (id int, note text, amount numeric)")

            // Rows with escapes, NULLs and UTF-8, written in pieces that split rows and characters.
            var payload = Data()
            for id in 1...20_000 {
                let note = id % 3 == 0 ? "\\N" : "row \(id)\\ttab ✓ \\\\back"
                payload.append(contentsOf: Array("\(id)\t\(note)\t\(id).25\n".utf8))
            }
            let stream = try connection.copyIn("COPY target FROM STDIN")
            var offset = 0
            var pieceSize = 1
            while offset < payload.count {
                let end = min(offset + pieceSize, payload.count)
                try stream.write(payload.subdata(in: offset..<end))
                offset = end
                pieceSize = pieceSize * 3 % 8191 + 1
            }
            XCTAssertEqual(try stream.finish(), 20_000, label)

            let summary = try connection.query(
                "SELECT count(*), count(note), sum(amount), max(note) FROM target")
            XCTAssertEqual(summary.rows, [["20000", "13334", "200015000.00", "row 9998\ttab ✓ \\back"]], label)

            // Writing the streamed COPY OUT back in reproduces the table exactly.
            try connection.execute("CREATE TABLE copy_of_target (LIKE target)")
            let mirrorConnection = try server.connect(database: database)
            let mirror = try mirrorConnection.copyIn("COPY copy_of_target FROM STDIN")
            try connection.copyOut("COPY target TO STDOUT") { try mirror.write($0) }
            XCTAssertEqual(try mirror.finish(), 20_000, label)
            XCTAssertEqual(
                try connection.query("SELECT count(*) FROM (TABLE target EXCEPT ALL TABLE copy_of_target) AS d")[0, 0],
                "0", label)
        }
    }

    func testCopyInErrorSurfacesAtFinishAndConnectionRecovers() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let database = try server.freshDatabase(prefix: "copyerr")
            defer { try? server.dropDatabase(database) }
            let connection = try server.connect(database: database)
            try connection.execute("CREATE TABLE numbers (n int NOT NULL)")

            let stream = try connection.copyIn("COPY numbers FROM STDIN")
            try stream.write("1\n2\nnot-a-number\n4\n")
            let failure = expectPostgresError(label) { _ = try stream.finish() }
            XCTAssertEqual(failure?.kind, .copyFailed, label)
            XCTAssertEqual(failure?.sqlState, "22P02", label)
            XCTAssertTrue(failure?.context?.contains("COPY numbers, line 3") == true, failure?.context ?? "")
            XCTAssertTrue(failure?.description.contains("CONTEXT:  COPY numbers, line 3") == true, label)
            XCTAssertEqual(try connection.query("SELECT count(*) FROM numbers")[0, 0], "0", label)

            // A finished stream refuses more work.
            XCTAssertEqual(expectPostgresError(label) { try stream.write("5\n") }?.kind, .protocol, label)

            // While a stream is open, the connection refuses other statements.
            let open = try connection.copyIn("COPY numbers FROM STDIN")
            XCTAssertEqual(expectPostgresError(label) { try connection.query("SELECT 1") }?.kind, .protocol, label)
            try open.write("10\n")
            try open.abort(message: "changed my mind")
            XCTAssertEqual(try connection.query("SELECT count(*) FROM numbers")[0, 0], "0", label)

            // A stream dropped without finish is aborted, leaving the connection usable.
            do {
                let dropped = try connection.copyIn("COPY numbers FROM STDIN")
                try dropped.write("11\n")
            }
            XCTAssertEqual(try connection.query("SELECT count(*) FROM numbers")[0, 0], "0", label)

            let wrongDirection = expectPostgresError(label) { _ = try connection.copyIn("COPY numbers TO STDOUT") }
            XCTAssertEqual(wrongDirection?.kind, .protocol, label)
            XCTAssertEqual(try connection.query("SELECT 1")[0, 0], "1", label)
        }
    }
}
