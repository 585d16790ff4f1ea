import Foundation
import XCTest
import CZstd
import TestSupport

/// Broken backup sets make `pgfunnel import-gpbackup` exit 1 with one `pgfunnel: error:` line
/// naming the bad file, and leave nothing (not even a temporary file) where the archive would go.
final class ImportGPBackupErrorTests: XCTestCase {
    var workDir: URL!
    var outDir: URL!

    override func setUpWithError() throws {
        workDir = try Fixtures.temporaryDirectory("import-errors")
        outDir = workDir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: workDir)
    }

    /// A writable copy of a sample set.
    func copySet(_ name: String = "2-segment-db") throws -> URL {
        try ImportSamples.copy(name, into: workDir)
    }

    func dataFile(_ set: URL, content: Int, suffix: String) throws -> URL {
        try XCTUnwrap(ImportSamples.files(under: set).first {
            $0.lastPathComponent.hasPrefix("gpbackup_\(content)_") && $0.lastPathComponent.hasSuffix(suffix)
        })
    }

    /// Runs the import and checks the failure contract; returns the error line.
    @discardableResult
    func expectFailure(_ set: URL, naming file: URL, file callerFile: StaticString = #filePath, line: UInt = #line) throws -> String {
        let archive = outDir.appendingPathComponent("result.dump")
        let result = try Tools.pgfunnel(["import-gpbackup", "--backup-dir", set.path, "-f", archive.path])
        XCTAssertEqual(result.status, 1, result.stderr, file: callerFile, line: line)
        let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("pgfunnel: error: ") }
        XCTAssertEqual(errorLines.count, 1, result.stderr, file: callerFile, line: line)
        let message = errorLines.first.map(String.init) ?? ""
        XCTAssertTrue(message.contains(file.lastPathComponent), "error does not name \(file.lastPathComponent): \(message)",
                      file: callerFile, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outDir.path), [],
                       "archive or temporary file left behind", file: callerFile, line: line)
        return message
    }

    func testCorruptGzipDataFile() throws {
        let set = try copySet()
        // The largest file of segment 0: schemaone.tablefour's rows.
        let files = ImportSamples.files(under: set).filter { $0.lastPathComponent.hasPrefix("gpbackup_0_") }
        let victim = try XCTUnwrap(files.max { (try? $0.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0 < (try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0 })
        var bytes = try [UInt8](Data(contentsOf: victim))
        for i in 20..<min(bytes.count - 8, 80) { bytes[i] = 0xFF }
        try Data(bytes).write(to: victim)
        let message = try expectFailure(set, naming: victim)
        XCTAssertTrue(message.contains("compressed byte") || message.contains("corrupt"), message)
    }

    func testCorruptGzipInSingleDataFileSet() throws {
        let set = try copySet("2-segment-db-single-data-file")
        let victim = try dataFile(set, content: 1, suffix: ".gz")
        var bytes = try [UInt8](Data(contentsOf: victim))
        for i in 30..<min(bytes.count - 8, 90) { bytes[i] ^= 0x5A }
        try Data(bytes).write(to: victim)
        try expectFailure(set, naming: victim)
    }

    /// Recompresses every data file of a copied set with zstd (as `gpbackup --compression-type zstd`).
    func makeZstdSet() throws -> URL {
        let set = try copySet()
        for gz in ImportSamples.files(under: set) where gz.pathExtension == "gz" {
            let plain = try ProcessRunner.run(executable: URL(fileURLWithPath: "/bin/gzip"), arguments: ["-dc", gz.path])
            XCTAssertEqual(plain.status, 0)
            let input = [UInt8](plain.stdout)
            var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
            let written = output.withUnsafeMutableBytes { out in
                input.withUnsafeBytes { inp in ZSTD_compress(out.baseAddress, out.count, inp.baseAddress, inp.count, 3) }
            }
            XCTAssertEqual(ZSTD_isError(written), 0)
            try Data(output.prefix(written)).write(to: gz.deletingPathExtension().appendingPathExtension("zst"))
            try FileManager.default.removeItem(at: gz)
        }
        let config = try XCTUnwrap(ImportSamples.files(under: set).first { $0.lastPathComponent.hasSuffix("_config.yaml") })
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "compressiontype: gzip", with: "compressiontype: zstd")
        try text.write(to: config, atomically: true, encoding: .utf8)
        return set
    }

    func testTruncatedZstdDataFile() throws {
        let set = try makeZstdSet()
        // The intact zstd set imports.
        let good = workDir.appendingPathComponent("good.dump")
        let ok = try Tools.importSet(set, to: good)
        XCTAssertTrue(ok.stderr.contains("22202 row(s)"), ok.stderr)

        let files = ImportSamples.files(under: set).filter { $0.pathExtension == "zst" }
        let victim = try XCTUnwrap(files.max { (try? Data(contentsOf: $0).count) ?? 0 < (try? Data(contentsOf: $1).count) ?? 0 })
        let bytes = try Data(contentsOf: victim)
        try bytes.prefix(bytes.count / 2).write(to: victim)
        let message = try expectFailure(set, naming: victim)
        XCTAssertTrue(message.contains("truncated"), message)
    }

    func testMissingSegmentFile() throws {
        let set = try copySet()
        let victim = try dataFile(set, content: 1, suffix: ".gz")
        try FileManager.default.removeItem(at: victim)
        try expectFailure(set, naming: victim)
    }

    func testRowCountMismatch() throws {
        let set = try copySet()
        let toc = try XCTUnwrap(ImportSamples.files(under: set).first { $0.lastPathComponent.hasSuffix("_toc.yaml") })
        let text = try String(contentsOf: toc, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: "rowscopied: 1000\n"))
        try text.replacingCharacters(in: range, with: "rowscopied: 1001\n").write(to: toc, atomically: true, encoding: .utf8)
        let message = try expectFailure(set, naming: toc)
        XCTAssertTrue(message.contains("expected 1001 rows, streamed 1000"), message)
    }

    func testMalformedTocYAML() throws {
        let set = try copySet()
        let toc = try XCTUnwrap(ImportSamples.files(under: set).first { $0.lastPathComponent.hasSuffix("_toc.yaml") })
        var text = try String(contentsOf: toc, encoding: .utf8)
        text.insert(contentsOf: "  - [unclosed: {\n", at: text.index(text.startIndex, offsetBy: text.count / 2))
        try text.write(to: toc, atomically: true, encoding: .utf8)
        try expectFailure(set, naming: toc)
    }
}
