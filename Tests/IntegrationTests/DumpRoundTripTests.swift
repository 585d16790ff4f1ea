import Foundation
import TestSupport
import XCTest

/// `pgfunnel dump` against real servers: the real pg_restore replays its archive into an
/// identical database, its script equals pg_dump's, and failures leave nothing behind.
final class DumpRoundTripTests: XCTestCase {
    /// A database of the object kinds the dumper covers completely today (relations and their
    /// data, sequences, constraints, indexes, views, triggers' tables, comments, privileges,
    /// large objects), with awkward names and data.
    static let schemaSQL = #"""
        CREATE ROLE dump_reader;
        CREATE SCHEMA "Sales Dept";
        CREATE TABLE "Sales Dept"."Order ""Lines""" (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer text NOT NULL DEFAULT 'nobody',
            note text,
            amount numeric(12,2) CHECK (amount >= 0),
            tags text[],
            doc jsonb,
            raw bytea,
            total numeric GENERATED ALWAYS AS (amount * 2) STORED
        );
        COMMENT ON TABLE "Sales Dept"."Order ""Lines""" IS 'order lines; it''s "quoted"';
        COMMENT ON COLUMN "Sales Dept"."Order ""Lines""".note IS 'free text';
        CREATE INDEX ON "Sales Dept"."Order ""Lines""" (lower(customer)) WHERE note IS NOT NULL;
        CREATE TABLE public.parent (id int PRIMARY KEY, name varchar(40) UNIQUE);
        CREATE TABLE public.child (id serial PRIMARY KEY, parent_id int REFERENCES public.parent ON DELETE CASCADE, v text);
        CREATE SEQUENCE public.standalone START 100 INCREMENT 5;
        SELECT setval('public.standalone', 150);
        CREATE VIEW public.child_view AS SELECT c.id, p.name FROM public.child c JOIN public.parent p ON p.id = c.parent_id;
        CREATE MATERIALIZED VIEW public.counts AS SELECT count(*) AS n FROM public.child;
        CREATE UNLOGGED TABLE public.scratch (k int, v text);
        CREATE TABLE public.measurements (at date NOT NULL, v int) PARTITION BY RANGE (at);
        CREATE TABLE public.measurements_2024 PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        GRANT SELECT ON public.parent TO dump_reader;
        GRANT SELECT (v) ON public.child TO dump_reader;
        GRANT USAGE ON SCHEMA "Sales Dept" TO dump_reader;
        INSERT INTO "Sales Dept"."Order ""Lines""" (customer, note, amount, tags, doc, raw)
        SELECT 'c' || g, CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN '' ELSE E'tab\there\nnewline \\ backslash ü' END,
               g / 3.0, ARRAY['a', NULL, 'q"uote'], jsonb_build_object('g', g), decode('00ff' || lpad(to_hex(g), 4, '0'), 'hex')
        FROM generate_series(1, 5000) g;
        INSERT INTO public.parent SELECT g, 'p' || g FROM generate_series(1, 50) g;
        INSERT INTO public.child (parent_id, v) SELECT 1 + g % 50, repeat('x', g % 20) FROM generate_series(1, 2000) g;
        INSERT INTO public.measurements SELECT date '2024-01-01' + g, g FROM generate_series(0, 200) g;
        INSERT INTO public.scratch VALUES (1, 'gone after restore? no: unlogged data is dumped');
        REFRESH MATERIALIZED VIEW public.counts;
        SELECT lo_from_bytea(0, 'large object contents');
        """#

    func pgfunnel(_ args: [String], env: [String: String]? = nil) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args, environment: env)
    }

    /// Each entry's dependencies, named by desc/namespace/tag (dump ids differ between tools);
    /// ids that are not in the archive are kept as "missing", which pg_dump never writes.
    func dependencyMap(_ archive: String) throws -> [String: [String]] {
        let listing = try pgfunnel(["restore", "-l", "--json", archive])
        XCTAssertEqual(listing.status, 0, listing.stderr.text)
        let json = try JSONSerialization.jsonObject(with: Data(listing.stdout.text.utf8)) as? [String: Any]
        let entries = json?["entries"] as? [[String: Any]] ?? []
        func key(_ e: [String: Any]) -> String {
            "\(e["desc"] as? String ?? "") \(e["namespace"] as? String ?? "-") \(e["tag"] as? String ?? "")"
        }
        var byId: [Int: String] = [:]
        for e in entries { byId[e["dumpId"] as? Int ?? 0] = key(e) }
        var map: [String: [String]] = [:]
        for e in entries {
            // As a set: pg_dump lists a dependency once per path that leads to it.
            map[key(e)] = Set(((e["dependencies"] as? [Int]) ?? []).map { byId[$0] ?? "missing" }).sorted()
        }
        return map
    }

    func makeSource(_ server: TestServer) throws -> String {
        _ = try? server.psql("CREATE ROLE dump_reader")
        let db = try server.freshDatabase(prefix: "dumpsrc")
        _ = try server.psql(Self.schemaSQL.replacingOccurrences(of: "CREATE ROLE dump_reader;", with: ""), database: db)
        return db
    }

    func snapshot(_ server: TestServer, _ db: String) throws -> String {
        let dump = try server.runTool("pg_dump", args: ["--schema-only", "-d", server.conninfo(database: db)])
        let schema = dump.stdout.text.split(separator: "\n").filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
        let sums = try server.psql(#"""
            SELECT string_agg(format('%s %s', c.oid::regclass,
                     (xpath('/row/r/text()', query_to_xml(format(
                        'SELECT count(*) || '' '' || md5(coalesce(string_agg(x::text, ''|'' ORDER BY x::text), '''')) AS r FROM %s x',
                        c.oid::regclass), false, true, '')))[1]::text), E'\n' ORDER BY c.oid::regclass::text)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r','m') AND n.nspname NOT IN ('pg_catalog','information_schema') AND (c.relkind = 'r' OR c.relispopulated)
            """#, database: db)
        let los = try server.psql("SELECT count(*), md5(string_agg(encode(lo_get(oid), 'hex'), ',' ORDER BY oid)) FROM pg_largeobject_metadata", database: db)
        return schema.joined(separator: "\n") + "\n" + sums + los
    }

    func testRoundTripThroughRealPgRestoreOn15And18() throws {
        for major in [15, 18] {
            let server = try TestServer.shared(major: major)
            let source = try makeSource(server)
            let dir = try Fixtures.temporaryDirectory("dump-rt")
            defer { try? FileManager.default.removeItem(at: dir) }
            let archive = dir.appendingPathComponent("ours.dump").path
            let out = try pgfunnel(["dump", "-d", server.conninfo(database: source), "-f", archive])
            XCTAssertEqual(out.status, 0, out.stderr.text)
            let target = try server.freshDatabase(prefix: "dumpdst")
            let restore = try server.runTool("pg_restore", args: ["--exit-on-error", "-d", server.conninfo(database: target), archive])
            XCTAssertEqual(restore.status, 0, "pg_restore \(major): \(restore.stderr.text)")
            XCTAssertEqual(restore.stderr.text, "")
            XCTAssertEqual(try snapshot(server, target), try snapshot(server, source), "database restored from pgfunnel's archive differs (\(major))")
            // The manifest written beside the archive verifies.
            let verify = try pgfunnel(["verify", archive])
            XCTAssertEqual(verify.status, 0, verify.stderr.text)
            XCTAssertTrue(verify.stdout.text.contains("manifest matches"), verify.stdout.text)
        }
    }

    func testScriptEqualsPgDumpScript() throws {
        for major in [15, 18] {
            let server = try TestServer.shared(major: major)
            let source = try makeSource(server)
            let dir = try Fixtures.temporaryDirectory("dump-script")
            defer { try? FileManager.default.removeItem(at: dir) }
            let ours = dir.appendingPathComponent("ours.dump").path
            let theirs = dir.appendingPathComponent("theirs.dump").path
            XCTAssertEqual(try pgfunnel(["dump", "-d", server.conninfo(database: source), "-f", ours]).status, 0)
            XCTAssertEqual(try server.runTool("pg_dump", args: ["-Fc", "-f", theirs, "-d", server.conninfo(database: source)]).status, 0)
            let a = try server.runTool("pg_restore", args: ["-f", "-", "--restrict-key", "K", ours]).stdout.text
            let b = try server.runTool("pg_restore", args: ["-f", "-", "--restrict-key", "K", theirs]).stdout.text
            // The one deliberate difference: "Dumped by pg_dump version" names pgfunnel (README).
            let la = a.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
            let lb = b.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
            let first = (0..<min(la.count, lb.count)).first { la[$0] != lb[$0] }
            XCTAssertNil(first, "scripts differ (\(major)) at line \(first.map { $0 + 1 } ?? 0): \(first.map { String(la[$0]) } ?? "") | \(first.map { String(lb[$0]) } ?? "")")
            XCTAssertEqual(la.count, lb.count)
        }
    }

    /// The team's fixture database (every object kind): pgfunnel's script equals pg_dump's and the
    /// real pg_restore of the same release replays pgfunnel's archive with zero errors into a
    /// database whose schema-only dump and table contents equal the source's.
    func testFixtureDatabaseMatchesPgDumpAndRoundTrips() throws {
        for major in [15, 18] {
            let server = try TestServer.shared(major: major)
            let roles = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-roles.sql"), encoding: .utf8)
            _ = try? server.psql(roles)
            let source = try server.freshDatabase(prefix: "fixture")
            let load = try server.runTool("psql", args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", server.conninfo(database: source),
                                                         "-f", Fixtures.repositoryRoot.appendingPathComponent("fixtures/fixture-db.sql").path])
            XCTAssertEqual(load.status, 0, load.stderr.text)
            let dir = try Fixtures.temporaryDirectory("dump-fixture")
            defer { try? FileManager.default.removeItem(at: dir) }
            let ours = dir.appendingPathComponent("ours.dump").path
            let theirs = dir.appendingPathComponent("theirs.dump").path
            let dumped = try pgfunnel(["dump", "-d", server.conninfo(database: source), "-f", ours])
            XCTAssertEqual(dumped.status, 0, dumped.stderr.text)
            XCTAssertEqual(try server.runTool("pg_dump", args: ["-Fc", "-f", theirs, "-d", server.conninfo(database: source)]).status, 0)
            let a = try server.runTool("pg_restore", args: ["-f", "-", "--restrict-key", "K", ours]).stdout.text
            let b = try server.runTool("pg_restore", args: ["-f", "-", "--restrict-key", "K", theirs]).stdout.text
            let la = a.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
            let lb = b.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
            let differing = (0..<max(la.count, lb.count)).filter { $0 >= la.count || $0 >= lb.count || la[$0] != lb[$0] }
            XCTAssertEqual(differing.count, 0, "fixture scripts differ (\(major)) first at line \(differing.first.map { $0 + 1 } ?? 0)")
            XCTAssertGreaterThan(la.count, 30000)

            // Plain format: the same text pg_dump -Fp writes.
            let plain = try pgfunnel(["dump", "-F", "p", "--restrict-key", "K", "-d", server.conninfo(database: source)])
            XCTAssertEqual(plain.status, 0, plain.stderr.text)
            let plainTheirs = try server.runTool("pg_dump", args: ["-Fp", "--restrict-key", "K", "-d", server.conninfo(database: source)])
            let pa = plain.stdout.text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
            let pb = plainTheirs.stdout.text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
            XCTAssertEqual(pa.count, pb.count, "plain scripts differ in length (\(major))")
            XCTAssertTrue(pa == pb, "plain scripts differ (\(major)) first at line \(((0..<min(pa.count, pb.count)).first { pa[$0] != pb[$0] } ?? 0) + 1)")

            // TOC dependencies (what pg_restore -j schedules by) equal pg_dump's, entry by entry.
            XCTAssertEqual(try dependencyMap(ours), try dependencyMap(theirs), "archive dependencies differ (\(major))")

            // Selections: objects outside them must still order the ones inside, as in pg_dump.
            let oursSelected = dir.appendingPathComponent("ours-selected.dump").path
            let theirsSelected = dir.appendingPathComponent("theirs-selected.dump").path
            for selection in [["-n", "fx"], ["-N", "fx"], ["-n", "fx_part", "-n", "order"], ["-t", "fx.customers"], ["-s", "-n", "fx"]] {
                let dumpedSel = try pgfunnel(["dump", "-d", server.conninfo(database: source), "-f", oursSelected] + selection)
                XCTAssertEqual(dumpedSel.status, 0, dumpedSel.stderr.text)
                XCTAssertEqual(try server.runTool("pg_dump", args: ["-Fc", "-f", theirsSelected, "-d", server.conninfo(database: source)] + selection).status, 0)
                let sa = try server.runTool("pg_restore", args: ["-f", "-", "--restrict-key", "K", oursSelected]).stdout.text
                    .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
                let sb = try server.runTool("pg_restore", args: ["-f", "-", "--restrict-key", "K", theirsSelected]).stdout.text
                    .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("-- Dumped by pg_dump version") }
                let firstDiff = (0..<max(sa.count, sb.count)).first { $0 >= sa.count || $0 >= sb.count || sa[$0] != sb[$0] }
                XCTAssertNil(firstDiff, "scripts for \(selection) differ (\(major)) at line \(firstDiff.map { $0 + 1 } ?? 0): "
                             + "\(firstDiff.flatMap { $0 < sa.count ? String(sa[$0]) : nil } ?? "<end>") | \(firstDiff.flatMap { $0 < sb.count ? String(sb[$0]) : nil } ?? "<end>")")
            }

            let target = try server.freshDatabase(prefix: "fixture_copy")
            let restore = try server.runTool("pg_restore", args: ["--exit-on-error", "-d", server.conninfo(database: target), ours])
            XCTAssertEqual(restore.status, 0, "pg_restore \(major): \(restore.stderr.text)")
            XCTAssertEqual(try snapshot(server, target), try snapshot(server, source), "fixture restored from pgfunnel's archive differs (\(major))")
        }
    }

    /// A source database with one table big enough that its data takes a while to stream.
    func makeBigSource(_ server: TestServer) throws -> String {
        let source = try makeSource(server)
        _ = try server.psql("CREATE TABLE big AS SELECT g, md5(g::text) || repeat('y', 200) AS t FROM generate_series(1, 400000) g", database: source)
        return source
    }

    func assertEmpty(_ dir: URL, _ what: String, _ output: String) throws {
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "\(what) left files: \(output)")
    }

    /// Starts a -Z 9 dump of `source` into `dir`, lets it stream for a moment, calls `interrupt`
    /// and returns the dump's exit status and standard error.
    func dumpInterrupted(_ server: TestServer, _ source: String, into dir: URL,
                         by interrupt: (Process) throws -> Void) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = Fixtures.pgfunnelBinary
        p.arguments = ["dump", "-Z", "9", "-d", server.conninfo(database: source), "-f", dir.appendingPathComponent("x.dump").path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        Thread.sleep(forTimeInterval: 0.8)
        try interrupt(p)
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testSIGINTLeavesNothingBehind() throws {
        let server = try TestServer.shared(major: 15)
        let source = try makeBigSource(server)
        let dir = try Fixtures.temporaryDirectory("dump-sigint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try dumpInterrupted(server, source, into: dir) { kill($0.processIdentifier, SIGINT) }
        XCTAssertNotEqual(result.status, 0, result.stderr)
        try assertEmpty(dir, "SIGINT", result.stderr)
    }

    /// A real full disk: a 4 MB tmpfs mounted for the test (the archive of the source is about
    /// 20 MB at -Z 0). Needs root, as CI and the test harness run.
    func testFullDiskLeavesNothingBehind() throws {
        guard getuid() == 0 else { throw XCTSkip("mounting a tmpfs needs root") }
        let server = try TestServer.shared(major: 15)
        let source = try makeBigSource(server)
        let dir = try Fixtures.temporaryDirectory("dump-fulldisk")
        defer { try? FileManager.default.removeItem(at: dir) }
        let mount = try ProcessRunner.run(executable: URL(fileURLWithPath: "/bin/mount"),
                                          arguments: ["-t", "tmpfs", "-o", "size=4m", "pgfunnel-test", dir.path])
        XCTAssertEqual(mount.status, 0, "mount: \(mount.stderr.text)")
        guard mount.status == 0 else { return }
        defer { _ = try? ProcessRunner.run(executable: URL(fileURLWithPath: "/bin/umount"), arguments: [dir.path]) }
        let result = try pgfunnel(["dump", "-Z", "0", "-d", server.conninfo(database: source), "-f", dir.appendingPathComponent("x.dump").path])
        XCTAssertEqual(result.status, 1, result.stderr.text)
        XCTAssertTrue(result.stderr.text.contains("pgfunnel: error:") && result.stderr.text.contains("No space left on device"),
                      result.stderr.text)
        try assertEmpty(dir, "full disk", result.stderr.text)
    }

    /// A file-size limit (EFBIG) fails writes the way quotas do.
    func testFileSizeLimitLeavesNothingBehind() throws {
        let server = try TestServer.shared(major: 15)
        let source = try makeBigSource(server)
        let dir = try Fixtures.temporaryDirectory("dump-fsize")
        defer { try? FileManager.default.removeItem(at: dir) }
        let limited = try ProcessRunner.run(executable: URL(fileURLWithPath: "/bin/sh"), arguments: [
            "-c", "ulimit -f 200; exec \"$0\" \"$@\"", Fixtures.pgfunnelBinary.path, "dump", "-d", server.conninfo(database: source),
            "-f", dir.appendingPathComponent("x.dump").path])
        XCTAssertNotEqual(limited.status, 0)
        XCTAssertTrue(limited.stderr.text.contains("pgfunnel: error:"), limited.stderr.text)
        try assertEmpty(dir, "file-size limit", limited.stderr.text)
    }

    func testDeadServerLeavesNothingBehind() throws {
        let server = try TestServer.dedicated(major: 15)
        defer { server.shutdown() }
        let source = try makeBigSource(server)
        let dir = try Fixtures.temporaryDirectory("dump-deadserver")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try dumpInterrupted(server, source, into: dir) { _ in try server.kill() }
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("pgfunnel: error:"), result.stderr)
        try assertEmpty(dir, "dead server", result.stderr)
    }
}
