import Foundation

/// The repository's committed fixture archives and the built pgfunnel binary, for tests that
/// compare pgfunnel with the real tools.
public enum Fixtures {
    /// The repository root (found from this source file's location).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    public static var archiveDirectory: URL { repositoryRoot.appendingPathComponent("fixtures/archives") }

    /// The real gpbackup sample sets (read-only): $GPBACKUP_SAMPLES, else `shared/gpbackup-samples`
    /// beside the repository (the project's layout), else `/work/shared/gpbackup-samples` (a clone
    /// made elsewhere on the same machine). The first candidate when none exists, so that the
    /// tests' error names where the sets were expected.
    public static let gpbackupSamples: URL = {
        if let env = ProcessInfo.processInfo.environment["GPBACKUP_SAMPLES"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let candidates = [
            repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/gpbackup-samples"),
            URL(fileURLWithPath: "/work/shared/gpbackup-samples"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    }()

    /// Every committed fixture archive, sorted by name.
    public static var archives: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: archiveDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".dump") }.sorted().map { archiveDirectory.appendingPathComponent($0) }
    }

    /// The pg_dump major version encoded in a fixture's name ("pg17-zstd.dump" -> 17).
    public static func major(of archive: URL) -> Int? {
        let name = archive.lastPathComponent
        guard name.hasPrefix("pg") else { return nil }
        return Int(name.dropFirst(2).prefix { $0.isNumber })
    }

    /// The pgfunnel executable built next to the test bundle.
    public static var pgfunnelBinary: URL {
        if let explicit = ProcessInfo.processInfo.environment["PGFUNNEL_BINARY"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("pgfunnel")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/pgfunnel")
    }

    /// A fresh temporary directory, removed by the caller.
    public static func temporaryDirectory(_ prefix: String = "pgfunnel-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
