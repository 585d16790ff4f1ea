import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of a finished child process. `status` is the exit code, or minus the signal
/// number when a signal killed it.
public typealias ProcessOutput = (status: Int32, stdout: Data, stderr: Data)

/// Runs child processes with posix_spawn and one poll loop.
///
/// Foundation's Process is avoided on purpose: its exit monitoring missed the exit of
/// `pg_ctl start` (which leaves a daemonized postmaster behind) and hung forever. Here the child
/// gets only fds 0-2, its input is written and both outputs read in a single poll loop (so large
/// outputs on either pipe cannot deadlock), and the exit is collected with a plain waitpid.
public enum ProcessRunner {
    /// Runs a program to completion. `environment` nil inherits this process's environment.
    public static func run(
        executable: URL, arguments: [String], stdin: Data? = nil,
        environment: [String: String]? = nil, currentDirectory: URL? = nil
    ) throws -> ProcessOutput {
        let inputPipe = try makePipe()
        let outputPipe = try makePipe()
        let errorPipe = try makePipe()
        var inputFD = inputPipe.write, outputFD = outputPipe.read, errorFD = errorPipe.read
        var childEnds: [Int32] = [inputPipe.read, outputPipe.write, errorPipe.write]
        defer { ([inputFD, outputFD, errorFD] + childEnds).filter { $0 >= 0 }.forEach { _ = close($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies; every other fd is closed in the child so a
        // daemon it leaves behind (postmaster) cannot hold our pipes open.
        posix_spawn_file_actions_adddup2(&actions, inputPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe.write, 2)
        if let addCloseFrom = GNUSpawnExtensions.addCloseFrom {
            _ = addCloseFrom(&actions, 3)
        }
        if let currentDirectory {
            guard let addChdir = GNUSpawnExtensions.addChdir else {
                throw TestSupportError.launchFailed(
                    executable: executable.path, reason: "posix_spawn_file_actions_addchdir_np is unavailable")
            }
            _ = addChdir(&actions, currentDirectory.path)
        }

        // Default signal handling in the child even if we ignore SIGPIPE.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let environmentEntries = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp = environmentEntries.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        var pid: pid_t = 0
        let spawnStatus = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard spawnStatus == 0 else {
            throw TestSupportError.launchFailed(executable: executable.path, reason: String(cString: strerror(spawnStatus)))
        }
        childEnds.indices.forEach { close(childEnds[$0]); childEnds[$0] = -1 }

        let (stdout, stderr) = pump(input: stdin ?? Data(), inputFD: &inputFD, outputFD: &outputFD, errorFD: &errorFD)

        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) == -1 {
            guard errno == EINTR else {
                throw TestSupportError.launchFailed(
                    executable: executable.path, reason: "waitpid: \(String(cString: strerror(errno)))")
            }
        }
        let exited = waitStatus & 0x7f == 0
        let status = exited ? (waitStatus >> 8) & 0xff : -(waitStatus & 0x7f)
        return (status, stdout, stderr)
    }

    /// Feeds `input` and drains both outputs until the child closes them. Closes each fd when
    /// done with it and sets it to -1.
    private static func pump(input: Data, inputFD: inout Int32, outputFD: inout Int32, errorFD: inout Int32)
        -> (Data, Data)
    {
        var stdout = Data()
        var stderr = Data()
        var written = 0
        _ = fcntl(inputFD, F_SETFL, fcntl(inputFD, F_GETFL) | O_NONBLOCK)
        if input.isEmpty { close(inputFD); inputFD = -1 }
        var buffer = [UInt8](repeating: 0, count: 65536)

        while inputFD >= 0 || outputFD >= 0 || errorFD >= 0 {
            var fds = [
                pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0),
                pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: errorFD, events: Int16(POLLIN), revents: 0),
            ]  // poll ignores negative fds
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if inputFD >= 0, fds[0].revents != 0 {
                let count = input.withUnsafeBytes { bytes -> Int in
                    guard let base = bytes.baseAddress else { return 0 }
                    return write(inputFD, base + written, min(bytes.count - written, 65536))
                }
                if count > 0 { written += count }
                // EPIPE: the child exited or closed stdin without reading it all; its exit status
                // tells the real story, so stop feeding it.
                if (count < 0 && errno != EAGAIN && errno != EINTR) || written >= input.count {
                    close(inputFD)
                    inputFD = -1
                }
            }
            for (index, isOutput) in [(1, true), (2, false)] where fds[index].revents != 0 {
                let fd = isOutput ? outputFD : errorFD
                let count = read(fd, &buffer, buffer.count)
                if count > 0 {
                    if isOutput { stdout.append(buffer, count: count) } else { stderr.append(buffer, count: count) }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fd)
                    if isOutput { outputFD = -1 } else { errorFD = -1 }
                }
            }
        }
        return (stdout, stderr)
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw TestSupportError.setupFailed("pipe: \(String(cString: strerror(errno)))")
        }
        // Keeps concurrent spawns on other threads from inheriting this pipe (closefrom in the
        // child covers the same ground where available).
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        ignoreSIGPIPE
        return (fds[0], fds[1])
    }

    /// Writing to a pipe whose reader exited must be an error, not a process-killing signal.
    private static let ignoreSIGPIPE: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()
}

/// glibc's posix_spawn extensions (2.29+/2.34+). Swift's Glibc module is imported without
/// _GNU_SOURCE, so they are looked up at run time rather than declared.
private enum GNUSpawnExtensions {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?)
        -> Int32

    static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }
    static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }
}

extension Data {
    /// The bytes as text, for messages and assertions (invalid UTF-8 is repaired, not fatal).
    public var text: String { String(decoding: self, as: UTF8.self) }
}
