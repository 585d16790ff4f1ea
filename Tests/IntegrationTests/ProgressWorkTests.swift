import Archive
import Dump
import Foundation
import GPBackup
import Restore
import TestSupport
import XCTest

/// The progress line's ETA counts work against a total known up front. These tests run each
/// engine in process with a reporter (drawing to /dev/null) and check that the work reported
/// adds up to that total: otherwise the ETA would stall above zero or vanish early.
final class ProgressWorkTests: XCTestCase {
    private func reporter(verb: String) throws -> (ProgressReporter, Int32) {
        let fd = open("/dev/null", O_WRONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        return (ProgressReporter(verb: verb, fd: fd, interval: 60), fd)
    }

    /// Restore: the total is the archive bytes of every data block restored (their distance to
    /// the next block); the work is each compressed chunk as it is read, and the block's framing
    /// (header, chunk lengths, end marker) once it is read to its end.
    func testRestoreCountsStoredDataUpToItsTotal() throws {
        let archive = try XCTUnwrap(Fixtures.archives.first { $0.lastPathComponent == "pg15-gzip.dump" }
            ?? Fixtures.archives.first { !$0.lastPathComponent.contains("piped") })
        let reader = try ArchiveReader(path: archive.path)
        let dataEntries = reader.entries.filter { $0.hasData && $0.dataState == .set }
        XCTAssertGreaterThan(dataEntries.count, 3, archive.lastPathComponent)
        let (progress, fd) = try reporter(verb: "restoring")
        defer { progress.finish(); close(fd) }
        let dir = try Fixtures.temporaryDirectory("pgfunnel-progress-work")
        let output = try OutputFile(path: dir.appendingPathComponent("out.sql").path, sync: false)
        let restorer = try ArchiveRestorer(reader: reader, options: RestoreOptions(), target: ScriptTarget(output: output),
                                           diagnostics: SilentDiagnostics())
        restorer.progress = progress
        _ = try restorer.run()

        let s = progress.currentSnapshot()
        let lengths = StoredDataLengths.of(reader.entries, fileSize: reader.fileSizeIfKnown)
        let expected = dataEntries.reduce(Int64(0)) { $0 + (lengths[$1.dumpId] ?? 0) }
        XCTAssertEqual(s.workTotal, expected, archive.lastPathComponent)
        XCTAssertEqual(s.workDone, s.workTotal, "every data block read to its end")
    }

    func testStoredDataLengthsRunToTheNextBlockAndTheFileEnd() {
        let entries = [
            TocEntry(dumpId: 1, hasData: true, tag: "a", desc: "TABLE DATA", section: .data, dataState: .set, dataOffset: 100),
            TocEntry(dumpId: 2, tag: "b", desc: "TABLE", section: .preData),
            TocEntry(dumpId: 3, hasData: true, tag: "c", desc: "TABLE DATA", section: .data, dataState: .set, dataOffset: 40),
        ]
        XCTAssertEqual(StoredDataLengths.of(entries, fileSize: 250), [3: 60, 1: 150])
        XCTAssertEqual(StoredDataLengths.total(of: [entries[0]], in: entries, fileSize: 250), 150)
        XCTAssertNil(StoredDataLengths.total(of: [entries[0]], in: entries, fileSize: nil), "no file size, no ETA")
        let piped = TocEntry(dumpId: 4, hasData: true, tag: "d", desc: "TABLE DATA", section: .data, dataState: .notSet)
        XCTAssertNil(StoredDataLengths.total(of: [piped], in: entries + [piped], fileSize: 250), "an offset missing, no ETA")
    }

    /// Dump: the total is pg_table_size of the dumped tables, read before any COPY; the work is
    /// every uncompressed byte handed to the compressor, that is, the archive's data.
    func testDumpCountsUncompressedDataAgainstTableSizes() throws {
        guard ReferenceTools.hasServer(major: 15) else { throw XCTSkip("PostgreSQL 15 not installed") }
        let server = try TestServer.shared(major: 15)
        let db = try server.freshDatabase(prefix: "progresswork")
        try server.psql("""
            CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 30000) g;
            CREATE TABLE u AS SELECT g AS id, repeat('y', 300) AS v FROM generate_series(1, 2000) g;
            """, database: db)
        let sizes = try server.psql("SELECT pg_table_size('t') + pg_table_size('u')", database: db)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let connection = try server.connect(database: db)
        defer { connection.close() }
        let (progress, fd) = try reporter(verb: "dumping")
        defer { progress.finish(); close(fd) }
        let runner = try DumpRunner(connection: connection, options: DumpOptions())
        runner.progress = progress
        let path = try Fixtures.temporaryDirectory("pgfunnel-progress-dump").appendingPathComponent("d.dump").path
        try runner.write(to: OutputFile(path: path, sync: false))

        let s = progress.currentSnapshot()
        XCTAssertEqual(String(s.workTotal), sizes)
        let reader = try ArchiveReader(path: path)
        var dataBytes: Int64 = 0
        for e in reader.entries where e.hasData {
            try reader.readData(of: e) { if case let .bytes(b) = $0 { dataBytes += Int64(b.count) } }
        }
        XCTAssertGreaterThan(dataBytes, 30000 * 40)
        XCTAssertEqual(s.workDone, dataBytes)
    }

    /// Import: every segment part reports its weight once its rows are streamed, so the work
    /// reaches the total exactly when the last table is done.
    func testImportReportsEverySegmentPart() throws {
        for name in ImportSamples.setNames {
            let set = try BackupSet.discover(backupDir: ImportSamples.set(name))
            let plan = try ImportPlan.build(set: set, options: .init(target: .postgres))
            let export = try ArchiveExport(plan: plan, set: set, options: .init(compression: .none))
            var done: Int64 = 0
            var calls = 0
            let total = export.reportDataProgress { done += $0; calls += 1 }
            let path = try Fixtures.temporaryDirectory("pgfunnel-progress-import").appendingPathComponent("i.dump").path
            try export.write(to: OutputFile(path: path, sync: false))
            XCTAssertGreaterThan(total, 0, name)
            XCTAssertEqual(done, total, name)
            XCTAssertEqual(calls, export.dataSourcesByDumpId.values.reduce(0) { $0 + $1.parts.count }, name)
        }
    }
}
