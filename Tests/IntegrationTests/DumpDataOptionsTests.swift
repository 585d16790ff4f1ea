import Foundation
import TestSupport
import XCTest

/// `pgfunnel dump` with --inserts and friends, --load-via-partition-root, --include-foreign-data,
/// --section, --filter and the *-and-children patterns, each against the real pg_dump of the
/// server's release: the same `pg_restore -f` script of both custom archives, and the same plain
/// script, apart from the "Dumped by" line.
final class DumpDataOptionsTests: XCTestCase {
    static let schemaSQL = #"""
        CREATE TABLE t1 (id int PRIMARY KEY, n numeric, f float8, r real, b bool, bits bit(3), vb varbit, txt text,
                         g int GENERATED ALWAYS AS (id * 2) STORED, ts timestamptz, gone int, arr int[], o oid, big bigint);
        ALTER TABLE t1 DROP COLUMN gone;
        INSERT INTO t1 VALUES
            (1, 'NaN', 'Infinity', '-Infinity', true, B'101', B'11', 'it''s', DEFAULT, '2020-01-01 10:00+00', '{1,NULL}', 7, -9223372036854775808),
            (2, 1.5e10, -1e-300, 0.1, false, B'000', NULL, E'back\\slash\nnewline ü', DEFAULT, NULL, '{}', 0, 1),
            (3, NULL, 3, NULL, NULL, NULL, B'', '', DEFAULT, 'infinity', NULL, NULL, NULL);
        CREATE TABLE zero ();
        INSERT INTO zero DEFAULT VALUES; INSERT INTO zero DEFAULT VALUES;
        CREATE TABLE ident (id int GENERATED ALWAYS AS IDENTITY, v text);
        INSERT INTO ident (v) VALUES ('a'), ('b');
        CREATE TABLE "Weird ""name" ("Col A" int, "select" text);
        INSERT INTO "Weird ""name" SELECT i, 'r' || i FROM generate_series(1, 250) i;
        CREATE TABLE empty_t (a int);
        CREATE TABLE parted (k int, v text) PARTITION BY RANGE (k);
        CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10) PARTITION BY RANGE (k);
        CREATE TABLE parted_1a PARTITION OF parted_1 FOR VALUES FROM (0) TO (5);
        CREATE TABLE parted_1b PARTITION OF parted_1 FOR VALUES FROM (5) TO (10);
        CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (10) TO (20);
        INSERT INTO parted SELECT i, 'v' || i FROM generate_series(0, 19) i;
        -- Hash partitioning on an enum: pg_dump loads these partitions through the root always.
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE TABLE hp (m mood, x int) PARTITION BY HASH (m);
        CREATE TABLE hp0 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 0);
        CREATE TABLE hp1 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 1);
        INSERT INTO hp VALUES ('sad', 1), ('ok', 2), ('happy', 3);
        CREATE TABLE parent_inh (a int);
        CREATE TABLE child_inh (b int) INHERITS (parent_inh);
        INSERT INTO parent_inh VALUES (1); INSERT INTO child_inh VALUES (2, 3);
        CREATE SCHEMA s2;
        CREATE TABLE s2.other (x int PRIMARY KEY);
        INSERT INTO s2.other VALUES (42);
        CREATE TABLE fkref (id int REFERENCES t1 (id));
        INSERT INTO fkref VALUES (1);
        CREATE INDEX ON fkref (id);
        CREATE EXTENSION file_fdw;
        CREATE SERVER filesrv FOREIGN DATA WRAPPER file_fdw;
        CREATE SERVER othersrv FOREIGN DATA WRAPPER file_fdw;
        CREATE FOREIGN TABLE ft (a int, b text) SERVER filesrv OPTIONS (filename '@CSV@', format 'csv');
        CREATE FOREIGN TABLE ft_other (a int, b text) SERVER othersrv OPTIONS (filename '@CSV@', format 'csv');
        """#

    struct Source {
        let server: TestServer
        let db: String
        let dir: URL
    }

    func pgfunnel(_ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args)
    }

    func makeSource(major: Int) throws -> Source {
        let server = try TestServer.shared(major: major)
        let dir = try Fixtures.temporaryDirectory("dump-dataopts")
        // file_fdw reads the file as the server's OS user.
        let csv = dir.appendingPathComponent("ft.csv")
        try Data("1,one\n2,\"two, too\"\n3,\n".utf8).write(to: csv)
        chmod(dir.path, 0o755)
        chmod(csv.path, 0o644)
        let db = try server.freshDatabase(prefix: "dataopts")
        try server.psql(Self.schemaSQL.replacingOccurrences(of: "@CSV@", with: csv.path), database: db)
        return Source(server: server, db: db, dir: dir)
    }

    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
    }

    func assertSameScript(_ ours: String, _ theirs: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let la = Self.lines(ours), lb = Self.lines(theirs)
        let first = (0..<min(la.count, lb.count)).first { la[$0] != lb[$0] }
        XCTAssertNil(first, "\(what): scripts differ at line \(first.map { $0 + 1 } ?? 0): \(first.map { String(la[$0]) } ?? "") | \(first.map { String(lb[$0]) } ?? "")",
                     file: file, line: line)
        XCTAssertEqual(la.count, lb.count, "\(what): line counts differ", file: file, line: line)
        XCTAssertGreaterThan(la.count, 10, "\(what): suspiciously short script", file: file, line: line)
    }

    /// pgfunnel with `ours` vs pg_dump with `theirs` (the same options unless pg_dump of that
    /// release lacks them): custom archives through pg_restore -f, and plain scripts.
    func compare(_ s: Source, ours: [String], theirs: [String]? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let theirs = theirs ?? ours
        let conn = s.server.conninfo(database: s.db)
        let what = "\(s.server.major) \(ours.joined(separator: " "))"
        let a = s.dir.appendingPathComponent("ours.dump").path
        let b = s.dir.appendingPathComponent("theirs.dump").path
        let mine = try pgfunnel(["dump", "-d", conn, "-f", a] + ours)
        XCTAssertEqual(mine.status, 0, "\(what): \(mine.stderr.text)", file: file, line: line)
        let ref = try s.server.runTool("pg_dump", args: ["-Fc", "-f", b, "-d", conn] + theirs)
        XCTAssertEqual(ref.status, 0, "\(what): \(ref.stderr.text)", file: file, line: line)
        let sa = try s.server.runTool("pg_restore", args: ["-f", "-", "--restrict-key", "K", a])
        let sb = try s.server.runTool("pg_restore", args: ["-f", "-", "--restrict-key", "K", b])
        XCTAssertEqual(sa.status, 0, "\(what): \(sa.stderr.text)", file: file, line: line)
        assertSameScript(sa.stdout.text, sb.stdout.text, "\(what) -Fc", file: file, line: line)
        // The TOC agrees too, dependencies included (by what they point at: dump ids differ).
        XCTAssertEqual(try toc(a), try toc(b), "\(what): TOC entries or dependencies differ", file: file, line: line)
        let pa = try pgfunnel(["dump", "-F", "p", "--restrict-key", "K", "-d", conn] + ours)
        let pb = try s.server.runTool("pg_dump", args: ["-Fp", "--restrict-key", "K", "-d", conn] + theirs)
        XCTAssertEqual(pa.status, 0, "\(what) -Fp: \(pa.stderr.text)", file: file, line: line)
        assertSameScript(pa.stdout.text, pb.stdout.text, "\(what) -Fp", file: file, line: line)
    }

    /// Each TOC entry as "desc|tag|section -> dependencies", a dependency named by the desc and
    /// tag of its entry, or "absent" when it points outside the archive (a TABLE DATA entry's
    /// table under --section data).
    func toc(_ archive: String) throws -> [String] {
        let out = try pgfunnel(["restore", "-l", "--json", archive])
        guard out.status == 0, let json = try JSONSerialization.jsonObject(with: Data(out.stdout.text.utf8)) as? [String: Any],
              let entries = json["entries"] as? [[String: Any]] else { throw TestSupportError.setupFailed("unreadable TOC of \(archive): \(out.stderr.text)") }
        var names: [Int: String] = [:]
        for e in entries { names[e["dumpId"] as? Int ?? -1] = "\(e["desc"] ?? "")|\(e["tag"] ?? "")" }
        return entries.map { e in
            let deps = (e["dependencies"] as? [Int] ?? []).map { names[$0] ?? "absent" }.sorted()
            return "\(e["desc"] ?? "")|\(e["tag"] ?? "")|\(e["section"] ?? "") -> \(deps.joined(separator: ", "))"
        }
    }

    func testInsertsMatchPgDump() throws {
        for major in [15, 18] {
            let s = try makeSource(major: major)
            defer { try? FileManager.default.removeItem(at: s.dir) }
            try compare(s, ours: ["--inserts"])
            try compare(s, ours: ["--column-inserts"])
            try compare(s, ours: ["--attribute-inserts", "--rows-per-insert", "7", "--on-conflict-do-nothing"])
            try compare(s, ours: ["--rows-per-insert=100"])
            try compare(s, ours: ["--inserts", "--on-conflict-do-nothing", "--load-via-partition-root"])
        }
    }

    func testInsertsArchiveRoundTripsThroughRealPgRestore() throws {
        for major in [15, 18] {
            let s = try makeSource(major: major)
            defer { try? FileManager.default.removeItem(at: s.dir) }
            for options in [["--inserts"], ["--column-inserts", "--rows-per-insert", "3"]] {
                let archive = s.dir.appendingPathComponent("ins.dump").path
                let out = try pgfunnel(["dump", "-d", s.server.conninfo(database: s.db), "-f", archive] + options)
                XCTAssertEqual(out.status, 0, out.stderr.text)
                let target = try s.server.freshDatabase(prefix: "dataoptsdst")
                let restore = try s.server.runTool("pg_restore", args: ["--exit-on-error", "-d", s.server.conninfo(database: target), archive])
                XCTAssertEqual(restore.status, 0, "pg_restore \(major) \(options): \(restore.stderr.text)")
                XCTAssertEqual(try contents(s.server, target), try contents(s.server, s.db), "\(major) \(options)")
            }
        }
    }

    /// Every table's rows (sorted text) and the identity sequence's position.
    func contents(_ server: TestServer, _ db: String) throws -> String {
        try server.psql(#"""
            SELECT string_agg(format('%s %s', c.oid::regclass,
                     (xpath('/row/r/text()', query_to_xml(format(
                        'SELECT count(*) || '' '' || coalesce(string_agg(x::text, ''|'' ORDER BY x::text), '''') AS r FROM ONLY %s x',
                        c.oid::regclass), false, true, '')))[1]::text), E'\n' ORDER BY c.oid::regclass::text)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relname NOT IN ('hp0', 'hp1')
            """#, database: db) + (try server.psql("SELECT last_value FROM ident_id_seq", database: db))
            // Enum hash partitions may place rows differently after a restore: compared through the root.
            + (try server.psql("SELECT string_agg(x::text, '|' ORDER BY x::text) FROM hp x", database: db))
    }

    func testLoadViaPartitionRootMatchesPgDump() throws {
        for major in [15, 18] {
            let s = try makeSource(major: major)
            defer { try? FileManager.default.removeItem(at: s.dir) }
            try compare(s, ours: ["--load-via-partition-root"])
            try compare(s, ours: ["--load-via-partition-root", "-t", "parted_1b", "-t", "parted_2"])
            try compare(s, ours: ["--load-via-partition-root", "-a"])
            try compare(s, ours: ["-t", "hp0", "-t", "hp1", "--inserts"])
        }
    }

    func testIncludeForeignDataMatchesPgDump() throws {
        for major in [15, 18] {
            let s = try makeSource(major: major)
            defer { try? FileManager.default.removeItem(at: s.dir) }
            try compare(s, ours: ["--include-foreign-data=filesrv"])
            try compare(s, ours: ["--include-foreign-data", "file*", "--inserts"])
            try compare(s, ours: ["--include-foreign-data=filesrv", "-a", "-t", "ft"])
        }
    }

    func testSectionMatchesPgDump() throws {
        for major in [15, 18] {
            let s = try makeSource(major: major)
            defer { try? FileManager.default.removeItem(at: s.dir) }
            try compare(s, ours: ["--section", "pre-data"])
            try compare(s, ours: ["--section=data"])
            try compare(s, ours: ["--section", "post-data"])
            try compare(s, ours: ["--section", "pre-data", "--section", "post-data"])
            try compare(s, ours: ["--section", "data", "--inserts", "-t", "t1"])
        }
    }

    func testAndChildrenPatternsMatchPgDump() throws {
        for major in [15, 18] {
            let s = try makeSource(major: major)
            defer { try? FileManager.default.removeItem(at: s.dir) }
            // pg_dump 15 has no *-and-children options: its reference names the children explicitly.
            let modern = major >= 16
            try compare(s, ours: ["--table-and-children", "parted_1"],
                        theirs: modern ? nil : ["-t", "parted_1", "-t", "parted_1a", "-t", "parted_1b"])
            try compare(s, ours: ["--exclude-table-and-children", "parent_inh"],
                        theirs: modern ? nil : ["-T", "parent_inh", "-T", "child_inh"])
            try compare(s, ours: ["--exclude-table-data-and-children", "parted"],
                        theirs: modern ? nil : ["--exclude-table-data", "parted*"])
        }
    }

    func testFilterFileMatchesPgDump() throws {
        for major in [15, 18] {
            let s = try makeSource(major: major)
            defer { try? FileManager.default.removeItem(at: s.dir) }
            let filter = s.dir.appendingPathComponent("filter.txt")
            try """
                # tables to dump
                include table t1
                INCLUDE   TABLE   "Weird ""name"   # trailing comment

                include table_and_children public.parted_1
                include table s2 . other
                exclude table_data "Weird ""name"
                include foreign_data filesrv
                include table ft
                """.write(to: filter, atomically: true, encoding: .utf8)
            // pg_dump 15 has no --filter: the reference spells the same selection as options.
            try compare(s, ours: ["--filter", filter.path],
                        theirs: major >= 17 ? nil : ["-t", "t1", "-t", "\"Weird \"\"name\"", "-t", "parted_1", "-t", "parted_1a",
                                                     "-t", "parted_1b", "-t", "s2.other", "--exclude-table-data", "\"Weird \"\"name\"",
                                                     "--include-foreign-data", "filesrv", "-t", "ft"])
            let excl = s.dir.appendingPathComponent("exclude.txt")
            try "exclude schema s2\nexclude table_and_children parent_inh\nexclude table_data_and_children parted\n"
                .write(to: excl, atomically: true, encoding: .utf8)
            try compare(s, ours: ["--filter", excl.path],
                        theirs: major >= 17 ? nil : ["-N", "s2", "-T", "parent_inh", "-T", "child_inh", "--exclude-table-data", "parted*"])
        }
    }

    /// pg_dump's message for a bad filter line, with "pg_dump" in place of "pgfunnel".
    func testFilterFileErrorsMatchPgDump18() throws {
        let server = try TestServer.shared(major: 18)
        let dir = try Fixtures.temporaryDirectory("dump-filter-err")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases = [
            "include table_data t1\n", "exclude foreign_data x\n", "include index i\n", "frobnicate table t\n",
            "include\n", "include tablez t\n", "include table\n", "# ok\n\ninclude table \"unterminated\n", "exclude database d\n",
        ]
        for (i, text) in cases.enumerated() {
            let path = dir.appendingPathComponent("f\(i).txt").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let ours = try pgfunnel(["dump", "-d", server.conninfo(), "-f", dir.appendingPathComponent("x.dump").path, "--filter", path])
            let theirs = try server.runTool("pg_dump", args: ["-d", server.conninfo(), "-f", dir.appendingPathComponent("y.sql").path,
                                                              "--filter", path])
            XCTAssertNotEqual(ours.status, 0, text)
            XCTAssertNotEqual(theirs.status, 0, text)
            XCTAssertEqual(Self.firstError(ours.stderr.text, tool: "pgfunnel"), Self.firstError(theirs.stderr.text, tool: "pg_dump"), text)
        }
        let missing = try pgfunnel(["dump", "-d", server.conninfo(), "--filter", dir.appendingPathComponent("nope").path])
        XCTAssertTrue(missing.stderr.text.contains("could not open filter file"), missing.stderr.text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.dump").path))
    }

    static func firstError(_ stderr: String, tool: String) -> String {
        let line = stderr.split(separator: "\n").first { $0.hasPrefix("\(tool): error: ") } ?? ""
        return String(line.dropFirst("\(tool): error: ".count))
    }

    /// Option errors as pg_dump gives them.
    func testOptionErrorsMatchPgDump() throws {
        for major in [15, 18] {
            let server = try TestServer.shared(major: major)
            let cases: [[String]] = [
                ["--on-conflict-do-nothing"], ["--rows-per-insert", "0"], ["--rows-per-insert", "abc"],
                ["-s", "--include-foreign-data", "x"], ["--include-foreign-data", "nosuchserver"],
                ["--include-foreign-data", "a.b"], ["--section", "middle"],
            ]
            let dir = try Fixtures.temporaryDirectory("dump-opt-err")
            defer { try? FileManager.default.removeItem(at: dir) }
            for args in cases {
                let target = dir.appendingPathComponent("x.dump").path
                let ours = try pgfunnel(["dump", "-d", server.conninfo(), "-f", target] + args)
                XCTAssertFalse(FileManager.default.fileExists(atPath: target), "\(args) left a file")
                let theirs = try server.runTool("pg_dump", args: ["-d", server.conninfo(), "-f", "/dev/null"] + args)
                XCTAssertNotEqual(ours.status, 0, "\(args)")
                XCTAssertNotEqual(theirs.status, 0, "\(args)")
                XCTAssertEqual(Self.firstError(ours.stderr.text, tool: "pgfunnel"), Self.firstError(theirs.stderr.text, tool: "pg_dump"),
                               "\(major) \(args)")
            }
        }
    }
}
