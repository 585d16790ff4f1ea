import Foundation

/// glibc's malloc raises its mmap threshold to the size of the largest block freed so far (up to
/// 32 MiB). In the catalog phase that turns every later large transient (query results being
/// parsed, arrays growing, the TOC being encoded) into heap memory whose pages stay resident
/// after it is freed: on 5000 tables that alone made the dump's peak RSS about 9 MiB larger.
/// A fixed threshold keeps large blocks in mappings of their own, returned when freed; for the
/// data phase, whose 128 KiB buffers come and go with every table, it is raised again so they are
/// served from the heap and reused.
enum MallocPolicy {
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    private static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD

    private static let mallopt: Mallopt? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: Mallopt.self)
    }()

    /// Large blocks (128 KiB and up) in their own mappings.
    static func catalogPhase() { _ = mallopt?(mmapThreshold, 128 * 1024) }

    /// Blocks up to 4 MiB from the heap, where freed ones are reused.
    static func dataPhase() { _ = mallopt?(mmapThreshold, 4 * 1024 * 1024) }

    private typealias Trim = @convention(c) (Int) -> Int32
    private static let mallocTrim: Trim? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
    }()

    /// Gives the pages of freed heap memory back to the system. Between phases that free much
    /// of what the previous one built (the catalog rows once the entries are emitted), the next
    /// phase's allocations then reuse those pages instead of adding to the resident set.
    static func releaseFreedMemory() { _ = mallocTrim?(0) }
}
