/// The dump's object order, as pg_dump's main() computes it after collecting every object and
/// its dependencies: boundary objects, boundary dependencies, sort by type and name, then the
/// dependency sort with loop repair. The TOC entries are then emitted in this order.
public enum DumpSort {
    /// sortDumpableObjectsByTypeName.
    public static func sortByTypeName(_ objects: [DumpObject], pgDumpMajor: Int) -> [DumpObject] {
        TypeNameOrder.sorted(objects, pgDumpMajor: pgDumpMajor)
    }

    /// sortDumpableObjects: `objects` in type/name order, boundaries among them.
    public static func sortByDependencies(_ objects: [DumpObject], preDataBoundary: Int, postDataBoundary: Int) throws -> DependencySort.Result {
        try DependencySort.sort(objects, preDataBoundary: preDataBoundary, postDataBoundary: postDataBoundary)
    }

    /// The whole sequence over a graph's objects (dumped or not: pg_dump sorts them all, since
    /// undumped objects still carry dependencies). Adds the two boundary objects to the graph.
    public static func orderForDump(_ graph: DumpGraph, pgDumpMajor: Int) throws -> DependencySort.Result {
        let (pre, post) = SectionBoundaries.create(in: graph)
        let all = graph.objects
        SectionBoundaries.addDependencies(all, preData: pre, postData: post, pgDumpMajor: pgDumpMajor)
        let byName = sortByTypeName(all, pgDumpMajor: pgDumpMajor)
        return try sortByDependencies(byName, preDataBoundary: pre.dumpId, postDataBoundary: post.dumpId)
    }
}
