import Foundation
import Postgres
import TestSupport
import XCTest

/// `pgfunnel export` writes exactly the bytes `psql -c "COPY ... TO STDOUT (...)"` gets for every
/// option set, and `pgfunnel load` of that file restores the same rows; compressed files round-trip;
/// failures exit 1 with one error line and leave no file.
final class ExportLoadTests: XCTestCase {
    static let majors = [15, 18]
    var workDir: URL!

    override func setUpWithError() throws {
        workDir = try Fixtures.temporaryDirectory("export-load")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: workDir)
    }

    static let setupSQL = #"""
    CREATE SCHEMA "Odd Schema";
    CREATE TABLE "Odd Schema"."Awk ward" (
        id int PRIMARY KEY, t text, "Mixed Col" varchar, b bytea, a text[], j jsonb, n numeric, ts timestamptz);
    INSERT INTO "Odd Schema"."Awk ward" VALUES
      (1, NULL, '', NULL, NULL, NULL, NULL, NULL),
      (2, '', NULL, '\x00ff5c0a'::bytea, '{a,"b c",NULL,"d\"e","",x\\y}', '{"k": "v\n\t\"", "n": null}', 1.50, '2024-02-29 12:00+00'),
      (3, E'tab\there', E'new\nline\r\ncr', '\x'::bytea, '{}', '[1, "two", {"3": [4]}]', -0.000001, 'infinity'),
      (4, E'back\\slash \\N and \\.', 'quote "double" and ''single'', comma, semi; pipe|', NULL, '{{1,2},{3,4}}', '"just a string"', 'NaN', NULL),
      (5, 'multibyte: héllo 日本語 🎉 ß', E'\\.', '\xdeadbeef'::bytea, '{"NULL",NULL}', '{}', 1e30, '1999-12-31 23:59:59.999999+00'),
      (6, 'NULL', '\N', NULL, NULL, 'null', 0, NULL),
      (7, E'"', E',', NULL, NULL, NULL, NULL, NULL);
    CREATE TABLE "Odd Schema".latin (id int, t text);
    INSERT INTO "Odd Schema".latin VALUES (1, 'café'), (2, E'a\tb'), (3, NULL);
    """#

    /// (pgfunnel options, COPY option list psql gets) for the whole table.
    static let optionSets: [([String], String)] = [
        ([], ""),
        (["--delimiter", "|", "--null", "<nil>", "--header"], "(DELIMITER '|', NULL '<nil>', HEADER)"),
        (["--format", "csv"], "(FORMAT csv)"),
        (["--format", "csv", "--header", "--delimiter", ";", "--null", "\\N", "--quote", "'", "--escape", "\\"],
         "(FORMAT csv, HEADER, DELIMITER ';', NULL E'\\\\N', QUOTE '''', ESCAPE E'\\\\')"),
        (["--format", "csv", "--force-quote", "*"], "(FORMAT csv, FORCE_QUOTE *)"),
        (["--format", "csv", "--force-quote", "t,\"Mixed Col\""], "(FORMAT csv, FORCE_QUOTE (t, \"Mixed Col\"))"),
        (["--format", "binary"], "(FORMAT binary)"),
    ]

    static let table = "\"Odd Schema\".\"Awk ward\""

    func pgfunnel(_ server: TestServer, _ args: [String], stdin: Data? = nil) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args, stdin: stdin,
                              environment: server.toolEnvironment())
    }

    /// What `psql -c "COPY ..."` writes to standard output.
    func psqlCopy(_ server: TestServer, _ db: String, _ sql: String) throws -> Data {
        let out = try server.runTool("psql", args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql])
        XCTAssertEqual(out.status, 0, out.stderr.text)
        return out.stdout
    }

    func checksum(_ server: TestServer, _ db: String, _ table: String) throws -> String {
        try server.psql("SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM \(table) x;",
                        database: db).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func withServers(_ body: (TestServer, String) throws -> Void) throws {
        for major in Self.majors {
            guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("PostgreSQL \(major) is not installed") }
            let server = try TestServer.shared(major: major)
            let db = try server.freshDatabase(prefix: "exportload")
            defer { try? server.dropDatabase(db) }
            try server.psql(Self.setupSQL, database: db)
            try body(server, db)
        }
    }

    func testEveryFormatMatchesPsqlAndLoadsBack() throws {
        try withServers { server, db in
            let original = try checksum(server, db, Self.table)
            for (n, (opts, copyOpts)) in Self.optionSets.enumerated() {
                let file = workDir.appendingPathComponent("\(server.major)-\(n).out")
                let result = try pgfunnel(server, ["export", "-t", Self.table, "-f", file.path] + opts + [db])
                XCTAssertEqual(result.status, 0, "\(opts): \(result.stderr.text)")
                let expected = try psqlCopy(server, db, "COPY \(Self.table) TO STDOUT \(copyOpts)")
                XCTAssertFalse(expected.isEmpty)
                XCTAssertEqual(try Data(contentsOf: file), expected, "export \(opts) on \(server.major) differs from psql")

                // Load into an empty copy with the same options (FORCE_QUOTE is export-only).
                var loadOpts: [String] = []
                var skip = false
                for o in opts {
                    if skip { skip = false; continue }
                    if o == "--force-quote" { skip = true; continue }
                    loadOpts.append(o)
                }
                try server.psql("DROP TABLE IF EXISTS \"Odd Schema\".target; CREATE TABLE \"Odd Schema\".target (LIKE \(Self.table));", database: db)
                let load = try pgfunnel(server, ["load", "-t", "\"Odd Schema\".target", "-f", file.path, "-d", db] + loadOpts)
                XCTAssertEqual(load.status, 0, "load \(loadOpts): \(load.stderr.text)")
                XCTAssertEqual(try checksum(server, db, "\"Odd Schema\".target"), original, "load \(loadOpts) on \(server.major)")
            }
        }
    }

    func testColumnsWhereQueryAndEncoding() throws {
        try withServers { server, db in
            let cases: [([String], String)] = [
                (["-t", Self.table, "--columns", "id,\"Mixed Col\",j", "--no-sync"], "COPY \(Self.table) (id, \"Mixed Col\", j) TO STDOUT"),
                (["-t", Self.table, "--columns", "id, t", "--where", "id % 2 = 1", "--format", "csv"],
                 "COPY (SELECT id, t FROM \(Self.table) WHERE id % 2 = 1) TO STDOUT (FORMAT csv)"),
                (["--query", "SELECT id, a FROM \(Self.table) WHERE a IS NOT NULL ORDER BY id DESC;"],
                 "COPY (SELECT id, a FROM \(Self.table) WHERE a IS NOT NULL ORDER BY id DESC) TO STDOUT"),
                (["-t", "\"Odd Schema\".LATIN", "--encoding", "LATIN1"], "COPY \"Odd Schema\".latin TO STDOUT (ENCODING 'LATIN1')"),
            ]
            for (n, (args, sql)) in cases.enumerated() {
                let file = workDir.appendingPathComponent("\(server.major)-c\(n).out")
                let result = try pgfunnel(server, ["export", "-f", file.path, "-d", db] + args)
                XCTAssertEqual(result.status, 0, "\(args): \(result.stderr.text)")
                XCTAssertEqual(try Data(contentsOf: file), try psqlCopy(server, db, sql), "export \(args) on \(server.major)")
            }
            // The LATIN1 file really is LATIN1, and loads back with the same option.
            let latin = try Data(contentsOf: workDir.appendingPathComponent("\(server.major)-c3.out"))
            XCTAssertTrue(latin.contains(0xE9))
            try server.psql("CREATE TABLE \"Odd Schema\".latin2 (LIKE \"Odd Schema\".latin);", database: db)
            let load = try pgfunnel(server, ["load", "-t", "\"Odd Schema\".latin2", "--encoding", "LATIN1", "-d", db],
                                    stdin: latin)
            XCTAssertEqual(load.status, 0, load.stderr.text)
            XCTAssertEqual(try checksum(server, db, "\"Odd Schema\".latin2"), try checksum(server, db, "\"Odd Schema\".latin"))
            // Standard output.
            let stdout = try pgfunnel(server, ["export", "-t", Self.table, "--format", "csv", db])
            XCTAssertEqual(stdout.status, 0, stdout.stderr.text)
            XCTAssertEqual(stdout.stdout, try psqlCopy(server, db, "COPY \(Self.table) TO STDOUT (FORMAT csv)"))
        }
    }

    func testCompressedRoundTrips() throws {
        try withServers { server, db in
            let original = try checksum(server, db, Self.table)
            let plain = try psqlCopy(server, db, "COPY \(Self.table) TO STDOUT")
            for (method, tool, magic) in [("gzip", "/usr/bin/gzip", [UInt8]([0x1F, 0x8B])), ("zstd:19", "/usr/bin/zstd", [0x28, 0xB5, 0x2F, 0xFD])] {
                let file = workDir.appendingPathComponent("\(server.major)-\(method).cmp")
                let result = try pgfunnel(server, ["export", "-t", Self.table, "--compress", method, "-f", file.path, db])
                XCTAssertEqual(result.status, 0, result.stderr.text)
                let bytes = try Data(contentsOf: file)
                XCTAssertEqual([UInt8](bytes.prefix(magic.count)), magic)
                if FileManager.default.isExecutableFile(atPath: tool) {
                    let d = try ProcessRunner.run(executable: URL(fileURLWithPath: tool), arguments: ["-dc", file.path])
                    XCTAssertEqual(d.status, 0, d.stderr.text)
                    XCTAssertEqual(d.stdout, plain, "\(tool) -dc of the \(method) export")
                }
                try server.psql("DROP TABLE IF EXISTS \"Odd Schema\".target; CREATE TABLE \"Odd Schema\".target (LIKE \(Self.table));", database: db)
                let load = try pgfunnel(server, ["load", "-t", "\"Odd Schema\".target", "-f", file.path, "-d", db])
                XCTAssertEqual(load.status, 0, load.stderr.text)
                XCTAssertEqual(try checksum(server, db, "\"Odd Schema\".target"), original, method)
                // Truncated compressed input: exit 1, nothing loaded.
                try server.psql("TRUNCATE \"Odd Schema\".target;", database: db)
                let cut = try pgfunnel(server, ["load", "-t", "\"Odd Schema\".target", "-d", db], stdin: bytes.prefix(bytes.count - 6))
                XCTAssertEqual(cut.status, 1, cut.stderr.text)
                XCTAssertTrue(cut.stderr.text.hasPrefix("pgfunnel: error: "), cut.stderr.text)
                XCTAssertEqual(try checksum(server, db, "\"Odd Schema\".target"), "0:" + "d41d8cd98f00b204e9800998ecf8427e")
            }
        }
    }

    func testFailuresExitOneAndLeaveNoFile() throws {
        try withServers { server, db in
            let outDir = workDir.appendingPathComponent("out-\(server.major)")
            try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
            let target = outDir.appendingPathComponent("x.csv").path
            let attempts: [[String]] = [
                ["export", "-t", Self.table, "--columns", "id,nosuchcolumn", "-f", target, db],
                ["export", "--query", "SELECT 1/0 FROM generate_series(1, 100000)", "-f", target, db],
                ["export", "-t", "nosuchtable", "--compress", "zstd", "-f", target, db],
                ["export", "-t", Self.table, "-f", target, "-d", "host=\(workDir.path)/no-server port=1 dbname=\(db) connect_timeout=2"],
                ["export", "-t", Self.table, "--format", "binary", "--header", "-f", target, db],
            ]
            for args in attempts {
                let result = try pgfunnel(server, args)
                XCTAssertEqual(result.status, 1, "\(args): \(result.stderr.text)")
                let errors = result.stderr.text.split(separator: "\n").filter { $0.hasPrefix("pgfunnel: error: ") }
                XCTAssertEqual(errors.count, 1, "\(args): \(result.stderr.text)")
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outDir.path), [], "\(args) left a file")
            }
            // load: a malformed row rejects the whole file.
            try server.psql("CREATE TABLE \"Odd Schema\".target (LIKE \(Self.table));", database: db)
            let bad = Data("1\tok\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\nnot-a-number\tx\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n".utf8)
            let load = try pgfunnel(server, ["load", "-t", "\"Odd Schema\".target", "-d", db], stdin: bad)
            XCTAssertEqual(load.status, 1, load.stderr.text)
            XCTAssertTrue(load.stderr.text.hasPrefix("pgfunnel: error: "), load.stderr.text)
            XCTAssertEqual(try checksum(server, db, "\"Odd Schema\".target"), "0:d41d8cd98f00b204e9800998ecf8427e")
            let missing = try pgfunnel(server, ["load", "-t", "\"Odd Schema\".target", "-f", outDir.appendingPathComponent("nope").path, db])
            XCTAssertEqual(missing.status, 1)
            XCTAssertTrue(missing.stderr.text.hasPrefix("pgfunnel: error: "), missing.stderr.text)
        }
    }

    /// The server dies while the COPY streams: exit 1, one error line, and the temporary file
    /// (which existed and was growing) is gone.
    func testServerKilledMidExportLeavesNoFile() throws {
        guard ReferenceTools.hasServer(major: 15) else { throw XCTSkip("PostgreSQL 15 is not installed") }
        let server = try TestServer.dedicated(major: 15)
        defer { server.shutdown() }
        let outDir = workDir.appendingPathComponent("killed")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let target = outDir.appendingPathComponent("big.txt").path
        let result = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            result.value = try? self.pgfunnel(server, ["export", "--query", "SELECT g, repeat('x', 200) FROM generate_series(1, 50000000) g",
                                                 "-f", target, "postgres"])
            done.signal()
        }
        // Wait until the temporary file has data, then kill the server.
        var sawTemporary = false
        for _ in 0..<600 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: outDir.path)) ?? []
            if let tmp = names.first(where: { $0.hasPrefix(".big.txt.pgfunnel-") }),
               let size = try? FileManager.default.attributesOfItem(atPath: outDir.appendingPathComponent(tmp).path)[.size] as? Int,
               size > 0 {
                sawTemporary = true
                break
            }
            usleep(50_000)
        }
        XCTAssertTrue(sawTemporary, "export never started writing")
        try server.kill()
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success)
        let output = try XCTUnwrap(result.value)
        XCTAssertEqual(output.status, 1, output.stderr.text)
        XCTAssertEqual(output.stderr.text.split(separator: "\n").filter { $0.hasPrefix("pgfunnel: error: ") }.count, 1, output.stderr.text)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outDir.path), [], "file left behind")
    }
}

/// Hands a child's outcome from the thread that waited for it (read after the semaphore).
private final class OutcomeBox: @unchecked Sendable {
    var value: ProcessOutput?
}
