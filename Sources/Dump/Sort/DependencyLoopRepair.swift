/// pg_dump_sort.c's findDependencyLoops / findLoop / repairDependencyLoop and its fixers.
///
/// After a failed topological pass, each unsortable object is a start point for a depth-first
/// search for a loop back to it (dependencies in list order, so the first loop found is pg_dump's).
/// Disjoint loops are repaired in one round; a loop overlapping one already repaired waits for the
/// next pass. Each loop is matched against the known shapes, in pg_dump's order, and the first
/// match's fixer runs; unknown loops are broken arbitrarily with a warning.
final class DependencyLoopRepair {
    let byDumpId: [Int: DumpObject]
    let postDataBoundary: Int
    private(set) var warnings: [String] = []

    init(byDumpId: [Int: DumpObject], postDataBoundary: Int) {
        self.byDumpId = byDumpId
        self.postDataBoundary = postDataBoundary
    }

    /// findDependencyLoops: repairs every loop found among `unsortable` (pg_dump's order: dump id).
    func findAndRepairLoops(_ unsortable: [DumpObject], totalObjects: Int) throws {
        var processed = Set<Int>()
        // searchFailed[id] == start: no path from id back to start (pg_dump's trick to avoid
        // clearing the array per start point).
        var searchFailed: [Int: Int] = [:]
        var fixedLoop = false
        for object in unsortable {
            var workspace: [DumpObject] = []
            if findLoop(object, startPoint: object.dumpId, processed: processed, searchFailed: &searchFailed, workspace: &workspace) {
                repair(loop: workspace)
                fixedLoop = true
                for member in workspace { processed.insert(member.dumpId) }
            } else {
                processed.insert(object.dumpId)
            }
        }
        if !fixedLoop { throw DumpSortError.couldNotIdentifyLoop(unsortable: unsortable.map(describe)) }
    }

    /// findLoop: true with `workspace` holding the loop's members (start point first).
    private func findLoop(_ object: DumpObject, startPoint: Int, processed: Set<Int>,
                          searchFailed: inout [Int: Int], workspace: inout [DumpObject]) -> Bool {
        if processed.contains(object.dumpId) { return false }
        if searchFailed[object.dumpId] == startPoint { return false }
        if workspace.contains(where: { $0 === object }) { return false }
        workspace.append(object)
        if object.dependencies.contains(startPoint) { return true }
        for dep in object.dependencies {
            guard let next = byDumpId[dep] else { continue } // dependencies on objects not sorted
            if findLoop(next, startPoint: startPoint, processed: processed, searchFailed: &searchFailed, workspace: &workspace) {
                return true
            }
        }
        workspace.removeLast()
        searchFailed[object.dumpId] = startPoint
        return false
    }

    // MARK: repairDependencyLoop

