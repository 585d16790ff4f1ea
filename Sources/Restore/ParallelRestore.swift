import Foundation
import Archive

/// `-j N`: pg_restore's three-phase parallel restore.
///
/// 1. The leader restores the pre-data items on its own connection, in archive order.
/// 2. N workers, each with its own connection and its own handle on the archive file, take items
///    whose dependencies are done, largest data first, never two at once that need a lock on the
///    same table (post-data items other than indexes lock their tables), pass by pass (main, ACLs,
///    post-ACL). Post-data items wait for their tables' data, not just their tables.
/// 3. Whatever is left (cycles, odd use-lists) runs serially on the leader.
final class ParallelRestoreScheduler {
    struct Item {
        let entry: TocEntry
        var dependencies: [Int]
        var lockDependencies: [Int] = []
        var dataLength: Int64 = 0
        var pendingDependencyCount = 0
        var reverseDependencies: [Int] = []
    }

    private var items: [Int: Item] = [:]
    private let order: [Int]
    private let pass: (TocEntry) -> RestorePass

    init(entries: [TocEntry], fileSize: Int64?) {
        order = entries.map(\.dumpId)
        pass = { RestorePass($0) }
        var byId: [Int: Item] = [:]
        for e in entries { byId[e.dumpId] = Item(entry: e, dependencies: e.dependencies) }
        // dataLength: distance to the next data block (pg_restore's _PrepParallelRestore).
        for (id, length) in StoredDataLengths.of(entries, fileSize: fileSize) { byId[id]?.dataLength = length }
        // repoint_table_dependencies: post-data items depend on the table's data, not the table.
        var tableData: [Int: Int] = [:]
        for e in entries where e.desc == "TABLE DATA" { if let t = e.dependencies.first { tableData[t] = e.dumpId } }
        for id in order {
            guard var item = byId[id], item.entry.section == .postData else { continue }
            for (k, dep) in item.dependencies.enumerated() {
                if let data = tableData[dep] {
                    item.dependencies[k] = data
                    item.dataLength = max(item.dataLength, byId[data]?.dataLength ?? 0)
                }
            }
            byId[id] = item
        }
        Self.waitForPartitionData(&byId, order: order, tableData: tableData)
        // Dependency counts only for dependencies present in the archive.
        for id in order {
            guard let item = byId[id] else { continue }
            var count = 0
            for dep in item.dependencies where byId[dep] != nil {
                count += 1
                byId[dep]?.reverseDependencies.append(id)
            }
            byId[id]?.pendingDependencyCount = count
        }
        // identify_locking_dependencies.
        for id in order {
            guard var item = byId[id], item.entry.section == .postData, item.entry.desc != "INDEX" else { continue }
            item.lockDependencies = item.dependencies.filter { dep in
                guard let d = byId[dep]?.entry.desc else { return false }
                return d == "TABLE DATA" || d == "TABLE"
            }
            byId[id] = item
        }
        items = byId
    }

    /// A post-data item on a partitioned table (a trigger, an index) waits for the data of every
    /// partition below it. A partitioned table has no TABLE DATA of its own, so by pg_restore's
    /// rules such an item is ready as soon as the table exists, and pg_restore -j creates, say,
    /// an audit trigger on the parent before the partitions' rows are loaded: the COPY into each
    /// partition then fires it (pg_restore -j 2 fails so on fixtures/archives/pg17-lz4-piped.dump).
    /// Waiting gives the serial restore's result; partitions come from the TABLE ATTACH entries,
    /// whose dependencies are the partition and its parent.
    static func waitForPartitionData(_ byId: inout [Int: Item], order: [Int], tableData: [Int: Int]) {
        var partitions: [Int: [Int]] = [:]
        for id in order {
            guard let attach = byId[id]?.entry, attach.desc == "TABLE ATTACH" else { continue }
            let tables = attach.dependencies.filter { byId[$0].map { $0.entry.desc == "TABLE" || $0.entry.desc == "FOREIGN TABLE" } ?? false }
            guard let child = tables.first(where: { byId[$0]?.entry.tag == attach.tag }) else { continue }
            for parent in tables where parent != child { partitions[parent, default: []].append(child) }
        }
        guard !partitions.isEmpty else { return }
        func partitionData(of table: Int, seen: inout Set<Int>) -> [Int] {
            guard seen.insert(table).inserted else { return [] }
            var result: [Int] = []
            for child in partitions[table] ?? [] {
                if let data = tableData[child] { result.append(data) }
                result += partitionData(of: child, seen: &seen)
            }
            return result
        }
        for id in order {
            guard var item = byId[id], item.entry.section == .postData else { continue }
            var extra: [Int] = []
            for dep in Set(item.dependencies) where tableData[dep] == nil && partitions[dep] != nil {
                var seen = Set<Int>()
                extra += partitionData(of: dep, seen: &seen).filter { !item.dependencies.contains($0) && !extra.contains($0) }
            }
            guard !extra.isEmpty else { continue }
            item.dependencies += extra
            for data in extra { item.dataLength = max(item.dataLength, byId[data]?.dataLength ?? 0) }
            byId[id] = item
        }
    }

