#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What one progress line shows: work items done of a total, data bytes moved, and the object
/// being worked on. A plain value, so the line is a pure function of it.
public struct ProgressSnapshot: Equatable, Sendable {
    /// The command's verb: "dumping", "restoring", "importing", "exporting".
    public var verb: String
    public var done: Int
    public var total: Int
    public var bytes: Int64
    /// Seconds since the command started.
    public var elapsed: Double
    public var current: String
    /// What the ETA is computed from: units of work done and expected in all, in whatever unit
    /// the command can know the total of before it starts (stored data bytes for restore, the
    /// tables' estimated size for dump, segment file bytes for import). 0 total: no ETA.
    public var workDone: Int64
    public var workTotal: Int64
    /// Seconds since the first unit of work was reported: the rate leaves out the catalog or
    /// schema phase before the data.
    public var workElapsed: Double

    public init(verb: String, done: Int = 0, total: Int = 0, bytes: Int64 = 0, elapsed: Double = 0, current: String = "",
                workDone: Int64 = 0, workTotal: Int64 = 0, workElapsed: Double = 0) {
        self.verb = verb
        self.done = done
        self.total = total
        self.bytes = bytes
        self.elapsed = elapsed
        self.current = current
        self.workDone = workDone
        self.workTotal = workTotal
        self.workElapsed = workElapsed
    }

    /// Seconds left at the rate so far, once there is a rate worth extrapolating (two seconds of
    /// work) and while the estimate of the total still exceeds what is done.
    public var secondsLeft: Double? {
        guard workTotal > 0, workDone > 0, workDone < workTotal, workElapsed >= 2 else { return nil }
        return workElapsed * Double(workTotal - workDone) / Double(workDone)
    }
}

/// The rendering of a snapshot: `dumping 3/12 entries, 1.2 GB, 250.0 MB/s: TABLE DATA public.t`,
/// cut to fit the terminal width (a wrapped line could no longer be redrawn in place).
public enum ProgressLine {
    public static func render(_ s: ProgressSnapshot, width: Int) -> String {
        var line = "\(s.verb) \(s.done)/\(s.total) \(s.total == 1 ? "entry" : "entries"), \(bytes(s.bytes))"
        if s.elapsed >= 0.5 { line += ", \(bytes(Int64(Double(s.bytes) / s.elapsed)))/s" }
        if let left = s.secondsLeft { line += ", ETA \(duration(left))" }
        if !s.current.isEmpty { line += ": " + s.current.map { $0.isNewline || $0 == "\t" ? " " : $0 }.reduce(into: "") { $0.append($1) } }
        let limit = max(width - 1, 10)
        if line.count > limit { line = String(line.prefix(limit - 1)) + "…" }
        return line
    }

    /// `m:ss` below an hour, `h:mm:ss` above, rounded up to the second.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (h, m, sec) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, sec) : String(format: "%d:%02d", m, sec)
    }

    /// 1024-based sizes with one decimal, as pg_restore -v and du -h read them.
    public static func bytes(_ n: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }
}

/// The one-line progress display on standard error, redrawn in place by a timer (four times a
/// second) so that the hot paths only bump counters. Commands create one when `shouldShow` says
/// so; library code reports through an optional reference and never checks terminals itself.
public final class ProgressReporter: @unchecked Sendable {
    /// `--progress` / `--no-progress` / neither (show only on a terminal).
    public enum Mode: Sendable { case auto, always, never }

    private let lock = NSLock()
    private var snapshot: ProgressSnapshot
    private let fd: Int32
    private let started = DispatchTime.now()
    private var workStarted: DispatchTime?
    private var timer: DispatchSourceTimer?
    private var drawn = false
    private var everDrawn = false
    private var finished = false

    /// The reporter whose line is on the terminal, for `printError` to clear before a message.
    nonisolated(unsafe) private static var active: ProgressReporter?
    private static let activeLock = NSLock()

