import Foundation
import XCTest
@testable import GPBackup

/// Hand-built sets for what the real samples lack: zstd and uncompressed data, NULLs and strings,
/// replicated tables from a toc without `isreplicated`, and an incremental chain.
final class SyntheticSetTests: XCTestCase {
    let base = "20240101000000", incremental = "20240102000000"

    private func coordinatorDir(_ root: URL, _ ts: String) -> URL {
        root.appendingPathComponent("gpseg-1/backups/\(ts.prefix(8))/\(ts)")
    }

    private func segmentDir(_ root: URL, _ content: Int, _ ts: String) -> URL {
        root.appendingPathComponent("gpseg\(content)/backups/\(ts.prefix(8))/\(ts)")
    }

    /// Writes metadata.sql and toc.yaml with correct byte offsets.
    private func writeCoordinator(_ root: URL, ts: String, config: String,
                                  predata: [(type: String, schema: String, name: String, sql: String)],
                                  data: [(name: String, oid: Int, attributes: String, rows: Int)]) throws {
        var metadata = "\nSET client_encoding = 'UTF8';\n"
        var toc = "globalentries:\n- schema: \"\"\n  name: \"\"\n  objecttype: SESSION GUCS\n  referenceobject: \"\"\n  startbyte: 0\n  endbyte: \(metadata.utf8.count)\n"
        toc += "predataentries:\n"
        for entry in predata {
            let start = metadata.utf8.count
            metadata += "\n\n" + entry.sql + "\n"
            toc += "- schema: \(entry.schema)\n  name: \(entry.name)\n  objecttype: \(entry.type)\n  referenceobject: \"\"\n  startbyte: \(start)\n  endbyte: \(metadata.utf8.count)\n"
        }
        toc += "postdataentries: []\nstatisticsentries: []\ndataentries:\n"
        for entry in data {
            toc += "- schema: public\n  name: \(entry.name)\n  oid: \(entry.oid)\n  attributestring: \(entry.attributes)\n  rowscopied: \(entry.rows)\n  partitionroot: \"\"\n"
        }
        toc += "incrementalmetadata:\n  ao: {}\n"
        let dir = coordinatorDir(root, ts)
        try Fixtures.write(Array(metadata.utf8), to: dir.appendingPathComponent("gpbackup_\(ts)_metadata.sql"))
        try Fixtures.write(Array(toc.utf8), to: dir.appendingPathComponent("gpbackup_\(ts)_toc.yaml"))
        try Fixtures.write(Array(config.utf8), to: dir.appendingPathComponent("gpbackup_\(ts)_config.yaml"))
    }

    private func config(_ ts: String, plan: String, singleDataFile: Bool = false, compression: String = "zstd") -> String {
        """
        backupversion: 1.30.0
        compressed: \(compression == "none" ? "false" : "true")
        compressiontype: \(compression == "none" ? "gzip" : compression)
        databasename: '"my-db"'
        segmentcount: 3
        singledatafile: \(singleDataFile)
        incremental: \(ts == incremental)
        leafpartitiondata: true
        timestamp: "\(ts)"
        status: Success
        \(plan)
        """
    }

    let heapSQL = "CREATE TABLE public.heap (\n\tid integer,\n\tnote text\n) DISTRIBUTED BY (id);"
    let aoSQL = "CREATE TABLE public.ao (\n\tid integer\n) WITH (appendonly=true, orientation=column) DISTRIBUTED BY (id);"
    let repSQL = "CREATE TABLE public.rep (\n\tcode text\n) DISTRIBUTED REPLICATED;"