    // The 6.3 optimizer crashes on this function (ownership verifier); it runs only on loops, so
    // compiling it unoptimized costs nothing measurable.
    @_optimize(none)
    func repair(loop: [DumpObject]) {
        let n = loop.count
        func isView(_ o: DumpObject) -> Bool { o.kind == .table && o.relkind == "v" }
        func isViewOrMatview(_ o: DumpObject) -> Bool { o.kind == .table && (o.relkind == "v" || o.relkind == "m") }
        func isOnSelectRule(_ r: DumpObject, of view: DumpObject) -> Bool {
            r.kind == .rule && r.isOnSelectInsteadRule && r.parentDumpId == view.dumpId
        }
        func isCheck(_ c: DumpObject, of table: DumpObject) -> Bool {
            c.kind == .constraint && c.constraintType == "c" && c.parentDumpId == table.dumpId && table.kind == .table
        }
        func isAttrDef(_ d: DumpObject, of table: DumpObject) -> Bool {
            d.kind == .attrDef && d.parentDumpId == table.dumpId
        }
        // 18 also treats domain NOT NULL constraints ('n') like CHECK constraints; earlier releases
        // have no 'n' domain constraint objects, so accepting it everywhere changes nothing there.
        func isDomainConstraint(_ c: DumpObject, of domain: DumpObject) -> Bool {
            c.kind == .constraint && (c.constraintType == "c" || c.constraintType == "n") && c.parentDumpId == domain.dumpId
        }
        func firstPair(_ first: (DumpObject) -> Bool, _ second: (DumpObject, DumpObject) -> Bool) -> (DumpObject, DumpObject)? {
            for a in loop where first(a) {
                for b in loop where second(b, a) { return (a, b) }
            }
            return nil
        }
        /// The member after `index` in the loop (the boundary depends on it).
        func after(_ index: Int) -> DumpObject { index < n - 1 ? loop[index + 1] : loop[0] }

        // Datatype and one of its I/O or canonicalize functions.
        if n == 2, loop[0].kind == .type, loop[1].kind == .function { return repairTypeFunction(type: loop[0], function: loop[1]) }
        if n == 2, loop[1].kind == .type, loop[0].kind == .function { return repairTypeFunction(type: loop[1], function: loop[0]) }

        // View (or matview) and its ON SELECT rule.
        if n == 2, isViewOrMatview(loop[0]), isOnSelectRule(loop[1], of: loop[0]) { return remove(loop[1], dependencyOn: loop[0]) }
        if n == 2, isViewOrMatview(loop[1]), isOnSelectRule(loop[0], of: loop[1]) { return remove(loop[0], dependencyOn: loop[1]) }

        // Indirect loop through a view (not a matview) and its ON SELECT rule: split the rule off.
        if n > 2, let (view, rule) = firstPair(isView, isOnSelectRule) {
            remove(view, dependencyOn: rule)
            view.dummyView = true
            rule.separate = true
            rule.dependencies.append(view.dumpId)
            rule.dependencies.append(postDataBoundary)
            return
        }

        // Indirect loop through a matview (or, pg_dump 18, a matview's statistics) and a boundary.
        if n > 2 {
            for member in loop {
                if member.kind == .table && member.relkind == "m" {
                    if let j = loop.firstIndex(where: { $0.kind == .preDataBoundary }) {
                        return repairMatViewBoundary(boundary: loop[j], next: after(j))
                    }
                } else if member.kind == .relStats && member.relkind == "m" {
                    if let j = loop.firstIndex(where: { $0.kind == .postDataBoundary }) {
                        return repairMatViewBoundary(boundary: loop[j], next: after(j))
                    }
                }
            }
        }

        // Indirect loop through a function and the pre-data boundary: postpone the function.
        if n > 2, loop.contains(where: { $0.kind == .function }),
           let j = loop.firstIndex(where: { $0.kind == .preDataBoundary }) {
            let next = after(j)
            remove(loop[j], dependencyOn: next)
            if next.kind == .function { next.postponedDefinition = true }
            return
        }

        // Table and CHECK constraint.
        if n == 2, loop[0].kind == .table, isCheck(loop[1], of: loop[0]) { return remove(loop[1], dependencyOn: loop[0]) }
        if n == 2, loop[1].kind == .table, isCheck(loop[0], of: loop[1]) { return remove(loop[0], dependencyOn: loop[1]) }

        // Indirect loop through a table and its CHECK constraint: split the constraint off.
        if n > 2, let (table, check) = firstPair({ $0.kind == .table }, isCheck) {
            remove(table, dependencyOn: check)
            check.separate = true
            check.dependencies.append(table.dumpId)
            check.dependencies.append(postDataBoundary)
            return
        }

        // Table and attribute default.
        if n == 2, loop[0].kind == .table, isAttrDef(loop[1], of: loop[0]) { return remove(loop[1], dependencyOn: loop[0]) }
        if n == 2, loop[1].kind == .table, isAttrDef(loop[0], of: loop[1]) { return remove(loop[0], dependencyOn: loop[1]) }

        // Index on a partitioned table and the index on a partition attached to it.
        if n == 2, loop[0].kind == .index, loop[1].kind == .index {
            if loop[0].parentIndexOid != 0 && loop[0].parentIndexOid == loop[1].catalogId.oid {
                return remove(loop[0], dependencyOn: loop[1])
            } else if loop[1].parentIndexOid != 0 && loop[1].parentIndexOid == loop[0].catalogId.oid {
                return remove(loop[1], dependencyOn: loop[0])
            }
        }

        // Indirect loop through a table and an attribute default: split the default off (it stays
        // pre-data: pg_dump adds no boundary dependency here).
        if n > 2, let (table, attrDef) = firstPair({ $0.kind == .table }, isAttrDef) {
            remove(table, dependencyOn: attrDef)
            attrDef.separate = true
            attrDef.dependencies.append(table.dumpId)
            return
        }

        // Domain and CHECK (18: or NOT NULL) constraint.
        if n == 2, loop[0].kind == .type, isDomainConstraint(loop[1], of: loop[0]) { return remove(loop[1], dependencyOn: loop[0]) }
        if n == 2, loop[1].kind == .type, isDomainConstraint(loop[0], of: loop[1]) { return remove(loop[0], dependencyOn: loop[1]) }

        if n > 2, let (domain, constraint) = firstPair({ $0.kind == .type }, isDomainConstraint) {
            remove(domain, dependencyOn: constraint)
            constraint.separate = true
            constraint.dependencies.append(domain.dumpId)
            constraint.dependencies.append(postDataBoundary)
            return
        }

        // A table depending on itself (column on column, or partitioning): ignore it.
        if n == 1, loop[0].kind == .table { return remove(loop[0], dependencyOn: loop[0]) }

        // Only table data: circular foreign keys (data-only dumps).
        if loop.allSatisfy({ $0.kind == .tableData }) {
            warnings.append(n == 1 ? "there are circular foreign-key constraints on this table:"
                                   : "there are circular foreign-key constraints among these tables:")
            for member in loop { warnings.append(member.name) }
            warnings.append("You might not be able to restore the dump without using --disable-triggers or temporarily dropping the constraints.")
            warnings.append("Consider using a full dump instead of a --data-only dump to avoid this problem.")
            return remove(loop[0], dependencyOn: n > 1 ? loop[1] : loop[0])
        }

        warnings.append("could not resolve dependency loop among these items:")
        for member in loop { warnings.append(describe(member)) }
        remove(loop[0], dependencyOn: n > 1 ? loop[1] : loop[0])
    }