    /// Whether to show progress: always/never when forced, else only when standard error is a
    /// terminal and the command's own output (`outputIsStdout`) does not go to that terminal.
    public static func shouldShow(_ mode: Mode, outputIsStdout: Bool = false, fd: Int32 = STDERR_FILENO) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .auto: return isatty(fd) == 1 && !(outputIsStdout && isatty(STDOUT_FILENO) == 1)
        }
    }

    public init(verb: String, total: Int = 0, fd: Int32 = STDERR_FILENO, interval: Double = 0.25) {
        snapshot = ProgressSnapshot(verb: verb, total: total)
        self.fd = fd
        let t = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        t.schedule(deadline: .now() + interval, repeating: interval)
        t.setEventHandler { [weak self] in self?.redraw() }
        timer = t
        Self.activeLock.lock()
        Self.active = self
        Self.activeLock.unlock()
        t.resume()
    }

    deinit { timer?.cancel() }

    public func setTotal(_ total: Int) { locked { snapshot.total = total } }

    /// The amount of work the ETA measures against (see ProgressSnapshot.workTotal).
    public func setWorkTotal(_ total: Int64) { locked { snapshot.workTotal = total } }

    /// Work done, from any thread; the first call starts the ETA's clock.
    public func addWork(_ amount: Int) {
        lock.lock()
        if workStarted == nil { workStarted = DispatchTime.now() }
        snapshot.workDone += Int64(amount)
        lock.unlock()
    }

    /// A new entry (or table) is being worked on. The first one draws the line at once, so
    /// that even a command shorter than the redraw interval shows it.
    public func begin(_ current: String) {
        lock.lock()
        snapshot.current = current
        let first = !everDrawn
        lock.unlock()
        if first { redraw() }
    }

    /// The counters as they stand (what the next redraw would show, without its clock).
    public func currentSnapshot() -> ProgressSnapshot {
        lock.lock()
        defer { lock.unlock() }
        return snapshot
    }

    /// One entry finished.
    public func entryDone() { locked { snapshot.done += 1 } }

    public func add(bytes: Int) { locked { snapshot.bytes += Int64(bytes) } }

    /// Stops redrawing and erases the line.
    public func finish() {
        timer?.cancel()
        lock.lock()
        finished = true
        if drawn { write("\r\u{1B}[K") }
        drawn = false
        lock.unlock()
        Self.activeLock.lock()
        if Self.active === self { Self.active = nil }
        Self.activeLock.unlock()
    }

    /// Writes a message line to standard error without mangling the progress line: the line is
    /// erased first and redrawn by the next tick.
    public static func writeMessage(_ text: String) {
        activeLock.lock()
        let reporter = active
        activeLock.unlock()
        guard let reporter else {
            FileHandle.standardError.write(Data(text.utf8))
            return
        }
        reporter.lock.lock()
        if reporter.drawn { reporter.write("\r\u{1B}[K") }
        reporter.drawn = false
        FileHandle.standardError.write(Data(text.utf8))
        reporter.lock.unlock()
    }

    private func locked(_ body: () -> Void) {
        lock.lock()
        body()
        lock.unlock()
    }

    private func redraw() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        snapshot.elapsed = Double(now - started.uptimeNanoseconds) / 1e9
        snapshot.workElapsed = workStarted.map { Double(now - $0.uptimeNanoseconds) / 1e9 } ?? 0
        write("\r" + ProgressLine.render(snapshot, width: Self.terminalWidth(fd)) + "\u{1B}[K")
        drawn = true
        everDrawn = true
    }

    private func write(_ text: String) {
        var t = text
        t.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }

    static func terminalWidth(_ fd: Int32) -> Int {
        var ws = winsize()
        let rc = withUnsafeMutablePointer(to: &ws) { ioctl(fd, UInt(TIOCGWINSZ), $0) }
        if rc == 0, ws.ws_col > 0 { return Int(ws.ws_col) }
        return 80
    }
}
