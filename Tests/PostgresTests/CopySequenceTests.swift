import Foundation
import Postgres
import TestSupport
import XCTest

/// Connection.copyOutSequence: several COPY TO STDOUT statements in one message.
final class CopySequenceTests: XCTestCase {
    /// Each statement's bytes equal its own copyOut's, begin/end bracket them in order, and the
    /// row counts come from each command tag.
    func testStreamsEachStatementAsItsOwnCopy() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let database = try server.freshDatabase(prefix: "copyseq")
            defer { try? server.dropDatabase(database) }
            let connection = try server.connect(database: database)
            try connection.execute("""
                CREATE TABLE a AS SELECT g AS id, repeat('a', g % 50) AS t FROM generate_series(1, 3000) g;
                CREATE TABLE "b;c" (x int);
                CREATE TABLE d AS SELECT g AS id FROM generate_series(1, 7) g;
                """)
            let statements = ["COPY public.a (id, t) TO stdout;", "COPY public.\"b;c\" (x) TO stdout;", "COPY public.d (id) TO stdout;"]
            var events: [String] = []
            var streams = [Data](repeating: Data(), count: statements.count)
            var current = -1
            try connection.copyOutSequence(statements, begin: { i in
                events.append("begin \(i)")
                current = i
            }, chunk: { bytes in
                streams[current].append(contentsOf: bytes)
            }, end: { i, rows in
                events.append("end \(i) \(rows.map(String.init) ?? "-")")
            })
            XCTAssertEqual(events, ["begin 0", "end 0 3000", "begin 1", "end 1 0", "begin 2", "end 2 7"], label)
            for (i, sql) in statements.enumerated() {
                var alone = Data()
                try connection.copyOut(sql) { alone.append(contentsOf: $0) }
                XCTAssertTrue(alone == streams[i], "\(label): \(sql)")
            }
        }
    }

    /// The server stops at the failing statement: the ones before it were streamed, the error
    /// names the failing one, and the connection is usable afterwards.
    func testFailureInTheMiddleNamesItsStatement() throws {
        struct Stop: Error {}
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()
            var ended: [Int] = []
            let statements = ["COPY (SELECT 1) TO STDOUT;", "COPY (SELECT 1 / (5 - g) FROM generate_series(1, 10) g) TO STDOUT;",
                              "COPY (SELECT 3) TO STDOUT;"]
            do {
                try connection.copyOutSequence(statements, begin: { _ in }, chunk: { _ in }, end: { i, _ in ended.append(i) })
                XCTFail("\(label): expected a failure")
            } catch let failure as CopySequenceError {
                XCTAssertEqual(failure.index, 1, label)
                let error = failure.underlying as? PostgresError
                XCTAssertEqual(error?.sqlState, "22012", label)
                XCTAssertEqual(error?.sql, statements[1], label)
            }
            XCTAssertEqual(ended, [0], label)
            XCTAssertEqual(try connection.query("SELECT 7")[0, 0], "7", label)

            // A statement the server rejects before streaming (missing table).
            do {
                try connection.copyOutSequence(["COPY (SELECT 1) TO STDOUT;", "COPY no_such_table TO STDOUT;"],
                                               begin: { _ in }, chunk: { _ in }, end: { _, _ in })
                XCTFail("\(label): expected a failure")
            } catch let failure as CopySequenceError {
                XCTAssertEqual(failure.index, 1, label)
                XCTAssertEqual((failure.underlying as? PostgresError)?.sqlState, "42P01", label)
            }

            // A throwing consumer cancels the long COPY; the statements after it never run, and the
            // consumer's error comes back with its index.
            var calls = 0
            var begun: [Int] = []
            do {
                try connection.copyOutSequence(["COPY (SELECT 1) TO STDOUT;",
                                                "COPY (SELECT g FROM generate_series(1, 50000000) g) TO STDOUT;",
                                                "COPY (SELECT 2) TO STDOUT;"],
                                               begin: { begun.append($0) }, chunk: { _ in
                    calls += 1
                    if calls == 5 { throw Stop() }
                }, end: { _, _ in })
                XCTFail("\(label): expected a failure")
            } catch let failure as CopySequenceError {
                XCTAssertEqual(failure.index, 1, label)
                XCTAssertTrue(failure.underlying is Stop, "\(label): \(failure.underlying)")
            }
            XCTAssertEqual(begun, [0, 1], label)
            XCTAssertEqual(try connection.query("SELECT 8")[0, 0], "8", label)
        }
    }

    /// A sequence sent ahead can be read later, discarded unread, or dropped unread: the server
    /// is stopped and the connection is usable afterwards in each case.
    func testSentSequenceCanBeReadLaterDiscardedOrDropped() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()
            let long = ["COPY (SELECT 1) TO STDOUT;", "COPY (SELECT g FROM generate_series(1, 20000000) g) TO STDOUT;"]

            let later = try connection.sendCopyOutSequence(["COPY (SELECT 'a') TO STDOUT;", "COPY (SELECT 'b') TO STDOUT;"])
            Thread.sleep(forTimeInterval: 0.05)
            var text = ""
            try later.stream(begin: { _ in }, chunk: { text += String(decoding: $0, as: UTF8.self) }, end: { _, _ in })
            XCTAssertEqual(text, "a\nb\n", label)

            let discarded = try connection.sendCopyOutSequence(long)
            let started = Date()
            discarded.discard()
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "\(label): the long COPY should have been cancelled")
            XCTAssertEqual(try connection.query("SELECT 10")[0, 0], "10", label)

            do { _ = try connection.sendCopyOutSequence(long) }
            XCTAssertEqual(try connection.query("SELECT 11")[0, 0], "11", label)
        }
    }
}