    private func buildChain() throws -> URL {
        let root = try temporaryDirectory()
        let predata: [(type: String, schema: String, name: String, sql: String)] = [
            ("SCHEMA", "public", "public", ""),
            ("TABLE", "public", "heap", heapSQL), ("TABLE", "public", "heap", "ALTER TABLE public.heap OWNER TO \"Owner\";"),
            ("TABLE", "public", "ao", aoSQL), ("TABLE", "public", "ao", "COMMENT ON TABLE public.ao IS 'column store';"),
            ("TABLE", "public", "rep", repSQL),
        ]
        // Base backup: every table; its heap data is stale and must not be used.
        try writeCoordinator(root, ts: base, config: config(base, plan: "restoreplan:\n- timestamp: \"\(base)\"\n  tablefqns: [public.heap, public.ao, public.rep]"),
                             predata: predata, data: [("heap", 100, "(id,note)", 1), ("ao", 101, "(id)", 6), ("rep", 102, "(code)", 3)])
        for content in 0..<3 {
            let dir = segmentDir(root, content, base)
            try Fixtures.write(Fixtures.zstd(Array((content == 0 ? "999,stale\n" : "").utf8)), to: dir.appendingPathComponent("gpbackup_\(content)_\(base)_100.zst"))
            try Fixtures.write(Fixtures.zstd(Array("\(content * 2 + 1)\n\(content * 2 + 2)\n".utf8)), to: dir.appendingPathComponent("gpbackup_\(content)_\(base)_101.zst"))
            try Fixtures.write(Fixtures.zstd(Array("x\n".utf8)), to: dir.appendingPathComponent("gpbackup_\(content)_\(base)_102.zst"))
        }
        // Incremental: heap and rep changed; ao comes from the base backup.
        let plan = "restoreplan:\n- timestamp: \"\(base)\"\n  tablefqns:\n  - public.ao\n- timestamp: \"\(incremental)\"\n  tablefqns:\n  - public.heap\n  - public.rep"
        try writeCoordinator(root, ts: incremental, config: config(incremental, plan: plan), predata: predata,
                             data: [("heap", 100, "(id,note)", 4), ("rep", 102, "(code)", 6)])
        let heapRows = ["1,\"tab\there\"\n2,\n", "3,\"\"\n", "4,\"multi\nline \"\"quoted\"\" \\ back\"\n"]
        for content in 0..<3 {
            let dir = segmentDir(root, content, incremental)
            try Fixtures.write(Fixtures.zstd(Array(heapRows[content].utf8)), to: dir.appendingPathComponent("gpbackup_\(content)_\(incremental)_100.zst"))
            try Fixtures.write(Fixtures.zstd(Array("a\n\"\"\n".utf8)), to: dir.appendingPathComponent("gpbackup_\(content)_\(incremental)_102.zst"))
        }
        return root
    }

    func testIncrementalChainReplicatedTablesAndZstd() throws {
        let root = try buildChain()
        let set = try BackupSet.discover(backupDir: root)
        XCTAssertEqual(set.timestamp, incremental)
        XCTAssertEqual(set.restorePlan.map(\.timestamp), [base, incremental])
        XCTAssertEqual(set.restorePlan.map { $0.dataEntries.map(\.fqn) }, [["public.ao"], ["public.heap", "public.rep"]])

        let plan = try ImportPlan.build(set: set, options: .init(target: .postgres))
        XCTAssertEqual(plan.databaseName, "my-db")
        let summary = plan.entries.map { "\($0.desc)|\($0.tag)|\($0.owner)|\($0.section.rawValue)|\($0.dependencies)" }
        XCTAssertEqual(summary, [
            "TABLE|heap|Owner|preData|[]",
            "TABLE|ao||preData|[]",
            "COMMENT|TABLE ao||none|[1]",
            "TABLE|rep||preData|[]",
            "TABLE DATA|ao||data|[1]",
            "TABLE DATA|heap|Owner|data|[0]",
            "TABLE DATA|rep||data|[3]",
        ])
        XCTAssertEqual(plan.entries[1].definition, "CREATE TABLE public.ao (\n\tid integer\n);\n")
        XCTAssertEqual(plan.entries[5].copyStatement, "COPY public.heap (id, note) FROM stdin;\n")

        func copyText(_ index: Int) throws -> (String, Int64) {
            let source = try XCTUnwrap(plan.entries[index].dataSource)
            var bytes: [UInt8] = []
            let rows = try source.stream { bytes.append(contentsOf: $0) }
            return (String(decoding: bytes, as: UTF8.self), rows)
        }
        XCTAssertEqual(try copyText(4).0, "1\n2\n3\n4\n5\n6\n")
        XCTAssertEqual(try copyText(5).0, "1\ttab\\there\n2\t\\N\n3\t\n4\tmulti\\nline \"quoted\" \\\\ back\n")
        // Replicated (detected from the DDL): one segment's copy; rowscopied 6 = 2 rows × 3 segments.
        let rep = try XCTUnwrap(plan.entries[6].dataSource)
        XCTAssertTrue(rep.isReplicated)
        XCTAssertEqual(rep.expectedRows, 2)
        XCTAssertEqual(try copyText(6).0, "a\n\n")
        XCTAssertEqual(try copyText(6).1, 2)
    }

