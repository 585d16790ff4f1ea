import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The progress line appears when standard error is a terminal (a pseudo-terminal here) and
/// never when it is a pipe, unless forced with --progress; --no-progress turns it off.
final class ProgressDisplayTests: XCTestCase {
    /// Runs pgfunnel with stdout to /dev/null and stderr on a new pseudo-terminal; returns the
    /// exit status and everything written to the terminal.
    func runUnderPTY(_ args: [String]) throws -> (status: Int32, terminal: String) {
        let master = try PTY.openpt(O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(master, 0)
        defer { close(master) }
        XCTAssertEqual(try PTY.grantpt(master), 0)
        XCTAssertEqual(try PTY.unlockpt(master), 0)
        let slavePath = String(cString: try PTY.ptsname(master))
        let slave = open(slavePath, O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(slave, 0)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, slave, 2)
        let argv = ([Fixtures.pgfunnelBinary.path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, Fixtures.pgfunnelBinary.path, &actions, nil, argv, environ)
        close(slave)
        XCTAssertEqual(rc, 0)

        // Read while the child runs (a full terminal buffer would block it); EIO means every
        // slave end is closed.
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var status: Int32 = 0
        var exited = false
        while true {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                let n = read(master, &buffer, buffer.count)
                if n > 0 { output.append(contentsOf: buffer[0..<n]); continue }
                if n < 0 && errno == EINTR { continue }
                if !exited { waitpid(pid, &status, 0); exited = true }
                break
            }
            if !exited, waitpid(pid, &status, WNOHANG) == pid { exited = true }
        }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
        return (code, String(decoding: output, as: UTF8.self))
    }

    func testProgressOnTerminalOnly() throws {
        guard let archive = Fixtures.archives.first(where: { $0.lastPathComponent.contains("15") }) ?? Fixtures.archives.first else {
            throw XCTSkip("no fixture archives")
        }
        let dir = try Fixtures.temporaryDirectory("pgfunnel-progress")
        let script = dir.appendingPathComponent("out.sql").path

        let tty = try runUnderPTY(["restore", "-f", script, archive.path])
        XCTAssertEqual(tty.status, 0, tty.terminal)
        XCTAssertTrue(tty.terminal.contains("\rrestoring "), tty.terminal)
        XCTAssertTrue(tty.terminal.range(of: #"restoring \d+/\d+ entries"#, options: .regularExpression) != nil, tty.terminal)
        XCTAssertTrue(tty.terminal.hasSuffix("\r\u{1B}[K"), "the line is erased at the end: \(tty.terminal.debugDescription)")
        let quiet = try runUnderPTY(["restore", "--no-progress", "-f", script, archive.path])
        XCTAssertEqual(quiet.status, 0, quiet.terminal)
        XCTAssertEqual(quiet.terminal, "")

        // Standard error to a pipe: nothing, unless forced.
        let piped = try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: ["restore", "-f", script, archive.path])
        XCTAssertEqual(piped.status, 0, piped.stderr.text)
        XCTAssertEqual(piped.stderr.text, "")
        let forced = try ProcessRunner.run(executable: Fixtures.pgfunnelBinary,
                                           arguments: ["restore", "--progress", "-f", script, archive.path])
        XCTAssertEqual(forced.status, 0, forced.stderr.text)
        XCTAssertTrue(forced.stderr.text.contains("restoring "), forced.stderr.text)
    }

    func testVerboseMessagesEraseTheLineFirst() throws {
        guard let archive = Fixtures.archives.first else { throw XCTSkip("no fixture archives") }
        let dir = try Fixtures.temporaryDirectory("pgfunnel-progress-v")
        let tty = try runUnderPTY(["restore", "-v", "-f", dir.appendingPathComponent("out.sql").path, archive.path])
        XCTAssertEqual(tty.status, 0, tty.terminal)
        // Every message starts on a clean line: the progress line is erased before it.
        for line in tty.terminal.components(separatedBy: "\n") where line.contains("pgfunnel: ") {
            XCTAssertTrue(line.hasPrefix("pgfunnel: ") || line.contains("\r\u{1B}[Kpgfunnel: "), line.debugDescription)
        }
    }

    func testDumpShowsProgressUnderTerminal() throws {
        guard ReferenceTools.hasServer(major: 15) else { throw XCTSkip("PostgreSQL 15 not installed") }
        let server = try TestServer.shared(major: 15)
        let db = try server.freshDatabase(prefix: "progress")
        try server.psql("CREATE TABLE t AS SELECT g AS id, repeat('x', 100) AS v FROM generate_series(1, 20000) g;", database: db)
        let file = try Fixtures.temporaryDirectory("pgfunnel-progress-dump").appendingPathComponent("d.dump").path
        let tty = try runUnderPTY(["dump", "-d", server.conninfo(database: db), "-f", file])
        XCTAssertEqual(tty.status, 0, tty.terminal)
        XCTAssertTrue(tty.terminal.contains("\rdumping "), tty.terminal)
    }
}

/// posix_openpt and friends, looked up at run time: Swift's Glibc module leaves them out (glibc
/// declares them only under _XOPEN_SOURCE).
enum PTY {
    typealias IntFn = @convention(c) (Int32) -> Int32
    typealias NameFn = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

    static func symbol<T>(_ name: String, as: T.Type) throws -> T {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { throw XCTSkip("\(name) not available") }
        return unsafeBitCast(p, to: T.self)
    }

    static func openpt(_ flags: Int32) throws -> Int32 { try symbol("posix_openpt", as: IntFn.self)(flags) }
    static func grantpt(_ fd: Int32) throws -> Int32 { try symbol("grantpt", as: IntFn.self)(fd) }
    static func unlockpt(_ fd: Int32) throws -> Int32 { try symbol("unlockpt", as: IntFn.self)(fd) }
    static func ptsname(_ fd: Int32) throws -> UnsafeMutablePointer<CChar> {
        guard let p = try symbol("ptsname", as: NameFn.self)(fd) else { throw XCTSkip("ptsname failed") }
        return p
    }
}
