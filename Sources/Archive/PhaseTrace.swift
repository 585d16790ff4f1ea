import Foundation

/// Developer aid for performance work: with PGFUNNEL_TRACE set, each `mark` prints the time since
/// the first mark, the process's CPU time (user + system, all threads), the resident set size and
/// its peak (from /proc/self/status) to stderr, so a slow or memory-hungry phase shows up without
/// a profiler, and time spent waiting for the server shows as wall time without CPU time.
public enum PhaseTrace {
    public static let enabled = ProcessInfo.processInfo.environment["PGFUNNEL_TRACE"] != nil
    nonisolated(unsafe) private static var start: Date?

    public static func mark(_ phase: @autoclosure () -> String) {
        guard enabled else { return }
        let now = Date()
        if start == nil { start = now }
        let elapsed = now.timeIntervalSince(start!)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
        let line = "trace \(String(format: "%7.3f", elapsed)) s  cpu \(String(format: "%6.3f", cpu)) s  live \(heapInUse())  rss \(memory("VmRSS")) peak \(memory("VmHWM"))  \(phase())\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The RSS after giving free heap pages back to the system (malloc_trim), which unlike the
    /// plain RSS falls when memory is freed. Only traced runs trim, so peak figures taken without
    /// PGFUNNEL_TRACE are unaffected.
    private static func heapInUse() -> String {
        typealias Trim = @convention(c) (Int) -> Int32
        // Not in Swift's Glibc module (malloc.h), hence the lookup.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            if ProcessInfo.processInfo.environment["PGFUNNEL_TRACE_NOTRIM"] == nil { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        }
        return memory("VmRSS")
    }

    private static func memory(_ field: String) -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "?" }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let kb = line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first.flatMap { Int($0) } ?? 0
            return "\(kb / 1024) MiB"
        }
        return "?"
    }
}
