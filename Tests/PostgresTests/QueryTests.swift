import Foundation
import Postgres
import TestSupport
import XCTest

final class QueryTests: XCTestCase {
    func testQueryWithParametersAndNulls() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()
            let result = try connection.query(
                "SELECT $1::int + 1 AS next, $2::text AS missing, upper($3) AS shout, 'x'::text AS \"Mixed Case\"",
                ["41", nil, "it's \"quoted\" ✓"])
            XCTAssertEqual(result.columnNames, ["next", "missing", "shout", "Mixed Case"], label)
            XCTAssertEqual(result.rowCount, 1, label)
            XCTAssertEqual(result[0, 0], "42", label)
            XCTAssertNil(result[0, 1], label)
            XCTAssertTrue(result.isNull(row: 0, column: 1), label)
            XCTAssertFalse(result.isNull(row: 0, column: 0), label)
            XCTAssertEqual(result[0, "shout"], "IT'S \"QUOTED\" ✓", label)
            XCTAssertEqual(result[0, "Mixed Case"], "x", label)
            XCTAssertNil(result[0, "no_such_column"], label)
            XCTAssertNil(result[5, 0], label)
            XCTAssertEqual(result.bytes(row: 0, column: 2), Array("IT'S \"QUOTED\" ✓".utf8), label)
            XCTAssertEqual(result.commandTag, "SELECT 1", label)
            XCTAssertEqual(result.first?["next"], "42", label)

            let series = try connection.query("SELECT g, g * 2 FROM generate_series(1, 3) g")
            XCTAssertEqual(series.rows, [["1", "2"], ["2", "4"], ["3", "6"]], label)
            XCTAssertEqual(series.map { $0[1] }, ["2", "4", "6"], label)
            XCTAssertEqual(series.affectedRows, 3, label)

