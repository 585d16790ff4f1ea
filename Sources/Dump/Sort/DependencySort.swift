/// pg_dump_sort.c's sortDumpableObjects / TopoSort: a topological sort that changes the input
/// order (the type/name order) no more than dependencies force, repairing dependency loops.
///
/// The sort works backwards: among the objects nothing still waiting depends on, it always takes
/// the one latest in the input and places it last. pg_dump keeps those candidates in a max-heap of
/// input positions (15/16 hand-written, 17+ lib/binaryheap); positions are distinct, so any max
/// priority queue gives exactly the same order.
///
/// Loop repair mutates the objects, as pg_dump does: it removes and adds dependencies and sets
/// `separate`, `dummyView`, `postponedDefinition`, `statisticsSection` and a shell type's
/// `dumpDefinition`. Emit closures run after the sort and must read those flags.
public enum DependencySort {
    /// The sorted objects and pg_dump's warnings about loops it could only break arbitrarily
    /// (each warning is one line as pg_dump prints it after "pg_dump: warning: " or "detail: ").
    public struct Result {
        public var objects: [DumpObject]
        public var warnings: [String]
    }

    /// Sorts `objects` (already in type/name order) so that every object follows its
    /// dependencies, repairing loops as pg_dump does. Dependencies on dump ids that are not among
    /// `objects` are ignored.
    public static func sort(_ objects: [DumpObject], preDataBoundary: Int, postDataBoundary: Int) throws -> Result {
        for object in objects where object.dumpId <= 0 {
            throw DumpSortError.invalidDumpId(object.dumpId, name: object.name)
        }
        // Built only if the first pass finds loops: most dumps have none.
        var repairer: DependencyLoopRepair?
        while true {
            switch topologicalSort(objects) {
            case .sorted(let order):
                return Result(objects: order, warnings: repairer?.warnings ?? [])
            case .blocked(let unsortable):
                if repairer == nil {
                    var byDumpId: [Int: DumpObject] = [:]
                    for object in objects { byDumpId[object.dumpId] = object }
                    repairer = DependencyLoopRepair(byDumpId: byDumpId, postDataBoundary: postDataBoundary)
                }
                try repairer?.findAndRepairLoops(unsortable, totalObjects: objects.count)
            }
        }
    }

    enum TopoResult {
        case sorted([DumpObject])
        /// The objects that could not be placed (in loops, or depended on by objects in loops),
        /// in dump id order.
        case blocked([DumpObject])
    }

    /// TopoSort: one pass, succeeding or listing the objects it could not place.
    static func topologicalSort(_ objects: [DumpObject]) -> TopoResult {
        if objects.isEmpty { return .sorted([]) }
        // Input position of each dump id (-1: not among the objects); ids are dense, so an array.
        let maxId = objects.reduce(0) { max($0, $1.dumpId) }
        var position = [Int32](repeating: -1, count: maxId + 1)
        for (i, object) in objects.enumerated() { position[object.dumpId] = Int32(i) }
        func indexOf(_ dumpId: Int) -> Int? {
            guard dumpId >= 0, dumpId <= maxId else { return nil }
            let p = position[dumpId]
            return p < 0 ? nil : Int(p)
        }
        // beforeConstraints[i]: how many dependencies of other objects still point at objects[i].
        var beforeConstraints = [Int](repeating: 0, count: objects.count)
        for object in objects {
            for dep in object.dependencies {
                if let k = indexOf(dep) { beforeConstraints[k] += 1 }
            }
        }
        var ready = MaxHeap()
        for i in stride(from: objects.count - 1, through: 0, by: -1) where beforeConstraints[i] == 0 {
            ready.insert(i)
        }
        var ordering = [DumpObject?](repeating: nil, count: objects.count)
        var remaining = objects.count
        while let j = ready.popMax() {
            let object = objects[j]
            remaining -= 1
            ordering[remaining] = object
            for dep in object.dependencies {
                guard let k = indexOf(dep) else { continue }
                beforeConstraints[k] -= 1
                if beforeConstraints[k] == 0 { ready.insert(k) }
            }
        }
        if remaining == 0 { return .sorted(ordering.map { $0! }) }
        let blocked = objects.indices.filter { beforeConstraints[$0] != 0 }
            .map { objects[$0] }
            .sorted { $0.dumpId < $1.dumpId }
        return .blocked(blocked)
    }
}

/// Errors of the dependency sort (pg_dump's pg_fatal calls in pg_dump_sort.c).
public enum DumpSortError: Error, CustomStringConvertible, Equatable {
    case invalidDumpId(Int, name: String)
    /// TopoSort failed but no loop could be found among the objects it could not place.
    case couldNotIdentifyLoop(unsortable: [String])

    public var description: String {
        switch self {
        case let .invalidDumpId(id, name): return "invalid dumpId \(id) (object \(name))"
        case let .couldNotIdentifyLoop(names): return "could not identify dependency loop among \(names.joined(separator: ", "))"
        }
    }
}

/// A max-heap of distinct input positions (the pending queue of TopoSort).
struct MaxHeap {
    private var items: [Int] = []

    mutating func insert(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent] >= items[child] { break }
            items.swapAt(parent, child)
            child = parent
        }
    }

    mutating func popMax() -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < items.count && items[left] > items[largest] { largest = left }
            if right < items.count && items[right] > items[largest] { largest = right }
            if largest == parent { break }
            items.swapAt(parent, largest)
            parent = largest
        }
        return top
    }
}
