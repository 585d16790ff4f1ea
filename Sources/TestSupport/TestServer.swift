import Foundation
import Postgres

/// A throwaway PostgreSQL server for tests and benchmarks: initdb into a fresh temporary directory,
/// Unix socket only (no TCP), trust authentication for superuser `postgres`. When this process
/// runs as root the server runs as the unprivileged OS user `pgfunnel`, since postgres refuses
/// root. Every server this process started is stopped and its directory deleted at exit; servers
/// left behind by a process that crashed are reaped by the next one.
///
/// Methods are safe to call from several threads; `kill()`/`start()` on a shared server affect
/// every test using it, so tests that kill servers use `TestServer.dedicated(major:)`.
public final class TestServer {
    public let major: Int
    /// Holds the socket, `data/`, and the logs.
    public let directory: URL
    public let port: Int
    public let user = "postgres"

    public var host: String { directory.path }
    public var dataDirectory: URL { directory.appendingPathComponent("data") }
    public var logFile: URL { directory.appendingPathComponent("server.log") }

    // MARK: Obtaining servers

    /// The process-wide server for `major`, started on first use. A failed start is remembered and
    /// rethrown rather than retried by every test.
    public static func shared(major: Int) throws -> TestServer {
        // Held across the (slow) start so concurrent callers wait for the one server; distinct
        // from registryLock, which init takes.
        sharedLock.lock()
        defer { sharedLock.unlock() }
        registryLock.lock()
        let existing = sharedServers[major]
        registryLock.unlock()
        if let existing { return try existing.get() }
        let outcome = Result { try TestServer(major: major) }
        registryLock.lock()
        sharedServers[major] = outcome
        registryLock.unlock()
        return try outcome.get()
    }

    /// A server of its own, for tests that kill or reconfigure it. Stop it with `shutdown()` when
    /// done (it is also stopped at process exit).
    public static func dedicated(major: Int) throws -> TestServer {
        try TestServer(major: major)
    }

    private init(major: Int) throws {
        for tool in ["initdb", "pg_ctl", "postgres", "psql"] where ReferenceTools.binary(tool, major: major) == nil {
            throw TestSupportError.referenceToolMissing(name: tool, major: major, root: ReferenceTools.root.path)
        }
        self.major = major
        TestServer.prepareProcessOnce
        directory = try TestServer.makeDirectory(major: major)
        // The socket file is the only thing the port names, and it lives in our private
        // directory, so any port works; a random one just keeps logs distinguishable.
        port = Int.random(in: 20000..<60000)
        TestServer.registryLock.lock()
        TestServer.liveServers.append(self)
        TestServer.registryLock.unlock()
        do {
            try initialize()
            try start()
        } catch {
            removeFiles()
            throw error
        }
    }

    // MARK: Connecting

    /// A libpq conninfo string for `database` on this server.
    public func conninfo(database: String = "postgres") -> String {
        "host=\(quoteConninfoValue(host)) port=\(port) user=\(user) dbname=\(quoteConninfoValue(database))"
    }

    public func connectionParameters(database: String = "postgres") -> ConnectionParameters {
        ConnectionParameters(host: host, port: String(port), user: user, database: database)
    }

    /// A new connection (the caller owns it; connections are not thread-safe).
    public func connect(database: String = "postgres") throws -> Connection {
        try Connection(parameters: connectionParameters(database: database))
    }

    // MARK: Databases

    public func createDatabase(_ name: String, template: String = "template0") throws {
        _ = try psql("CREATE DATABASE \(quoteIdentifier(name)) TEMPLATE \(quoteIdentifier(template));")
    }

    /// Creates a database with a name no other test in any process uses, and returns the name.
    public func freshDatabase(prefix: String = "test") throws -> String {
        TestServer.registryLock.lock()
        TestServer.databaseCounter += 1
        let serial = TestServer.databaseCounter
        TestServer.registryLock.unlock()
        let name = "\(prefix)_\(getpid())_\(serial)".lowercased()
        try createDatabase(name)
        return name
    }

    public func dropDatabase(_ name: String) throws {
        _ = try psql("DROP DATABASE IF EXISTS \(quoteIdentifier(name)) WITH (FORCE);")
    }

    // MARK: Reference tools

