/// Every object's dependencies by dump id, in two flat arrays: all that pg_dump's
/// BuildArchiveDependencies reads from the objects. Taken once the sort is done, it lets the
/// emitter drop each DumpObject (and the catalog rows its closure holds) as soon as its entries
/// are written, instead of keeping the whole graph alive next to the growing TOC.
public struct DependencyTable {
    /// Dependencies of dump id `i` are `targets[start[i] ..< start[i + 1]]`.
    private var start: [Int32]
    private var targets: [Int32]
    /// The section boundaries: archive dependencies never go through them.
    private var boundaries: Set<Int>

    public init(_ objects: [DumpObject]) {
        let maxId = objects.map(\.dumpId).max() ?? 0
        var counts = [Int32](repeating: 0, count: maxId + 2)
        for o in objects { counts[o.dumpId + 1] = Int32(o.dependencies.count) }
        for i in 1..<counts.count { counts[i] += counts[i - 1] }
        var targets = [Int32](repeating: 0, count: Int(counts.last ?? 0))
        for o in objects {
            var k = Int(counts[o.dumpId])
            for d in o.dependencies {
                targets[k] = Int32(d)
                k += 1
            }
        }
        start = counts
        self.targets = targets
        boundaries = Set(objects.filter { $0.kind == .preDataBoundary || $0.kind == .postDataBoundary }.map(\.dumpId))
    }

    /// The dependencies of an object, in its own order; empty for ids that are no object.
    public func dependencies(of dumpId: Int) -> ArraySlice<Int32> {
        guard dumpId >= 0, dumpId + 1 < start.count else { return [] }
        return targets[Int(start[dumpId]) ..< Int(start[dumpId + 1])]
    }

    public func isBoundary(_ dumpId: Int) -> Bool { boundaries.contains(dumpId) }
}