    /// A type's I/O (or range canonicalize) function depends on the shell type instead of the
    /// type; the shell type is then dumped (with its definition) if the function is.
    private func repairTypeFunction(type: DumpObject, function: DumpObject) {
        remove(function, dependencyOn: type)
        guard let shellId = type.shellTypeDumpId else { return }
        function.dependencies.append(shellId)
        // pg_dump: shell->dump = func->dump | DEFINITION when func->dump is nonzero. DumpObject
        // models only the definition and data components, so "any component" is approximated.
        if function.dumpDefinition || function.dumpData, let shell = byDumpId[shellId] {
            shell.dumpDefinition = true
        }
    }

    /// The boundary stops depending on the next loop member; a matview there is postponed into
    /// post-data (18: a matview's statistics move to post-data).
    private func repairMatViewBoundary(boundary: DumpObject, next: DumpObject) {
        remove(boundary, dependencyOn: next)
        if next.kind == .table && next.relkind == "m" {
            next.postponedDefinition = true
        } else if next.kind == .relStats && next.relkind == "m" {
            next.statisticsSection = .postData
        }
    }

    /// removeObjectDependency: drops every occurrence, keeping the others' order.
    private func remove(_ object: DumpObject, dependencyOn target: DumpObject) {
        // A plain filter: removeAll(where:) with a captured class reference crashes the 6.3
        // optimizer in release builds.
        let id = target.dumpId
        object.dependencies = object.dependencies.filter { $0 != id }
    }