    /// Runs `sql` through this major's psql (`-X -v ON_ERROR_STOP=1 -q -A -t`, script on stdin)
    /// and returns its standard output; throws with psql's stderr when any statement fails.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let output = try runTool(
            "psql", args: ["-X", "-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-d", database], stdin: Data(sql.utf8))
        guard output.status == 0 else {
            throw TestSupportError.commandFailed(
                command: "psql -d \(database) <<< \(sql.prefix(500))", status: output.status,
                stdout: output.stdout.text, stderr: output.stderr.text, log: nil)
        }
        return output.stdout.text
    }

    /// Runs a reference binary of this major (pg_dump, pg_restore, psql...) with PGHOST, PGPORT
    /// and PGUSER pointing at this server and other inherited libpq variables removed, so only
    /// explicit arguments can redirect it. Returns the outcome without judging the status.
    public func runTool(
        _ name: String, args: [String], stdin: Data? = nil, environment extra: [String: String] = [:]
    ) throws -> ProcessOutput {
        guard let binary = ReferenceTools.binary(name, major: major) else {
            throw TestSupportError.referenceToolMissing(name: name, major: major, root: ReferenceTools.root.path)
        }
        return try ProcessRunner.run(
            executable: binary, arguments: args, stdin: stdin, environment: toolEnvironment(extra: extra))
    }

    /// The environment `runTool` uses; handy for launching pgfunnel itself against this server.
    public func toolEnvironment(extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !(key.hasPrefix("PG") && !key.hasPrefix("PGFUNNEL_"))
        }
        environment["PGHOST"] = host
        environment["PGPORT"] = String(port)
        environment["PGUSER"] = user
        environment["PGDATABASE"] = "postgres"
        environment = ReferenceTools.environment(major: major, base: environment)
        environment.merge(extra) { _, new in new }
        return environment
    }

    // MARK: Lifecycle

    /// Starts (or restarts after `kill()`) the server and waits until it accepts connections.
    public func start() throws {
        let options = "-k \(host) -c listen_addresses= -p \(port) -c fsync=off -c max_connections=40"
        try runServerTool(
            "pg_ctl", ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "120", "-o", options, "start"])
    }

    /// Stops the server abruptly (`pg_ctl -m immediate`), as a crash would look to clients.
    public func kill() throws {
        try runServerTool("pg_ctl", ["-D", dataDirectory.path, "-m", "immediate", "-w", "stop"])
    }

    /// Stops the server and deletes its directory; the instance is unusable afterwards.
    public func shutdown() {
        stopQuietly()
        removeFiles()
        TestServer.registryLock.lock()
        TestServer.liveServers.removeAll { $0 === self }
        for (major, outcome) in TestServer.sharedServers {
            if case let .success(server) = outcome, server === self { TestServer.sharedServers[major] = nil }
        }
        TestServer.registryLock.unlock()
    }

    /// The last part of the server log, for failure messages.
    public func logTail(maxBytes: Int = 8000) -> String {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return "" }
        return data.suffix(maxBytes).text
    }

    // MARK: Internals

    private func initialize() throws {
        try runServerTool(
            "initdb",
            ["-D", dataDirectory.path, "-U", user, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
             "--no-instructions"])
    }

    private func stopQuietly() {
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("postmaster.pid").path)
        else { return }
        _ = try? runServerTool("pg_ctl", ["-D", dataDirectory.path, "-m", "immediate", "-w", "stop"])
    }

    private func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs initdb/pg_ctl as the server's OS user, from inside our directory (postgres fails if
    /// it cannot read its working directory); a failure carries the server log.
    private func runServerTool(_ name: String, _ arguments: [String]) throws {
        guard let binary = ReferenceTools.binary(name, major: major) else {
            throw TestSupportError.referenceToolMissing(name: name, major: major, root: ReferenceTools.root.path)
        }
        let (executable, fullArguments) = try TestServer.asServerUser(binary, arguments)
        let output = try ProcessRunner.run(
            executable: executable, arguments: fullArguments,
            environment: toolEnvironment(),
            currentDirectory: directory)
        guard output.status == 0 else {
            throw TestSupportError.commandFailed(
                command: ([binary.path] + arguments).joined(separator: " "), status: output.status,
                stdout: output.stdout.text, stderr: output.stderr.text, log: logTail())
        }
    }

    // MARK: Process-wide state

    private static let registryLock = NSLock()
    private static let sharedLock = NSLock()
    private static var sharedServers: [Int: Result<TestServer, Error>] = [:]
    private static var liveServers: [TestServer] = []
    private static var databaseCounter = 0
    static let serverUser = "pgfunnel"

    private static let isRoot = geteuid() == 0

    /// Once per process: reap servers orphaned by crashed test processes and arrange to stop ours
    /// at exit.
    private static let prepareProcessOnce: Void = {
        reapOrphans()
        atexit {
            TestServer.registryLock.lock()
            let servers = TestServer.liveServers
            TestServer.liveServers = []
            TestServer.registryLock.unlock()
            for server in servers {
                server.stopQuietly()
                server.removeFiles()
            }
        }
    }()

    static var temporaryRoot: URL {
        let configured = ProcessInfo.processInfo.environment["PGFUNNEL_TEST_TMPDIR"]
        // Unix socket paths are limited to ~107 bytes, so the default is the short /tmp.
        return URL(fileURLWithPath: configured.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
    }

    private static let directoryPrefix = "pgfunnel-test-"

    private static func makeDirectory(major: Int) throws -> URL {
        var template = Array(temporaryRoot.appendingPathComponent("\(directoryPrefix)\(major)-XXXXXX").path.utf8CString)
        guard let created = mkdtemp(&template) else {
            throw TestSupportError.setupFailed("mkdtemp in \(temporaryRoot.path) failed: \(String(cString: strerror(errno)))")
        }
        let directory = URL(fileURLWithPath: String(cString: created))
        // Lets a later process tell whether this directory's owner is still running.
        let owner = "\(getpid()) \(major)\n"
        try owner.write(to: directory.appendingPathComponent("owner"), atomically: true, encoding: .utf8)
        if isRoot {
            guard let account = getpwnam(serverUser) else {
                throw TestSupportError.setupFailed(
                    "running as root but OS user \(serverUser) does not exist (run scripts/install-deps.sh)")
            }
            guard chown(directory.path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                throw TestSupportError.setupFailed("chown \(directory.path): \(String(cString: strerror(errno)))")
            }
        }
        return directory
    }

    private static func asServerUser(_ binary: URL, _ arguments: [String]) throws -> (URL, [String]) {
        guard isRoot else { return (binary, arguments) }
        let candidates = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]
        guard let runuser = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSupportError.setupFailed("running as root but runuser is not installed")
        }
        return (URL(fileURLWithPath: runuser), ["-u", serverUser, "--", binary.path] + arguments)
    }

    /// Stops and deletes servers whose owning test process no longer exists.
    private static func reapOrphans() {
        let fileManager = FileManager.default
        guard let entries = try? fileManager.contentsOfDirectory(atPath: temporaryRoot.path) else { return }
        for entry in entries where entry.hasPrefix(directoryPrefix) {
            let directory = temporaryRoot.appendingPathComponent(entry)
            guard let owner = try? String(contentsOf: directory.appendingPathComponent("owner"), encoding: .utf8)
            else { continue }
            let fields = owner.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
            guard fields.count == 2 else { continue }
            let pid = fields[0]
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            if processExists(pid) { continue }
            let data = directory.appendingPathComponent("data")
            if fileManager.fileExists(atPath: data.appendingPathComponent("postmaster.pid").path),
               let pgctl = ReferenceTools.binary("pg_ctl", major: Int(fields[1])),
               let (executable, arguments) = try? asServerUser(pgctl, ["-D", data.path, "-m", "immediate", "-w", "stop"])
            {
                _ = try? ProcessRunner.run(executable: executable, arguments: arguments, currentDirectory: temporaryRoot)
            }
            try? fileManager.removeItem(at: directory)
        }
    }
}

/// kill(pid, 0) fails with ESRCH only when no such process exists (EPERM means it does).
private func processExists(_ pid: Int32) -> Bool {
    #if canImport(Glibc)
    return Glibc.kill(pid, 0) == 0 || errno != ESRCH
    #else
    return Darwin.kill(pid, 0) == 0 || errno != ESRCH
    #endif
}
