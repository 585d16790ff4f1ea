import Catalog
@testable import Dump

/// Builds small object graphs by hand for the sort tests: objects get dump ids in creation
/// order and a catalog OID equal to their dump id unless given.
final class SortTestGraph {
    let graph = DumpGraph()

    @discardableResult
    func add(_ kind: DumpObjectKind, _ name: String, schema: String? = "public", oid: UInt32? = nil,
             tiebreak: [String] = [], deps: [DumpObject] = []) -> DumpObject {
        let object = DumpObject(kind: kind, catalogId: CatalogId(tableOid: 1, oid: oid ?? UInt32(graph.objects.count + 1)),
                                name: name, namespace: schema)
        object.sortTiebreak = tiebreak
        graph.add(object)
        object.dependencies = deps.map(\.dumpId)
        return object
    }

    /// Boundaries, type/name sort, dependency sort; returns the names in order (boundaries shown
    /// as "<pre>" / "<post>").
    func order(major: Int = 15, keepBoundaries: Bool = false) throws -> [String] {
        try result(major: major).objects.compactMap { o in
            switch o.kind {
            case .preDataBoundary: return keepBoundaries ? "<pre>" : nil
            case .postDataBoundary: return keepBoundaries ? "<post>" : nil
            default: return o.name
            }
        }
    }

    func result(major: Int = 15) throws -> DependencySort.Result {
        try DumpSort.orderForDump(graph, pgDumpMajor: major)
    }

    /// Dependency sort only, of the objects in the given order (no boundaries).
    func topoOrder(_ objects: [DumpObject]) throws -> [String] {
        try DumpSort.sortByDependencies(objects, preDataBoundary: 0, postDataBoundary: 0).objects.map(\.name)
    }
}