    /// describeDumpableObject (the parts DumpObject knows).
    func describe(_ object: DumpObject) -> String {
        let id = object.dumpId, oid = object.catalogId.oid
        switch object.kind {
        case .namespace: return "SCHEMA \(object.name)  (ID \(id) OID \(oid))"
        case .extension: return "EXTENSION \(object.name)  (ID \(id) OID \(oid))"
        case .type: return "TYPE \(object.name)  (ID \(id) OID \(oid))"
        case .shellType: return "SHELL TYPE \(object.name)  (ID \(id) OID \(oid))"
        case .function: return "FUNCTION \(object.name)  (ID \(id) OID \(oid))"
        case .aggregate: return "AGGREGATE \(object.name)  (ID \(id) OID \(oid))"
        case .operator: return "OPERATOR \(object.name)  (ID \(id) OID \(oid))"
        case .accessMethod: return "ACCESS METHOD \(object.name)  (ID \(id) OID \(oid))"
        case .opclass: return "OPERATOR CLASS \(object.name)  (ID \(id) OID \(oid))"
        case .opfamily: return "OPERATOR FAMILY \(object.name)  (ID \(id) OID \(oid))"
        case .collation: return "COLLATION \(object.name)  (ID \(id) OID \(oid))"
        case .conversion: return "CONVERSION \(object.name)  (ID \(id) OID \(oid))"
        case .table: return "TABLE \(object.name)  (ID \(id) OID \(oid))"
        case .tableAttach: return "TABLE ATTACH \(object.name)  (ID \(id))"
        // pg_dump prints table.column; DumpObject has the table's name only.
        case .attrDef: return "ATTRDEF \(object.name)  (ID \(id) OID \(oid))"
        case .index: return "INDEX \(object.name)  (ID \(id) OID \(oid))"
        case .indexAttach: return "INDEX ATTACH \(object.name)  (ID \(id))"
        case .statsExt: return "STATISTICS \(object.name)  (ID \(id) OID \(oid))"
        case .refreshMatview: return "REFRESH MATERIALIZED VIEW \(object.name)  (ID \(id) OID \(oid))"
        case .rule: return "RULE \(object.name)  (ID \(id) OID \(oid))"
        case .trigger: return "TRIGGER \(object.name)  (ID \(id) OID \(oid))"
        case .eventTrigger: return "EVENT TRIGGER \(object.name) (ID \(id) OID \(oid))"
        case .constraint: return "CONSTRAINT \(object.name)  (ID \(id) OID \(oid))"
        case .fkConstraint: return "FK CONSTRAINT \(object.name)  (ID \(id) OID \(oid))"
        case .procLang: return "PROCEDURAL LANGUAGE \(object.name)  (ID \(id) OID \(oid))"
        // pg_dump prints the source and target type OIDs; DumpObject has the "source target" name.
        case .cast: return "CAST \(object.name)  (ID \(id) OID \(oid))"
        case .transform: return "TRANSFORM \(object.name)  (ID \(id) OID \(oid))"
        case .tableData: return "TABLE DATA \(object.name)  (ID \(id) OID \(oid))"
        case .sequenceSet: return "SEQUENCE SET \(object.name)  (ID \(id) OID \(oid))"
        case .dummyType: return "DUMMY TYPE \(object.name)  (ID \(id) OID \(oid))"
        case .tsParser: return "TEXT SEARCH PARSER \(object.name)  (ID \(id) OID \(oid))"
        case .tsDict: return "TEXT SEARCH DICTIONARY \(object.name)  (ID \(id) OID \(oid))"
        case .tsTemplate: return "TEXT SEARCH TEMPLATE \(object.name)  (ID \(id) OID \(oid))"
        case .tsConfig: return "TEXT SEARCH CONFIGURATION \(object.name)  (ID \(id) OID \(oid))"
        case .fdw: return "FOREIGN DATA WRAPPER \(object.name)  (ID \(id) OID \(oid))"
        case .foreignServer: return "FOREIGN SERVER \(object.name)  (ID \(id) OID \(oid))"
        case .defaultACL: return "DEFAULT ACL \(object.name)  (ID \(id) OID \(oid))"
        case .largeObject: return "BLOB  (ID \(id) OID \(oid))"
        case .largeObjectData: return "BLOB DATA  (ID \(id))"
        case .policy: return "POLICY (ID \(id) OID \(oid))"
        case .publication: return "PUBLICATION (ID \(id) OID \(oid))"
        case .publicationRel: return "PUBLICATION TABLE (ID \(id) OID \(oid))"
        case .publicationTableInSchema: return "PUBLICATION TABLES IN SCHEMA (ID \(id) OID \(oid))"
        case .subscription: return "SUBSCRIPTION (ID \(id) OID \(oid))"
        case .subscriptionRel: return "SUBSCRIPTION TABLE (ID \(id) OID \(oid))"
        case .relStats: return "RELATION STATISTICS FOR \(object.name)  (ID \(id) OID \(oid))"
        case .preDataBoundary: return "PRE-DATA BOUNDARY  (ID \(id))"
        case .postDataBoundary: return "POST-DATA BOUNDARY  (ID \(id))"
        }
    }
}
