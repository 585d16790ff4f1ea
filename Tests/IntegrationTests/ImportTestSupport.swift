import Foundation
import XCTest
import TestSupport

/// Helpers for the import-gpbackup tests: the shared sample sets, running the pgfunnel binary and
/// the real PostgreSQL tools.
enum ImportSamples {
    /// The shared sample sets (see Fixtures.gpbackupSamples).
    static let directory: URL = Fixtures.gpbackupSamples

    static let setNames = ["2-segment-db", "2-segment-db-single-data-file"]

    static func set(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// `schema.table` → rows summed over segments, from the set's `2-segment-db-rowcounts.txt`.
    /// Its schemathree lines belong to gpbackup's own test database, not to these sets.
    static func expectedCounts(_ name: String) throws -> [String: Int64] {
        let text = try String(contentsOf: set(name).appendingPathComponent("2-segment-db-rowcounts.txt"), encoding: .utf8)
        var counts: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 4, let rows = Int64(cells[3]), Int(cells[2]) != nil, cells[0] != "schemathree" else { continue }
            counts["\(cells[0]).\(cells[1])", default: 0] += rows
        }
        return counts
    }

    /// A writable copy of a sample set.
    static func copy(_ name: String, into dir: URL) throws -> URL {
        let destination = dir.appendingPathComponent(name)
        try FileManager.default.copyItem(at: set(name), to: destination)
        return destination
    }

    /// Every regular file below `dir`, sorted.
    static func files(under dir: URL) -> [URL] {
        var out: [URL] = []
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { out.append(url) }
        }
        return out.sorted { $0.path < $1.path }
    }
}

struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Tools {
    static func pg(_ major: Int, _ tool: String) -> String {
        ReferenceTools.binary(tool, major: major)?.path ?? "/opt/pgfunnel-pg/\(major)/bin/\(tool)"
    }

    /// Runs a program to completion (TestSupport's posix_spawn runner).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ToolResult {
        let output = try ProcessRunner.run(executable: URL(fileURLWithPath: executable), arguments: arguments, environment: environment)
        return ToolResult(status: output.status, stdout: String(decoding: output.stdout, as: UTF8.self),
                          stderr: String(decoding: output.stderr, as: UTF8.self))
    }

    static func pgfunnel(_ arguments: [String]) throws -> ToolResult {
        try run(Fixtures.pgfunnelBinary.path, arguments)
    }

    /// `pgfunnel import-gpbackup` of a set into `archive`, failing the test on a non-zero exit.
    @discardableResult
    static func importSet(_ backupDir: URL, to archive: URL, _ extra: [String] = [],
                          file: StaticString = #filePath, line: UInt = #line) throws -> ToolResult {
        let result = try pgfunnel(["import-gpbackup", "--backup-dir", backupDir.path, "-f", archive.path] + extra)
        XCTAssertEqual(result.status, 0, "import failed: \(result.stderr)", file: file, line: line)
        return result
    }
}