    func testRowCountMismatchIsReported() throws {
        let root = try buildChain()
        let tocPath = coordinatorDir(root, incremental).appendingPathComponent("gpbackup_\(incremental)_toc.yaml")
        let toc = try String(contentsOf: tocPath, encoding: .utf8).replacingOccurrences(of: "rowscopied: 4", with: "rowscopied: 5")
        try toc.write(to: tocPath, atomically: true, encoding: .utf8)
        let heap = try XCTUnwrap(try BackupSet.discover(backupDir: root).tableDataSources().first { $0.name == "heap" })
        XCTAssertThrowsGPBackupError(try heap.stream { _ in }) {
            $0 == .rowCountMismatch(table: "public.heap", expected: 5, actual: 4, detail: "sum over 3 segment files compared with rowscopied")
        }
    }

    func testMissingChainMemberIsAnError() throws {
        let root = try buildChain()
        try FileManager.default.removeItem(at: root.appendingPathComponent("gpseg1/backups/20240101/\(base)/gpbackup_1_\(base)_101.zst"))
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: root)) {
            if case let .missingFile(path, reason) = $0 { return path.hasSuffix("gpbackup_1_\(self.base)_101.zst") && reason == "data of table public.ao from segment 1" }
            return false
        }
        try FileManager.default.removeItem(at: coordinatorDir(root, base))
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: root)) {
            if case let .missingFile(_, reason) = $0 { return reason.contains("backup \(self.base) of the incremental chain") }
            return false
        }
    }

    func testUncompressedSingleDataFile() throws {
        let root = try temporaryDirectory()
        try writeCoordinator(root, ts: base, config: config(base, plan: "", singleDataFile: true, compression: "none"),
                             predata: [("TABLE", "public", "heap", heapSQL), ("TABLE", "public", "rep", repSQL)],
                             data: [("heap", 100, "(id,note)", 3), ("rep", 102, "(code)", 3)])
        for content in 0..<3 {
            let heap = content == 1 ? "" : "\(content),\"c\(content)\"\n"
            let rep = "r\n"
            let stream = Array((heap + rep).utf8)
            let dir = segmentDir(root, content, base)
            try Fixtures.write(stream, to: dir.appendingPathComponent("gpbackup_\(content)_\(base)"))
            let h = heap.utf8.count
            let segToc = "dataentries:\n  100:\n    startbyte: 0\n    endbyte: \(h)\n  102:\n    startbyte: \(h)\n    endbyte: \(stream.count)\n"
            try Fixtures.write(Array(segToc.utf8), to: dir.appendingPathComponent("gpbackup_\(content)_\(base)_toc.yaml"))
        }
        let set = try BackupSet.discover(backupDir: root)
        XCTAssertTrue(set.notes.contains("config has no restore plan: using every data entry of \(base)"))
        // rowscopied 3 for heap is wrong (2 rows): a mismatch. rep: 1 row × 3 segments = 3.
        let sources = try set.tableDataSources()
        XCTAssertThrowsGPBackupError(try sources[0].stream { _ in }) {
            if case let .rowCountMismatch(table, expected, actual, _) = $0 { return table == "public.heap" && expected == 3 && actual == 2 }
            return false
        }
        let rep = try Fixtures.collect(sources[1])
        XCTAssertEqual(rep.text, "r\n")
        XCTAssertEqual(rep.perSegment.map(\.content), [0])
    }
}
