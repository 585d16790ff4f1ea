import Archive
import Foundation
import TestSupport
import XCTest

/// `pgfunnel dump --compress-jobs N`: the archive does not depend on N (only the header's
/// creation time may differ between two runs), and the real pg_restore reads it.
final class DumpCompressJobsTests: XCTestCase {
    func pgfunnel(_ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args, environment: nil)
    }

    /// Several MB of mixed rows: many 128 KiB blocks per table, so workers really share a table.
    static let sourceSQL = """
        CREATE TABLE wide (id int PRIMARY KEY, name text, amount numeric, at timestamptz, doc jsonb, raw bytea);
        INSERT INTO wide SELECT g, 'name ' || md5(g::text), g * 1.25, timestamptz '2024-01-01' + g * interval '1 minute',
               jsonb_build_object('g', g, 'h', md5((g * 7)::text)), decode(md5(g::text), 'hex')
        FROM generate_series(1, 60000) g;
        CREATE TABLE small (k int, v text);
        INSERT INTO small VALUES (1, 'one'), (2, 'two');
        CREATE TABLE empty (k int);
        """

    func testArchiveIsTheSameForAnyNumberOfCompressionThreads() throws {
        let server = try TestServer.shared(major: 15)
        let db = try server.freshDatabase(prefix: "cjobs")
        _ = try server.psql(Self.sourceSQL, database: db)
        let dir = try Fixtures.temporaryDirectory("cjobs")
        defer { try? FileManager.default.removeItem(at: dir) }
        for compress in ["6", "1", "zstd"] {
            var archives: [[UInt8]] = []
            var dataStart: Int64 = 0
            for jobs in ["1", "3"] {
                let path = dir.appendingPathComponent("j\(jobs)-\(compress).dump").path
                // --no-sync (no fsync before the rename) must not change a byte either.
                let out = try pgfunnel(["dump", "-Z", compress, "--compress-jobs", jobs, "--no-manifest", "-d", server.conninfo(database: db), "-f", path]
                                       + (jobs == "3" ? ["--no-sync"] : []))
                XCTAssertEqual(out.status, 0, out.stderr.text)
                archives.append(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
                dataStart = try ArchiveReader(path: path).dataStart
                // pg_restore 15 reads the gzip archives, 18 the zstd ones (15 has no zstd).
                let pgRestore = try XCTUnwrap(ReferenceTools.binary("pg_restore", major: compress == "zstd" ? 18 : 15))
                let script = try ProcessRunner.run(executable: pgRestore, arguments: ["-f", "-", path], environment: nil)
                XCTAssertEqual(script.status, 0, script.stderr.text)
                XCTAssertTrue(script.stdout.text.contains("60000\tname "), "-Z \(compress): last row missing from pg_restore's script")
            }
            XCTAssertEqual(archives[0].count, archives[1].count, "-Z \(compress)")
            let differing = zip(archives[0], archives[1]).enumerated().filter { $0.element.0 != $0.element.1 }.map { $0.offset }
            // Only the header (creation time) may differ; TOC and every data block are the same bytes.
            XCTAssertTrue(differing.allSatisfy { $0 < 60 }, "-Z \(compress): bytes differ at \(differing.prefix(10)) (data starts at \(dataStart))")
        }
        // The threads really are optional: a bad count is refused with a message.
        let bad = try pgfunnel(["dump", "--compress-jobs", "0", "-d", server.conninfo(database: db), "-f", dir.appendingPathComponent("x").path])
        XCTAssertNotEqual(bad.status, 0)
    }
}
