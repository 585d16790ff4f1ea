import Foundation
import Archive

/// The entries a restore processes, in order, with what is wanted of each: shared by the leader
/// and the parallel workers of `-j`, so its mutable parts are guarded by a lock.
final class RestorePlan: @unchecked Sendable {
    let ordered: [TocEntry]
    private var requirements: [Int: EntryRequirement]
    /// TABLE DATA entries whose table was created by this run (pg_restore's te->created).
    private var createdTableData = Set<Int>()
    /// The TABLE DATA entry of each TABLE (pg_restore's tableDataId), from the data's first dependency.
    let tableDataIdByTable: [Int: Int]
    private let lock = NSLock()

    init(ordered: [TocEntry], requirements: [Int: EntryRequirement]) {
        self.ordered = ordered
        self.requirements = requirements
        var map: [Int: Int] = [:]
        for e in ordered where e.desc == "TABLE DATA" {
            if let table = e.dependencies.first { map[table] = e.dumpId }
        }
        tableDataIdByTable = map
    }

    func requirement(_ dumpId: Int) -> EntryRequirement {
        lock.lock(); defer { lock.unlock() }
        return requirements[dumpId] ?? []
    }

    /// --no-data-for-failed-tables.
    func inhibitData(ofTable tableId: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let dataId = tableDataIdByTable[tableId] else { return false }
        requirements[dataId] = []
        return true
    }

    func markCreated(table tableId: Int) {
        lock.lock(); defer { lock.unlock() }
        if let dataId = tableDataIdByTable[tableId] { createdTableData.insert(dataId) }
    }

    func wasCreated(tableData dumpId: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return createdTableData.contains(dumpId)
    }
}