    func hasLockConflict(_ a: Item, _ b: Item) -> Bool {
        a.lockDependencies.contains { b.dependencies.contains($0) } || b.lockDependencies.contains { a.dependencies.contains($0) }
    }

    /// Runs the restore. `leader` processes items itself; `work` is called on worker threads.
    func run(jobs: Int, isWanted: (TocEntry) -> Bool,
             leader: (TocEntry) throws -> Void,
             makeWorker: () throws -> (TocEntry) throws -> Void) throws {
        var pending: [Int] = []
        var skippedSome = false
        var done = Set<Int>()
        // Phase 1: pre-data on the leader.
        for id in order {
            guard let item = items[id] else { continue }
            var now = true
            if item.entry.section != .preData {
                if item.entry.section == .data || item.entry.section == .postData {
                    now = false
                    skippedSome = true
                } else if skippedSome {
                    now = false
                }
            }
            if pass(item.entry) != .main { now = false }
            if now {
                if isWanted(item.entry) { try leader(item.entry) }
                complete(id, done: &done)
                // pg_restore's reduce_dependencies(AH, te, NULL): without this nothing the leader
                // restored would ever count as done, no item would become ready, and phase 3 would
                // restore everything serially on the leader.
                for other in item.reverseDependencies { items[other]?.pendingDependencyCount -= 1 }
            } else {
                pending.append(id)
            }
        }

        // Phase 2: workers.
        let state = SchedulerState()
        var workers: [(TocEntry) throws -> Void] = []
        for _ in 0..<max(1, jobs) { workers.append(try makeWorker()) }
        var idle = Array(workers.indices)
        var running: [Int: Int] = [:] // worker -> dumpId
        var currentPass = RestorePass.main
        var ready: [Int] = []
        func moveToReady() {
            var rest: [Int] = []
            for id in pending {
                if let it = items[id], it.pendingDependencyCount == 0, pass(it.entry) == currentPass { ready.append(id) } else { rest.append(id) }
            }
            pending = rest
        }
        func sortReady() {
            ready.sort { a, b in
                let la = items[a]!.dataLength, lb = items[b]!.dataLength
                return la != lb ? la > lb : a < b
            }
        }
        moveToReady()
        var firstError: Error?
        while true {
            sortReady()
            var dispatched = false
            if firstError == nil, let worker = idle.first {
                if let index = ready.firstIndex(where: { id in
                    !running.values.contains { hasLockConflict(items[id]!, items[$0]!) }
                }) {
                    let id = ready.remove(at: index)
                    let entry = items[id]!.entry
                    if !isWanted(entry) {
                        complete(id, done: &done)
                        reduce(id, ready: &ready, pending: &pending, pass: currentPass)
                        continue
                    }
                    idle.removeFirst()
                    running[worker] = id
                    let job = workers[worker]
                    state.start(worker: worker) { try job(entry) }
                    dispatched = true
                }
            }
            if dispatched { continue }
            if running.isEmpty {
                if firstError != nil { break }
                if currentPass == .postACL { break }
                currentPass = RestorePass(rawValue: currentPass.rawValue + 1)!
                moveToReady()
                continue
            }
            let (worker, error) = state.waitForOne()
            if let error, firstError == nil { firstError = error }
            if let id = running.removeValue(forKey: worker) {
                complete(id, done: &done)
                reduce(id, ready: &ready, pending: &pending, pass: currentPass)
            }
            idle.append(worker)
        }
        if let firstError { throw firstError }

        // Phase 3: anything left, serially on the leader.
        for id in pending + ready where !done.contains(id) {
            if let e = items[id]?.entry, isWanted(e) { try leader(e) }
        }
    }

    private func complete(_ id: Int, done: inout Set<Int>) { done.insert(id) }

    private func reduce(_ id: Int, ready: inout [Int], pending: inout [Int], pass currentPass: RestorePass) {
        for other in items[id]?.reverseDependencies ?? [] {
            items[other]?.pendingDependencyCount -= 1
            if let it = items[other], it.pendingDependencyCount == 0, pass(it.entry) == currentPass,
               let p = pending.firstIndex(of: other) {
                pending.remove(at: p)
                ready.append(other)
            }
        }
    }

    /// Runs jobs on threads and reports completions back to the scheduling thread.
    private final class SchedulerState {
        private let condition = NSCondition()
        private var finished: [(Int, Error?)] = []

        func start(worker: Int, _ body: @escaping () throws -> Void) {
            let thread = Thread { [self] in
                var failure: Error?
                do { try body() } catch { failure = error }
                condition.lock()
                finished.append((worker, failure))
                condition.signal()
                condition.unlock()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }

        func waitForOne() -> (Int, Error?) {
            condition.lock()
            while finished.isEmpty { condition.wait() }
            let first = finished.removeFirst()
            condition.unlock()
            return first
        }
    }
}
