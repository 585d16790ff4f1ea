import Foundation
import XCTest
import CZstd
import TestSupport

/// Hand-built gpbackup sets (GPBackupTestSets) through the whole path: import to an archive, the
/// real pg_restore 15 into a fresh PostgreSQL 15 database with --exit-on-error, and `-d`; then
/// every leaf partition holds the rows Greenplum had in it, and every table its row count.
final class ImportGPBackupBuiltSetTests: XCTestCase {
    static func zstd(_ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
        let written = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { inp in ZSTD_compress(out.baseAddress, out.count, inp.baseAddress, inp.count, 3) }
        }
        precondition(ZSTD_isError(written) == 0)
        return Array(output.prefix(written))
    }

    /// `leaf → rows` of a partitioned table, as PostgreSQL routed them.
    func leafCounts(_ server: TestServer, _ db: String, root: String) throws -> [String: Int64] {
        let out = try server.psql("SELECT tableoid::regclass::text, count(*) FROM \(root) GROUP BY 1", database: db)
        var result: [String: Int64] = [:]
        for line in out.split(separator: "\n") {
            let cells = line.split(separator: "|")
            if cells.count == 2, let n = Int64(cells[1]) { result[String(cells[0])] = n }
        }
        return result
    }

    /// Imports `builder`'s set and restores it twice: pg_restore 15 from the archive, and `-d`.
    func restoreBoth(_ builder: GPBackupSetBuilder, compress: ([UInt8]) -> [UInt8] = { $0 }, name: String,
                     check: (TestServer, String) throws -> Void) throws {
        let server = try TestServer.shared(major: 15)
        let work = try Fixtures.temporaryDirectory("built-\(name)")
        defer { try? FileManager.default.removeItem(at: work) }
        let setDir = work.appendingPathComponent("set")
        try builder.write(to: setDir, compress: compress)
        let archive = work.appendingPathComponent("\(name).dump")
        try Tools.importSet(setDir, to: archive)

        let viaArchive = try server.freshDatabase(prefix: "built_pgr")
        defer { try? server.dropDatabase(viaArchive) }
        let restore = try server.runTool("pg_restore", args: ["--exit-on-error", "-d", viaArchive, archive.path])
        XCTAssertEqual(restore.status, 0, "\(name): pg_restore: \(restore.stderr.text)")
        try check(server, viaArchive)

        let direct = try server.freshDatabase(prefix: "built_direct")
        defer { try? server.dropDatabase(direct) }
        // The direct path stages nothing: a TMPDIR that does not exist is never needed.
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = work.appendingPathComponent("no-such-dir").path
        let imported = try Tools.run(Fixtures.pgfunnelBinary.path, ["import-gpbackup", "--backup-dir", setDir.path, "-e",
                                                                    "-d", server.conninfo(database: direct)], environment: environment)
        XCTAssertEqual(imported.status, 0, "\(name): import -d: \(imported.stderr)")
        try check(server, direct)
        let a = try server.runTool("pg_dump", args: ["-d", viaArchive]).stdout.text
        let b = try server.runTool("pg_dump", args: ["-d", direct]).stdout.text
        func strip(_ s: String) -> String { s.split(separator: "\n").filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n") }
        XCTAssertEqual(strip(a), strip(b), "\(name): -d and import-then-restore differ")
    }

    func testGreenplum6PartitionsLandInTheirLeavesInBothModes() throws {
        for leafData in [true, false] {
            let sets = GPBackupTestSets.greenplum6Partitions(leafData: leafData)
            XCTAssertEqual(sets.leafCounts.values.reduce(0, +), 70)
            try restoreBoth(sets.builder, name: "gp6-\(leafData)") { server, db in
                var all: [String: Int64] = [:]
                for root in ["public.sales", "public.events"] {
                    all.merge(try leafCounts(server, db, root: root)) { a, _ in a }
                }
                XCTAssertEqual(all, sets.leafCounts, "leafData \(leafData)")
            }
        }
    }

    func testGreenplum7PartitionsInBothModes() throws {
        for leafData in [true, false] {
            let sets = GPBackupTestSets.greenplum7Partitions(leafData: leafData)
            try restoreBoth(sets.builder, name: "gp7-\(leafData)") { server, db in
                XCTAssertEqual(try leafCounts(server, db, root: "public.metrics"), sets.leafCounts, "leafData \(leafData)")
            }
        }
    }

    func testAwkwardNamesAndTOCReplicatedTable() throws {
        let sets = GPBackupTestSets.awkwardNames()
        var builder = sets.builder
        builder.compression = "zstd"
        try restoreBoth(builder, compress: Self.zstd, name: "awkward") { server, db in
            for (table, rows) in sets.counts {
                XCTAssertEqual(try server.psql("SELECT count(*) FROM \(table)", database: db), "\(rows)\n", table)
            }
            let values = try server.psql("SELECT \"Id\", coalesce(\"from\", '<null>'), \"Ünïcode, col\" FROM \"My \"\"Odd\"\" Schema.x\".\"Tablé Ünï \"\"q\"\"\" ORDER BY 1", database: db)
            XCTAssertEqual(values, "1|a,b|ü\n2|<null>|\n3|multi\nline|tab\there\n4|back\\slash|日本語\n")
            let constraint = try server.psql("SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text NOT LIKE 'pg_%'", database: db)
            XCTAssertEqual(constraint, "Pk \"1\"\n")
        }
    }
}