            let nul = expectPostgresError(label) { try connection.query("SELECT $1", ["a\u{0}b"]) }
            XCTAssertEqual(nul?.kind, .protocol, label)
        }
    }

    func testExecuteRunsSeveralStatements() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let database = try server.freshDatabase(prefix: "exec")
            defer { try? server.dropDatabase(database) }
            let connection = try server.connect(database: database)
            try connection.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2); ")
            try connection.execute("")  // empty query is fine
            let inserted = try connection.query("INSERT INTO t VALUES (3), (4)")
            XCTAssertEqual(inserted.affectedRows, 2, label)
            XCTAssertEqual(inserted.rowCount, 0, label)
            XCTAssertEqual(try connection.query("SELECT count(*) FROM t")[0, 0], "4", label)

            // A COPY sent through execute is refused and the connection recovers.
            let copy = expectPostgresError(label) { try connection.execute("COPY t TO STDOUT") }
            XCTAssertEqual(copy?.kind, .protocol, label)
            XCTAssertEqual(try connection.query("SELECT 1")[0, 0], "1", label)
        }
    }

    func testServerErrorsCarrySQLStateAndFields() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let database = try server.freshDatabase(prefix: "errors")
            defer { try? server.dropDatabase(database) }
            let connection = try server.connect(database: database)
            try connection.execute("CREATE TABLE t (id int CONSTRAINT t_pkey PRIMARY KEY)")
            try connection.execute("INSERT INTO t VALUES (1)")

            let duplicate = expectPostgresError(label) { try connection.execute("INSERT INTO t VALUES (1)") }
            XCTAssertEqual(duplicate?.kind, .queryFailed, label)
            XCTAssertEqual(duplicate?.sqlState, "23505", label)
            XCTAssertEqual(duplicate?.severity, "ERROR", label)
            XCTAssertEqual(duplicate?.detail, "Key (id)=(1) already exists.", label)
            XCTAssertEqual(duplicate?.schemaName, "public", label)
            XCTAssertEqual(duplicate?.tableName, "t", label)
            XCTAssertEqual(duplicate?.constraintName, "t_pkey", label)
            XCTAssertEqual(duplicate?.sql, "INSERT INTO t VALUES (1)", label)
            XCTAssertTrue(duplicate?.description.hasPrefix(
                "ERROR:  duplicate key value violates unique constraint \"t_pkey\"\nDETAIL:  Key (id)=(1) already exists.") == true,
                duplicate?.description ?? "")

            let syntax = expectPostgresError(label) { try connection.query("SELECT * FROM t WHERE", []) }
            XCTAssertEqual(syntax?.sqlState, "42601", label)
            XCTAssertEqual(syntax?.position, 22, label)

            let hinted = expectPostgresError(label) { try connection.query("SELECT nosuchfunc(1)") }
            XCTAssertEqual(hinted?.sqlState, "42883", label)
            XCTAssertNotNil(hinted?.hint, label)
            XCTAssertTrue(hinted?.description.contains("\nHINT:  ") == true, label)

            let inFunction = expectPostgresError(label) {
                try connection.execute("DO $$ BEGIN RAISE EXCEPTION 'boom' USING ERRCODE = 'P0001'; END $$")
            }
            XCTAssertEqual(inFunction?.sqlState, "P0001", label)
            XCTAssertTrue(inFunction?.context?.contains("PL/pgSQL") == true, inFunction?.context ?? "")

            // Still usable after errors.
            XCTAssertTrue(connection.isAlive, label)
            XCTAssertEqual(try connection.query("SELECT count(*) FROM t")[0, 0], "1", label)
        }
    }

    /// The Swift keyword tables must equal what each server reports, and quoteIdentifier must
    /// agree with the server's quote_ident (same rules as fmtId) for every keyword and some
    /// tricky names.
    func testKeywordTablesAndIdentifierQuotingMatchTheServer() throws {
        let codes: [String: KeywordCategory] = [
            "U": .unreserved, "C": .columnName, "T": .typeOrFunctionName, "R": .reserved,
        ]
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()
            let table = KeywordTable.forMajor(server.major)
            var serverTable: [String: KeywordCategory] = [:]
            for row in try connection.query("SELECT word, catcode FROM pg_get_keywords()") {
                if let word = row[0], let code = row[1] { serverTable[word] = codes[code] }
            }
            XCTAssertEqual(table.categories, serverTable, label)

            let names = Array(serverTable.keys) + [
                "plain", "_x", "x1", "1x", "Upper", "with space", "quote\"d", "café", "", "a$b", "tab\tname",
            ]
            let quoted = try connection.query(
                "SELECT n, quote_ident(n) FROM unnest($1::text[]) AS n",
                ["{" + names.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"])
            XCTAssertEqual(quoted.rowCount, names.count, label)
            for row in quoted {
                guard let name = row[0], let serverQuoted = row[1] else { continue }
                XCTAssertEqual(quoteIdentifier(name, keywords: table), serverQuoted, "\(label) \(name)")
            }
        }
    }

    func testQuotedLiteralsReadBackUnchanged() throws {
        let samples = ["plain", "it's", #"back\slash"#, #"both\'s"#, "", "ünïcødé ✓", "line\nbreak", "$$dollar$$"]
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let connection = try server.connect()
            for sample in samples {
                XCTAssertEqual(try connection.query("SELECT \(quoteLiteral(sample))")[0, 0], sample, label)
                XCTAssertEqual(try connection.query("SELECT \(quoteLiteralEscapeSyntax(sample))")[0, 0], sample, label)
                XCTAssertEqual(try connection.query("SELECT \(dollarQuote(sample))")[0, 0], sample, label)
            }
            try connection.execute("SET standard_conforming_strings = off; SET escape_string_warning = off")
            XCTAssertFalse(connection.standardConformingStrings, label)
            for sample in samples {
                XCTAssertEqual(
                    try connection.query("SELECT \(quoteLiteral(sample, standardConformingStrings: false))")[0, 0],
                    sample, label)
                XCTAssertEqual(try connection.query("SELECT \(quoteLiteralEscapeSyntax(sample))")[0, 0], sample, label)
            }
        }
    }
}
