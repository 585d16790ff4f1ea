import Foundation

/// Developer aid for performance work: with PGFUNNEL_TRACE set, each `mark` prints the time since
/// the first mark, the resident set size and its peak (from /proc/self/status) to stderr, so a
/// slow or memory-hungry phase shows up without a profiler.
public enum PhaseTrace {
    public static let enabled = ProcessInfo.processInfo.environment["PGFUNNEL_TRACE"] != nil
    nonisolated(unsafe) private static var start: Date?

    public static func mark(_ phase: @autoclosure () -> String) {
        guard enabled else { return }
        let now = Date()
        if start == nil { start = now }
        let elapsed = now.timeIntervalSince(start!)
        let line = "trace \(String(format: "%7.3f", elapsed)) s  rss \(memory("VmRSS")) peak \(memory("VmHWM"))  \(phase())\n"
        FileHandle.standardError.write(Data(line.utf8))
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
