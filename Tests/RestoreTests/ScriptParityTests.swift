import Foundation
import TestSupport
import XCTest

/// `pgfunnel restore -l` and `-f` must print exactly what the real pg_restore of the archive's
/// release prints, for every fixture archive and every option that shapes a script. Both get the
/// same --restrict-key so even the \restrict lines compare equal.
final class ScriptParityTests: XCTestCase {
    /// Every script-shaping option of pg_restore, as argument lists. Names refer to objects of
    /// fixtures/fixture-db.sql.
    static let optionSets: [[String]] = [
        [], ["-s"], ["-a"], ["--section", "pre-data"], ["--section", "data"], ["--section", "post-data"],
        ["--section", "pre-data", "--section", "post-data"],
        ["-n", "fx"], ["-n", "fx_part", "-n", "order"], ["-N", "fx"], ["-N", "fx", "-N", "fx_part"],
        ["-t", "customers"], ["-t", "customers", "-t", "orders"], ["-t", "customers", "-n", "fx"],
        ["-I", "customers_email_key"], ["-P", "add(integer, integer)"], ["-T", "orders_audit"],
        ["-O"], ["-x"], ["-c"], ["-c", "--if-exists"], ["-C"], ["-C", "-c", "--if-exists"],
        ["-1"], ["-e"], ["-a", "--disable-triggers"], ["-a", "--disable-triggers", "-S", "postgres"],
        ["--use-set-session-authorization"], ["--use-set-session-authorization", "-a", "--disable-triggers"],
        ["--enable-row-security"], ["--no-comments"], ["--no-publications"], ["--no-subscriptions"],
        ["--no-security-labels"], ["--no-tablespaces"], ["--no-table-access-method"],
        ["--strict-names", "-t", "customers"], ["--strict-names", "-t", "no_such_table"],
        ["--strict-names", "-n", "no_such_schema"], ["-v"], ["--role", "fixture_app"],
        ["-O", "-x", "--no-comments", "-c", "--if-exists"], ["-a", "-t", "customers"], ["-s", "-n", "fx"],
        ["-s", "-a"], ["--if-exists"],
    ]

    /// Options that also change a listing.
    static let listOptionSets: [[String]] = [
        [], ["-n", "fx"], ["-t", "customers"], ["-s"], ["-a"], ["--section", "post-data"], ["-x"], ["--no-comments"],
        ["-v"], ["-C"], ["-N", "fx"],
    ]

    struct Outcome: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ executable: URL, _ args: [String], major: Int) throws -> Outcome {
        let out = try ProcessRunner.run(executable: executable, arguments: args,
                                        environment: ReferenceTools.environment(major: major))
        // Timestamps of the run itself ("-- Completed on") cannot match between two processes.
        let stdout = out.stdout.text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("-- Completed on ") }.joined(separator: "\n")
        let stderr = out.stderr.text.replacingOccurrences(of: "pg_restore: ", with: "pgfunnel: ")
        return Outcome(status: out.status, stdout: stdout, stderr: stderr)
    }

    func reference(_ major: Int) throws -> URL {
        guard let binary = ReferenceTools.binary("pg_restore", major: major) else {
            throw XCTSkip("pg_restore \(major) is not installed (run scripts/install-deps.sh)")
        }
        return binary
    }

    /// Compares one invocation; returns a short description of the first difference.
    func compare(archive: URL, major: Int, args: [String]) throws -> String? {
        let ours = try run(Fixtures.pgfunnelBinary, ["restore"] + args + [archive.path], major: major)
        let theirs = try run(reference(major), args + [archive.path], major: major)
        if ours.status != theirs.status {
            return "exit \(ours.status) vs \(theirs.status); stderr: \(ours.stderr.prefix(300)) | \(theirs.stderr.prefix(300))"
        }
        if ours.status != 0 {
            // Both failed: the first line of the message names the same problem.
            let a = ours.stderr.split(separator: "\n").first ?? ""
            let b = theirs.stderr.split(separator: "\n").first ?? ""
            return a.contains("not found") == b.contains("not found") ? nil : "errors differ: \(a) | \(b)"
        }
        if ours.stdout != theirs.stdout {
            let a = ours.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let b = theirs.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) ?? min(a.count, b.count)
            return "stdout differs at line \(i + 1): \(i < a.count ? String(a[i].prefix(200)) : "<end>") | \(i < b.count ? String(b[i].prefix(200)) : "<end>")"
        }
        if args.contains("-v"), ours.stderr != theirs.stderr {
            return "verbose messages differ"
        }
        return nil
    }

    /// The full option matrix on the seekable gzip archive of each release.
    func testScriptsMatchPgRestoreForEveryOption() throws {
        var failures: [String] = []
        var compared = 0
        for archive in Fixtures.archives where archive.lastPathComponent.hasSuffix("-gzip.dump") {
            guard let major = Fixtures.major(of: archive) else { continue }
            for args in Self.optionSets {
                let full = ["-f", "-", "--restrict-key", "ParityKey"] + args
                if let d = try compare(archive: archive, major: major, args: full) {
                    failures.append("\(archive.lastPathComponent) \(args.joined(separator: " ")): \(d)")
                }
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 4 * Self.optionSets.count, "fixture archives missing")
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }

    /// Every archive (each compression, seekable and piped), default script and a data-heavy subset.
    func testScriptsMatchPgRestoreForEveryArchive() throws {
        var failures: [String] = []
        for archive in Fixtures.archives {
            guard let major = Fixtures.major(of: archive) else { continue }
            for args in [[], ["-a"], ["-n", "fx", "-c", "--if-exists"], ["-L", try useList(for: archive, major: major)]] {
                let full = ["-f", "-", "--restrict-key", "ParityKey"] + args
                if let d = try compare(archive: archive, major: major, args: full) {
                    failures.append("\(archive.lastPathComponent) \(args.joined(separator: " ")): \(d)")
                }
            }
        }
        XCTAssertGreaterThan(Fixtures.archives.count, 20)
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }

    func testListingsMatchPgRestore() throws {
        var failures: [String] = []
        for archive in Fixtures.archives {
            guard let major = Fixtures.major(of: archive) else { continue }
            let sets = archive.lastPathComponent.hasSuffix("-gzip.dump") ? Self.listOptionSets : [[]]
            for args in sets {
                if let d = try compare(archive: archive, major: major, args: ["-l"] + args) {
                    failures.append("\(archive.lastPathComponent) -l \(args.joined(separator: " ")): \(d)")
                }
            }
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }

    /// A use-list that reverses the archive's order and comments out every third entry, like a
    /// DBA editing `pg_restore -l` output.
    func useList(for archive: URL, major: Int) throws -> String {
        let listing = try run(reference(major), ["-l", archive.path], major: major).stdout
        var lines: [String] = []
        for (i, line) in listing.split(separator: "\n").filter({ !$0.hasPrefix(";") }).reversed().enumerated() {
            lines.append(i % 3 == 2 ? ";" + line : String(line))
        }
        lines.append("  ; a comment line")
        lines.append("not a number")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("uselist-\(UUID().uuidString).txt")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }
}
