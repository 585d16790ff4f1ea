import Foundation
import XCTest
@testable import GPBackup

/// Layout variants and completeness errors, on copies of the real sets.
final class DiscoveryTests: XCTestCase {
    let ts = "20220908150145"

    private func totalRows(_ set: BackupSet) throws -> Int64 {
        try set.tableDataSources().reduce(0) { $0 + (try $1.stream { _ in }) }
    }

    func testFlatDirectoryWithAllFiles() throws {
        let dir = try temporaryDirectory()
        for file in Fixtures.files(under: Fixtures.multiFileSet) { _ = try Fixtures.copy(file, into: dir) }
        let set = try BackupSet.discover(backupDir: dir)
        XCTAssertEqual(set.coordinatorDirectory.standardizedFileURL.path, dir.standardizedFileURL.path)
        XCTAssertEqual(try totalRows(set), 22_202)
    }

    func testTwoWrapperLevels() throws {
        let dir = try temporaryDirectory()
        _ = try Fixtures.copy(Fixtures.singleFileSet, into: dir.appendingPathComponent("outer/inner"))
        let set = try BackupSet.discover(backupDir: dir)
        XCTAssertEqual(set.timestamp, "20220908150159")
        XCTAssertEqual(try totalRows(set), 22_202)
    }

    func testSingleBackupDirLayout() throws {
        // gpbackup --single-backup-dir: every content's files in <dir>/backups/<date>/<ts>/.
        let dir = try temporaryDirectory()
        let target = dir.appendingPathComponent("backups/20220908/\(ts)")
        for file in Fixtures.files(under: Fixtures.multiFileSet) where file.lastPathComponent.hasPrefix("gpbackup_") {
            _ = try Fixtures.copy(file, into: target)
        }
        XCTAssertEqual(try totalRows(try BackupSet.discover(backupDir: dir)), 22_202)
    }

