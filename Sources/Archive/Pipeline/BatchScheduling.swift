#if canImport(Glibc)
import Glibc
#endif

/// Linux's SCHED_BATCH: the scheduler treats a thread as CPU-bound and does not let its wakeups
/// preempt other threads. During a dump every pgfunnel thread is busy (compression workers flat
/// out, the COPY reader and the server's backend waking each other for every few kilobytes), so
/// marking them all batch saves the preemptions: on 2 cores a -Z 1 dump of 320 MB went from
/// 4.69-4.86 to 4.55-4.60 s of busy CPU and from 2.51-2.60 to 2.49-2.51 s.
/// SCHED_BATCH and the default SCHED_OTHER are both normal policies: any thread may move between
/// them without privileges, and a failure changes nothing.
enum BatchScheduling {
    private static let batch: Int32 = 3  // SCHED_BATCH; glibc declares it only under _GNU_SOURCE
    private static let other: Int32 = 0  // SCHED_OTHER

    /// Marks the calling thread batch; returns whether it was SCHED_OTHER before (and so should
    /// go back with `restoreCurrentThread`).
    @discardableResult
    static func markCurrentThread() -> Bool {
        #if os(Linux)
        guard sched_getscheduler(0) == other else { return false }
        var param = sched_param()
        return sched_setscheduler(0, batch, &param) == 0
        #else
        return false
        #endif
    }

    static func restoreCurrentThread() {
        #if os(Linux)
        var param = sched_param()
        _ = sched_setscheduler(0, other, &param)
        #endif
    }
}
