import Archive
import Foundation
@testable import Restore
import XCTest

/// `-j`: the leader restores pre-data, then the workers restore data and post-data items
/// concurrently, each post-data item only after its table's data (pg_restore's
/// restore_toc_entries_prefork / restore_toc_entries_parallel).
final class ParallelSchedulerTests: XCTestCase {
    /// Two tables with data and a primary key each.
    func twoTables() -> [TocEntry] {
        [
            TocEntry(dumpId: 1, tag: "t1", desc: "TABLE", section: .preData),
            TocEntry(dumpId: 2, tag: "t2", desc: "TABLE", section: .preData),
            TocEntry(dumpId: 3, hasData: true, tag: "t1", desc: "TABLE DATA", section: .data,
                     dependencies: [1], dataState: .set, dataOffset: 1000),
            TocEntry(dumpId: 4, hasData: true, tag: "t2", desc: "TABLE DATA", section: .data,
                     dependencies: [2], dataState: .set, dataOffset: 5000),
            TocEntry(dumpId: 5, tag: "t1 t1_pkey", desc: "CONSTRAINT", section: .postData, dependencies: [1]),
            TocEntry(dumpId: 6, tag: "t2 t2_pkey", desc: "CONSTRAINT", section: .postData, dependencies: [2]),
        ]
    }

    /// Records who ran what, and lets jobs wait until a given set of items is running at once.
    final class Log: @unchecked Sendable {
        let condition = NSCondition()
        var leader: [Int] = []
        var started: [Int] = []
        var events: [String] = []
        var running = Set<Int>()
        var sawTogether = false

        /// Waits (up to 5 s, so a serial schedule fails instead of hanging) until all of `ids` run.
        func runTogether(_ id: Int, with ids: Set<Int>) {
            condition.lock()
            started.append(id)
            events.append("start \(id)")
            running.insert(id)
            condition.broadcast()
            let deadline = Date().addingTimeInterval(5)
            if ids.count > 1 {
                while !sawTogether && !ids.isSubset(of: running) && condition.wait(until: deadline) {}
                if ids.isSubset(of: running) { sawTogether = true }
                condition.broadcast()
            }
            running.remove(id)
            events.append("end \(id)")
            condition.unlock()
        }
    }

    func testWorkersRestoreDataConcurrentlyAfterTheLeadersPreData() throws {
        let scheduler = ParallelRestoreScheduler(entries: twoTables(), fileSize: 9000)
        let log = Log()
        try scheduler.run(
            jobs: 2, isWanted: { _ in true },
            leader: { e in log.condition.lock(); log.leader.append(e.dumpId); log.condition.unlock() },
            makeWorker: {
                { e in
                    if e.desc == "TABLE DATA" {
                        log.runTogether(e.dumpId, with: [3, 4])
                    } else {
                        log.runTogether(e.dumpId, with: [])
                    }
                }
            })
        XCTAssertEqual(log.leader, [1, 2], "the leader restores pre-data only")
        XCTAssertEqual(Set(log.started), [3, 4, 5, 6], "workers restore data and post-data")
        XCTAssertTrue(log.sawTogether, "both tables' data were loaded at the same time")
        for (constraint, data) in [(5, 3), (6, 4)] {
            let c = try XCTUnwrap(log.events.firstIndex(of: "start \(constraint)"))
            let d = try XCTUnwrap(log.events.firstIndex(of: "end \(data)"))
            XCTAssertGreaterThan(c, d, "constraint \(constraint) started before its table's data \(data) finished: \(log.events)")
        }
    }

    func testSingleWorkerStillRunsEverythingOnce() throws {
        let scheduler = ParallelRestoreScheduler(entries: twoTables(), fileSize: 9000)
        let log = Log()
        try scheduler.run(
            jobs: 1, isWanted: { _ in true },
            leader: { e in log.leader.append(e.dumpId) },
            makeWorker: { { e in log.runTogether(e.dumpId, with: []) } })
        XCTAssertEqual(log.leader, [1, 2])
        XCTAssertEqual(log.started.sorted(), [3, 4, 5, 6])
        for (constraint, data) in [(5, 3), (6, 4)] {
            XCTAssertGreaterThan(try XCTUnwrap(log.events.firstIndex(of: "start \(constraint)")),
                                 try XCTUnwrap(log.events.firstIndex(of: "end \(data)")))
        }
    }

    /// Unlike pg_restore -j, a trigger on a partitioned table waits for its partitions' data,
    /// so the COPY into a partition does not fire it (the serial restore's result).
    func testTriggerOnPartitionedTableWaitsForPartitionData() throws {
        let entries = [
            TocEntry(dumpId: 1, tag: "parent", desc: "TABLE", section: .preData),
            TocEntry(dumpId: 2, tag: "part", desc: "TABLE", section: .preData),
            TocEntry(dumpId: 3, tag: "part", desc: "TABLE ATTACH", section: .preData, dependencies: [2, 1]),
            TocEntry(dumpId: 4, tag: "parent audit", desc: "TRIGGER", section: .postData, dependencies: [1]),
            TocEntry(dumpId: 5, hasData: true, tag: "part", desc: "TABLE DATA", section: .data,
                     dependencies: [2], dataState: .set, dataOffset: 1000),
        ]
        let scheduler = ParallelRestoreScheduler(entries: entries, fileSize: 9000)
        let log = Log()
        try scheduler.run(
            jobs: 2, isWanted: { _ in true },
            leader: { e in log.leader.append(e.dumpId) },
            makeWorker: { { e in log.runTogether(e.dumpId, with: []) } })
        XCTAssertEqual(log.leader, [1, 2, 3])
        XCTAssertGreaterThan(try XCTUnwrap(log.events.firstIndex(of: "start 4")), try XCTUnwrap(log.events.firstIndex(of: "end 5")),
                             "\(log.events)")
    }
}