    func testContentIdInNameWinsOverDirectory() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.multiFileSet, into: dir)
        let seg1 = copy.appendingPathComponent("demoDataDir1/backups/20220908/\(ts)")
        let seg0 = copy.appendingPathComponent("demoDataDir0/backups/20220908/\(ts)")
        for file in Fixtures.files(under: seg1) {
            try FileManager.default.moveItem(at: file, to: seg0.appendingPathComponent(file.lastPathComponent))
        }
        let set = try BackupSet.discover(backupDir: copy)
        let sources = try set.tableDataSources()
        XCTAssertEqual(try Fixtures.collect(sources[3]).perSegment.map(\.rows), [5013, 4987])
    }

    func testNewestTimestampIsChosenAndReported() throws {
        let dir = try temporaryDirectory()
        _ = try Fixtures.copy(Fixtures.multiFileSet, into: dir)
        _ = try Fixtures.copy(Fixtures.singleFileSet, into: dir)
        let set = try BackupSet.discover(backupDir: dir)
        XCTAssertEqual(set.timestamp, "20220908150159")
        XCTAssertEqual(set.availableTimestamps, ["20220908150145", "20220908150159"])
        XCTAssertEqual(set.notes.first, "no timestamp given: using the newest backup 20220908150159 of 20220908150145, 20220908150159")
        let older = try BackupSet.discover(backupDir: dir, timestamp: "20220908150145")
        XCTAssertEqual(try totalRows(older), 22_202)
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: dir, timestamp: "20990101000000")) {
            $0 == .noBackupFound(backupDir: dir.path, timestamp: "20990101000000", found: ["20220908150145", "20220908150159"])
        }
    }

    func testMissingSegmentFileIsNamed() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.multiFileSet, into: dir)
        let victim = copy.appendingPathComponent("demoDataDir1/backups/20220908/\(ts)/gpbackup_1_\(ts)_16397.gz")
        try FileManager.default.removeItem(at: victim)
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            if case let .missingFile(path, reason) = $0 {
                return path.hasSuffix("gpbackup_1_\(self.ts)_16397.gz") && reason == "data of table schemaone.tablefour from segment 1"
            }
            return false
        }
    }

    func testExtraSegmentFileIsAnError() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.multiFileSet, into: dir)
        let seg0 = copy.appendingPathComponent("demoDataDir0/backups/20220908/\(ts)")
        let extra = seg0.appendingPathComponent("gpbackup_2_\(ts)_16388.gz")
        try FileManager.default.copyItem(at: seg0.appendingPathComponent("gpbackup_0_\(ts)_16388.gz"), to: extra)
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            $0 == .unexpectedFile(path: extra.standardizedFileURL.path, reason: "content 2 is beyond the backup's 2 segments")
        }
        try FileManager.default.removeItem(at: extra)
        let unknown = seg0.appendingPathComponent("gpbackup_0_\(ts)_99999.gz")
        try FileManager.default.copyItem(at: seg0.appendingPathComponent("gpbackup_0_\(ts)_16388.gz"), to: unknown)
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            $0 == .unexpectedFile(path: unknown.standardizedFileURL.path, reason: "table oid 99999 has no data entry in gpbackup_\(self.ts)_toc.yaml")
        }
    }

    func testDuplicateFileIsAnError() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.multiFileSet, into: dir)
        let file = copy.appendingPathComponent("demoDataDir0/backups/20220908/\(ts)/gpbackup_0_\(ts)_16388.gz")
        _ = try Fixtures.copy(file, into: copy.appendingPathComponent("stray"))
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            if case let .duplicateFile(_, paths) = $0 { return paths.count == 2 }
            return false
        }
    }

    func testMissingSegmentTOCInSingleDataFileSet() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.singleFileSet, into: dir)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("demoDataDir1/backups/20220908/20220908150159/gpbackup_1_20220908150159_toc.yaml"))
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            if case let .missingFile(path, reason) = $0 { return path.hasSuffix("gpbackup_1_20220908150159_toc.yaml") && reason == "the segment toc of segment 1" }
            return false
        }
    }

    func testSegmentRangeBeyondStreamIsAnError() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.singleFileSet, into: dir)
        let segToc = copy.appendingPathComponent("demoDataDir0/backups/20220908/20220908150159/gpbackup_0_20220908150159_toc.yaml")
        let text = try String(contentsOf: segToc, encoding: .utf8).replacingOccurrences(of: "endbyte: 53252", with: "endbyte: 60000")
        try FileManager.default.removeItem(at: segToc)
        try text.write(to: segToc, atomically: true, encoding: .utf8)
        let sources = try BackupSet.discover(backupDir: copy).tableDataSources()
        XCTAssertThrowsGPBackupError(try sources[7].stream { _ in }) {
            if case let .segmentRangeOutOfBounds(path, oid, start, end, length) = $0 {
                return path.hasSuffix("gpbackup_0_20220908150159.gz") && oid == 16409 && start == 28753 && end == 60000 && length == 53252
            }
            return false
        }
    }

    func testMalformedTocYAMLNamesFileAndLine() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.multiFileSet, into: dir)
        let toc = copy.appendingPathComponent("demoDataDir-1/backups/20220908/\(ts)/gpbackup_\(ts)_toc.yaml")
        var lines = try String(contentsOf: toc, encoding: .utf8).components(separatedBy: "\n")
        lines[5] = "  startbyte: [unclosed"
        try FileManager.default.removeItem(at: toc)
        try lines.joined(separator: "\n").write(to: toc, atomically: true, encoding: .utf8)
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            // libyaml notices the unclosed `[` on the next line.
            if case let .malformedYAML(path, line, detail) = $0 {
                return path == toc.standardizedFileURL.path && line == 7 && detail == "while parsing a flow sequence: did not find expected ',' or ']'"
            }
            return false
        }
        // Well-formed YAML with a wrong type: the line of the offending value.
        lines[5] = "  startbyte: notanumber"
        try FileManager.default.removeItem(at: toc)
        try lines.joined(separator: "\n").write(to: toc, atomically: true, encoding: .utf8)
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            if case let .malformedYAML(_, line, detail) = $0 { return line == 6 && detail.hasPrefix("globalentries.0.startbyte") }
            return false
        }
    }

    func testMissingSegmentCountIsInferredFromFileNames() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.multiFileSet, into: dir)
        let config = copy.appendingPathComponent("demoDataDir-1/backups/20220908/\(ts)/gpbackup_\(ts)_config.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
            .replacingOccurrences(of: "segmentcount: 2\n", with: "")
            .replacingOccurrences(of: "compressiontype: gzip\n", with: "")
        try FileManager.default.removeItem(at: config)
        try text.write(to: config, atomically: true, encoding: .utf8)
        let set = try BackupSet.discover(backupDir: copy)
        XCTAssertEqual(set.segmentCount, 2)
        XCTAssertTrue(set.segmentCountWasInferred)
        XCTAssertEqual(set.config.compression, .gzip)
        XCTAssertTrue(set.notes.contains("config.yaml has no segmentcount: inferred 2 from the data file names"))
        XCTAssertEqual(try totalRows(set), 22_202)
    }

    func testPluginAndFailedBackupsAreRefused() throws {
        let dir = try temporaryDirectory()
        let copy = try Fixtures.copy(Fixtures.multiFileSet, into: dir)
        let config = copy.appendingPathComponent("demoDataDir-1/backups/20220908/\(ts)/gpbackup_\(ts)_config.yaml")
        let original = try String(contentsOf: config, encoding: .utf8)
        try FileManager.default.removeItem(at: config)
        try original.replacingOccurrences(of: "status: Success", with: "status: Failure").write(to: config, atomically: true, encoding: .utf8)
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            if case let .unsupportedBackup(_, reason) = $0 { return reason.contains("Failure") }
            return false
        }
        try FileManager.default.removeItem(at: config)
        try original.replacingOccurrences(of: "plugin: \"\"", with: "plugin: /usr/bin/gpbackup_s3_plugin").write(to: config, atomically: true, encoding: .utf8)
        XCTAssertThrowsGPBackupError(try BackupSet.discover(backupDir: copy)) {
            if case let .unsupportedBackup(_, reason) = $0 { return reason.contains("storage plugin") }
            return false
        }
    }

    func testFileNameClassification() {
        XCTAssertEqual(BackupFileKind.classify("gpbackup_20220908150145_config.yaml"), .config(timestamp: "20220908150145"))
        XCTAssertEqual(BackupFileKind.classify("gpbackup_20220908150145_toc.yaml"), .coordinatorTOC(timestamp: "20220908150145"))
        XCTAssertEqual(BackupFileKind.classify("gpbackup_3_20220908150145_toc.yaml"), .segmentTOC(content: 3, timestamp: "20220908150145"))
        XCTAssertEqual(BackupFileKind.classify("gpbackup_0_20220908150145_16388.gz"),
                       .tableData(content: 0, timestamp: "20220908150145", oid: 16388, compression: .gzip))
        XCTAssertEqual(BackupFileKind.classify("gpbackup_12_20220908150145_16388.zst"),
                       .tableData(content: 12, timestamp: "20220908150145", oid: 16388, compression: .zstd))
        XCTAssertEqual(BackupFileKind.classify("gpbackup_1_20220908150145"), .singleDataFile(content: 1, timestamp: "20220908150145", compression: .none))
        XCTAssertNil(BackupFileKind.classify("gpbackup_0_20220908150145_pipe_1234_16388"))
        XCTAssertNil(BackupFileKind.classify("gpbackup_0_20220908150145_oid_1234"))
        XCTAssertNil(BackupFileKind.classify("gprestore_20220908150145_20220909000000_report"))
        XCTAssertNil(BackupFileKind.classify("gpbackup_2022090815014_config.yaml"))
        XCTAssertEqual(BackupFileKind.classify("gpbackup_20220908150145_report"), .report(timestamp: "20220908150145"))
    }
}
