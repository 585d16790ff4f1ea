import Foundation
import XCTest
import Archive
import TestSupport

/// Both real gpbackup sample sets become archives the real pg_restore reads: listings identical
/// to pgfunnel's, scripts accepted, and pgfunnel's script identical to pg_restore's.
final class ImportGPBackupArchiveTests: XCTestCase {
    var workDir: URL!

    override func setUpWithError() throws {
        workDir = try Fixtures.temporaryDirectory("import-archive")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: workDir)
    }

    func importSample(_ name: String, _ extra: [String] = []) throws -> URL {
        let archive = workDir.appendingPathComponent("\(name).dump")
        try Tools.importSet(ImportSamples.set(name), to: archive, extra)
        return archive
    }

    func testListingsMatchPgRestore15And18() throws {
        for name in ImportSamples.setNames {
            let archive = try importSample(name)
            for major in [15, 18] {
                let real = try Tools.run(Tools.pg(major, "pg_restore"), ["-l", archive.path])
                XCTAssertEqual(real.status, 0, "\(name) pg_restore \(major) -l: \(real.stderr)")
                let ours = try Tools.pgfunnel(["restore", "-l", "--release", "\(major)", archive.path])
                XCTAssertEqual(ours.status, 0, ours.stderr)
                XCTAssertEqual(ours.stdout, real.stdout, "\(name): pgfunnel restore -l differs from pg_restore \(major) -l")
                // 24 entries: 3 special, public + 2 schemas, ACL on public, function, 8 tables, 8 table data.
                XCTAssertEqual(real.stdout.split(separator: "\n").filter { $0.contains(" TABLE DATA ") }.count, 8, name)
            }
        }
    }

    func testPgRestoreScriptAcceptsAndMatchesPgfunnel() throws {
        for name in ImportSamples.setNames {
            let archive = try importSample(name)
            for major in [15, 18] {
                let real = try Tools.run(Tools.pg(major, "pg_restore"), ["-f", "-", "--restrict-key", "k", archive.path])
                XCTAssertEqual(real.status, 0, "\(name) pg_restore \(major) -f -: \(real.stderr)")
                XCTAssertEqual(real.stderr, "", name)
                XCTAssertTrue(real.stdout.contains("COPY schemaone.tablefour (i) FROM stdin;"), name)
                // Every COPY block ends with pg_dump's end-of-data marker.
                XCTAssertEqual(real.stdout.components(separatedBy: "\n\\.\n\n").count - 1, 8, name)
                XCTAssertFalse(real.stdout.contains("DISTRIBUTED"), "Greenplum-only clause left in \(name)")
                let ours = try Tools.pgfunnel(["restore", "-f", "-", "--restrict-key", "k", "--release", "\(major)", archive.path])
                XCTAssertEqual(ours.status, 0, ours.stderr)
                XCTAssertEqual(ours.stdout, real.stdout, "\(name): pgfunnel restore -f differs from pg_restore \(major)")
            }
        }
    }

    func testTocEntriesHaveNoEmptyStringsAndDataOffsets() throws {
        let archive = try importSample("2-segment-db-single-data-file")
        let reader = try ArchiveReader(path: archive.path)
        XCTAssertEqual(reader.entries.map(\.dumpId), Array(1...reader.entries.count))
        XCTAssertEqual(reader.entries.prefix(3).map(\.desc), ["ENCODING", "STDSTRINGS", "SEARCHPATH"])
        // The special entries are field for field what pg_dump 15 writes (dump ids aside).
        let pgDump = try ArchiveReader(path: Fixtures.archiveDirectory.appendingPathComponent("pg15-gzip.dump").path)
        for var ours in reader.entries.prefix(3) {
            var theirs = try XCTUnwrap(pgDump.entries.first { $0.desc == ours.desc })
            theirs.dumpId = 0
            ours.dumpId = 0
            XCTAssertEqual(ours, theirs)
        }
        for e in reader.entries {
            XCTAssertNotEqual(e.tablespace, "", e.label)
            XCTAssertNotEqual(e.tableAccessMethod, "", e.label)
            XCTAssertNotEqual(e.owner, "", e.label)
            XCTAssertTrue(e.dependencies.allSatisfy { $0 < e.dumpId }, "\(e.label) depends on a later entry")
            if e.desc == "TABLE DATA" {
                XCTAssertTrue(e.hasData)
                XCTAssertEqual(e.dataState, .set, e.label)
                XCTAssertFalse(e.dependencies.isEmpty, e.label)
            }
        }
    }

    func testSelectionAndCompressionOptions() throws {
        let name = "2-segment-db"
        let onlyOne = try importSample(name, ["-t", "schematwo.tablefour", "-Z", "zstd"])
        let list = try Tools.run(Tools.pg(18, "pg_restore"), ["-l", onlyOne.path])
        XCTAssertEqual(list.status, 0, list.stderr)
        let entries = list.stdout.split(separator: "\n").filter { !$0.hasPrefix(";") }.map { String($0) }
        XCTAssertEqual(entries.count, 2, "\(entries)")
        XCTAssertTrue(list.stdout.contains("Compression: zstd"))

        let schemaOnly = try importSample(name, ["-n", "schemaone", "-s"])
        let schemaList = try Tools.run(Tools.pg(15, "pg_restore"), ["-l", schemaOnly.path]).stdout
        XCTAssertFalse(schemaList.contains("TABLE DATA"))
        XCTAssertFalse(schemaList.contains("schematwo"))
        XCTAssertTrue(schemaList.contains("SCHEMA - schemaone"))

        let dataOnly = workDir.appendingPathComponent("data.dump")
        let result = try Tools.importSet(ImportSamples.set(name), to: dataOnly, ["-a", "-Z", "none", "--report", workDir.appendingPathComponent("r.txt").path])
        let dataList = try Tools.run(Tools.pg(15, "pg_restore"), ["-l", dataOnly.path]).stdout
        XCTAssertEqual(dataList.split(separator: "\n").filter { !$0.hasPrefix(";") }.count, 8)
        XCTAssertTrue(result.stderr.contains("22202 row(s) matching rowscopied"), result.stderr)
        let report = try String(contentsOf: workDir.appendingPathComponent("r.txt"), encoding: .utf8)
        XCTAssertTrue(report.contains("rewritten: TABLE schemaone.tableone: removed DISTRIBUTED BY (i)"), report)
        XCTAssertTrue(report.contains("rows: schemaone.tablefour: 10000 (rowscopied 10000"), report)
    }
}
