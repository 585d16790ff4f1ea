/// pg_dump.c's createBoundaryObjects / addBoundaryDependencies: two dummy objects that keep every
/// pre-data object before every data object, and every data object before every post-data one.
///
/// The boundaries write no TOC entry; archive dependencies never go through them (pg_dump's
/// findDumpableDependencies skips them). Loop repair uses the post-data boundary's dump id to push
/// objects it splits off (rules, constraints) into post-data.
public enum SectionBoundaries {
    /// Creates the two boundary objects and adds them to the graph (after every other object, as
    /// pg_dump does, so their dump ids are the two largest object ids).
    public static func create(in graph: DumpGraph) -> (preData: DumpObject, postData: DumpObject) {
        let pre = graph.add(DumpObject(kind: .preDataBoundary, catalogId: .none, name: "PRE-DATA BOUNDARY", namespace: nil))
        let post = graph.add(DumpObject(kind: .postDataBoundary, catalogId: .none, name: "POST-DATA BOUNDARY", namespace: nil))
        pre.dumpDefinition = false
        post.dumpDefinition = false
        return (pre, post)
    }

    /// Adds the section dependencies of every object in `objects` (in their order, which decides
    /// the order of the boundary's own dependency list). The kinds' sections must match the
    /// sections their TOC entries are written in.
    ///
    /// Version differences: large objects are pre-data up to pg_dump 16 and data from 17 on;
    /// pg_dump 18's relation statistics are data or post-data per `statisticsSection`.
    public static func addDependencies(_ objects: [DumpObject], preData: DumpObject, postData: DumpObject, pgDumpMajor: Int) {
        for object in objects {
            switch object.kind {
            case .namespace, .extension, .type, .shellType, .function, .aggregate, .operator, .accessMethod,
                 .opclass, .opfamily, .collation, .conversion, .table, .tableAttach, .attrDef, .procLang, .cast,
                 .dummyType, .tsParser, .tsDict, .tsTemplate, .tsConfig, .fdw, .foreignServer, .transform:
                preData.dependencies.append(object.dumpId)
            case .largeObject where pgDumpMajor < 17:
                preData.dependencies.append(object.dumpId)
            case .tableData, .sequenceSet, .largeObject, .largeObjectData:
                object.dependencies.append(preData.dumpId)
                postData.dependencies.append(object.dumpId)
            case .index, .indexAttach, .statsExt, .refreshMatview, .trigger, .eventTrigger, .defaultACL, .policy,
                 .publication, .publicationRel, .publicationTableInSchema, .subscription, .subscriptionRel:
                object.dependencies.append(postData.dumpId)
            case .rule, .constraint, .fkConstraint:
                // Post-data only when dumped separately; otherwise inside their table/view/domain.
                if object.separate { object.dependencies.append(postData.dumpId) }
            case .preDataBoundary:
                break
            case .postDataBoundary:
                object.dependencies.append(preData.dumpId)
            case .relStats:
                if object.statisticsSection == .postData {
                    object.dependencies.append(postData.dumpId)
                } else {
                    object.dependencies.append(preData.dumpId)
                    postData.dependencies.append(object.dumpId)
                }
            }
        }
    }
}
