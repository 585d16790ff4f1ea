import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest
import TestSupport

/// Helpers for the import-gpbackup tests: the shared sample sets, running the pgfunnel binary and
/// the real PostgreSQL tools, and a throwaway server.
enum ImportSamples {
    /// `/work/shared/gpbackup-samples` (read-only) or $GPBACKUP_SAMPLES.
    static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["GPBACKUP_SAMPLES"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return Fixtures.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/gpbackup-samples")
    }()

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
    static func pg(_ major: Int, _ tool: String) -> String { "/opt/pgfunnel-pg/\(major)/bin/\(tool)" }

    /// Runs a program, output through temporary files so a large output cannot block it.
    /// posix_spawn + waitpid rather than Foundation's Process: Process.waitUntilExit never
    /// returned for pg-server.sh (whose pg_ctl leaves a daemon behind) on Linux.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil) throws -> ToolResult {
        let dir = FileManager.default.temporaryDirectory
        let outURL = dir.appendingPathComponent("tool-out-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent("tool-err-\(UUID().uuidString)")
        let inURL = dir.appendingPathComponent("tool-in-\(UUID().uuidString)")
        try (stdin ?? "").write(to: inURL, atomically: true, encoding: .utf8)
        defer {
            for url in [outURL, errURL, inURL] { try? FileManager.default.removeItem(at: url) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inURL.path, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else {
            throw NSError(domain: "spawn", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot run \(executable): \(String(cString: strerror(rc)))"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS by hand: the macros are not imported into Swift.
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ToolResult(status: exitStatus,
                          stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
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

/// A throwaway PostgreSQL server started with scripts/pg-server.sh (initdb, Unix socket only).
/// Stand-in until TestSupport.TestServer from branch `postgres` is merged.
final class ThrowawayServer {
    let major: Int
    let directory: URL
    let conninfo: String

    init(major: Int, port: Int) throws {
        self.major = major
        directory = URL(fileURLWithPath: "/tmp/pgfunnel-import-\(major)-\(port)-\(UUID().uuidString.prefix(8))")
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/pg-server.sh").path
        let result = try Tools.run("/bin/bash", [script, "start", "\(major)", directory.path, "\(port)"])
        guard result.status == 0 else {
            throw NSError(domain: "ThrowawayServer", code: Int(result.status),
                          userInfo: [NSLocalizedDescriptionKey: "pg-server.sh start failed: \(result.stderr)"])
        }
        conninfo = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() {
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/pg-server.sh").path
        _ = try? Tools.run("/bin/bash", [script, "stop", "\(major)", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    func conninfo(database: String) -> String { "\(conninfo) dbname=\(database)" }

    /// Runs SQL through psql with ON_ERROR_STOP; returns unaligned, tuples-only output.
    @discardableResult
    func psql(_ database: String, _ sql: String) throws -> String {
        let result = try Tools.run(Tools.pg(major, "psql"), ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo(database: database), "-c", sql])
        guard result.status == 0 else {
            throw NSError(domain: "psql", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        return result.stdout
    }
}
