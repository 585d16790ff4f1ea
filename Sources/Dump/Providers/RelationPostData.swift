import Archive
import Catalog
import DDL
import Postgres

/// The post-data objects of dumped relations: indexes and the constraints they implement,
/// INDEX ATTACH, foreign keys, triggers, rules, ROW SECURITY and policies, and extended
/// statistics (pg_dump's getIndexes, flagInhIndexes, getConstraints, getTriggers, getRules,
/// getPolicies, getExtendedStatistics and their dump functions).
enum RelationPostData {
    static func add(_ set: RelationSet, tableIds: [UInt32: Int], dataObjects: [UInt32: DumpObject], _ context: ProviderContext) throws {
        let c = context.connection
        let v = context.serverVersion
        let metadata = context.metadata
        // Positions in set.relations, not copies of the rows: this runs while every object of the
        // dump is in memory.
        let dumpedTables = set.relations.indices.filter { set.dumped.contains(set.relations[$0].id.oid) && set.relations[$0].relkind != .sequence }
        let attachesByParentIndex = try addIndexes(set, tableIds, context)

        // Foreign keys: pg_dump before 18 only looks at tables with triggers and partitioned tables;
        // 18's NOT ENFORCED keys have no triggers, so every dumped table is asked (same result before 18).
        let fkTables = Set(dumpedTables.map { set.relations[$0].id.oid })
        for f in try PostDataCatalog.foreignKeys(c) where fkTables.contains(f.relationOid) {
            guard let ti = set.byOid[f.relationOid] else { continue }
            let t = set.relations[ti]
            // getTableDataFKConstraints: in a data-only dump, referenced tables' data comes first.
            if context.selection.dataOnly, let d = dataObjects[t.id.oid], let r = dataObjects[f.referencedRelation] {
                d.dependencies.append(r.dumpId)
            }
            // addConstrChildIdxDeps: a key referencing a partitioned table waits for every
            // partition of the referenced index to be attached (recursively), or a parallel
            // restore could try it before the index is valid.
            var attachDeps: [Int] = []
            if set.relation(f.referencedRelation)?.relkind == .partitionedTable, f.indexOid != 0 {
                func collect(_ index: UInt32) {
                    for a in attachesByParentIndex[index] ?? [] {
                        attachDeps.append(a.attachDumpId)
                        collect(a.partitionIndexOid)
                    }
                }
                collect(f.indexOid)
            }
            add(context, kind: .fkConstraint, id: f.id, name: f.name, namespace: t.namespace, dependencies: attachDeps,
                tiebreak: SortTiebreak.constraint(domain: nil, table: t.name)) { emitter, obj in
                let ctx = emitter.context
                let t = set.relations[ti]
                let ddl = PostDataDDL.foreignKey(f, table: t, ctx)
                emitter.entry(dumpId: obj.dumpId, catalogId: f.id, desc: "FK CONSTRAINT", tag: "\(t.name) \(f.name)",
                              namespace: t.namespace, owner: t.owner, section: .postData,
                              definition: ddl.create, dropStatement: ddl.drop)
                emitConstraintComment(emitter, metadata, f.id, f.name, t, parent: obj.dumpId)
            }
        }

        let triggerTables = Set(dumpedTables.filter { set.relations[$0].hasTriggers }.map { set.relations[$0].id.oid })
        for g in try PostDataCatalog.triggers(c, serverVersion: v) where triggerTables.contains(g.relationOid) {
            guard let ti = set.byOid[g.relationOid] else { continue }
            let t = set.relations[ti]
            add(context, kind: .trigger, id: g.id, name: g.name, namespace: t.namespace, tiebreak: SortTiebreak.parentTable(t.name)) { emitter, obj in
                let ctx = emitter.context
                let t = set.relations[ti]
                let ddl = PostDataDDL.trigger(g, table: t, ctx)
                emitter.entry(dumpId: obj.dumpId, catalogId: g.id, desc: "TRIGGER", tag: "\(t.name) \(g.name)",
                              namespace: t.namespace, owner: t.owner, section: .postData,
                              definition: ddl.create, dropStatement: ddl.drop)
                emitter.emitComment(metadata, type: "TRIGGER \(ctx.id(g.name)) ON", name: ctx.id(t.name),
                                    namespace: t.namespace, owner: t.owner, catalogId: g.id, parent: obj.dumpId)
            }
        }

        for r in try PostDataCatalog.rules(c) where set.dumped.contains(r.relationOid) {
            guard let t = set.relation(r.relationOid), let tableId = tableIds[t.id.oid] else { continue }
            let onSelect = [.view, .materializedView].contains(t.relkind) && r.eventType == "1" && r.isInstead
            let obj = DumpObject(kind: .rule, catalogId: r.id, name: r.name, namespace: t.namespace)
            obj.sortTiebreak = SortTiebreak.parentTable(t.name)
            obj.parentDumpId = tableId
            obj.isOnSelectInsteadRule = onSelect
            context.graph.add(obj)
            // repairViewRuleMultiLoop: a dummy view's rule is dumped separately, after the view.
            if onSelect && !set.dummyViews.contains(t.id.oid) {
                // Merged into CREATE VIEW: sorted before the view so its dependencies place the view.
                obj.dumpDefinition = false
                context.graph.object(dumpId: tableId)?.dependencies.append(obj.dumpId)
                continue
            }
            obj.dependencies.append(tableId)
            let ti = set.byOid[t.id.oid] ?? 0
            obj.emit = { emitter, obj in
                let ctx = emitter.context
                if ctx.dataOnly { return }
                let t = set.relations[ti]
                let ddl = PostDataDDL.rule(r, view: t.relkind == .view ? set.model(t) : nil, table: t, ctx)
                emitter.entry(dumpId: obj.dumpId, catalogId: r.id, desc: "RULE", tag: "\(t.name) \(r.name)",
                              namespace: t.namespace, owner: t.owner, section: .postData,
                              definition: ddl.create, dropStatement: ddl.drop)
                emitter.emitComment(metadata, type: "RULE \(ctx.id(r.name)) ON", name: ctx.id(t.name),
                                    namespace: t.namespace, owner: t.owner, catalogId: r.id, parent: obj.dumpId)
            }
        }

        // Row-level security: a ROW SECURITY object per table with RLS enabled, then policies.
        let rlsTables = dumpedTables.filter { [.table, .partitionedTable].contains(set.relations[$0].relkind) }
        for ti in rlsTables where set.relations[ti].rowSecurity {
            let t = set.relations[ti]
            guard let tableId = tableIds[t.id.oid] else { continue }
            let id = CatalogId(tableOid: 0, oid: t.id.oid)
            add(context, kind: .policy, id: id, name: t.name, namespace: t.namespace, dependencies: [tableId], tiebreak: SortTiebreak.parentTable(t.name)) { emitter, obj in
                let t = set.relations[ti]
                // No pg_depend row matches this object: its dependency on the table is by hand.
                emitter.entry(dumpId: obj.dumpId, catalogId: id, desc: "ROW SECURITY", tag: t.name, namespace: t.namespace,
                              owner: t.owner, section: .postData, definition: PostDataDDL.rowSecurity(table: t, emitter.context),
                              dependencies: [tableId])
            }
        }
        let rlsTableOids = Set(rlsTables.map { set.relations[$0].id.oid })
        for p in try PostDataCatalog.policies(c) where rlsTableOids.contains(p.relationOid) {
            guard let ti = set.byOid[p.relationOid] else { continue }
            let t = set.relations[ti]
            add(context, kind: .policy, id: p.id, name: p.name, namespace: t.namespace, tiebreak: SortTiebreak.parentTable(t.name)) { emitter, obj in
                let ctx = emitter.context
                let t = set.relations[ti]
                let ddl = PostDataDDL.policy(p, table: t, ctx)
                emitter.entry(dumpId: obj.dumpId, catalogId: p.id, desc: "POLICY", tag: "\(t.name) \(p.name)",
                              namespace: t.namespace, owner: t.owner, section: .postData,
                              definition: ddl.create, dropStatement: ddl.drop)
                emitter.emitComment(metadata, type: "POLICY \(ctx.id(p.name)) ON", name: ctx.id(t.name),
                                    namespace: t.namespace, owner: t.owner, catalogId: p.id, parent: obj.dumpId)
            }
        }

        // Extended statistics are dumped with their schema (not their table): selectDumpableObject.
        for s in try PostDataCatalog.statistics(c, serverVersion: v) {
            // selectDumpableStatisticsObject: the schema's contents and the table's definition are dumped.
            guard let ns = set.namespace(s.namespaceOid), context.selection.includesContentsOf(schema: ns.name),
                  set.dumped.contains(s.relationOid) else { continue }
            add(context, kind: .statsExt, id: s.id, name: s.name, namespace: ns.name) { emitter, obj in
                let ctx = emitter.context
                let ddl = PostDataDDL.statistics(s, namespace: ns.name, ctx)
                emitter.entry(dumpId: obj.dumpId, catalogId: s.id, desc: "STATISTICS", tag: s.name, namespace: ns.name,
                              owner: s.owner, section: .postData, definition: ddl.create, dropStatement: ddl.drop)
                emitter.emitComment(metadata, type: "STATISTICS", name: ctx.id(s.name), namespace: ns.name,
                                    owner: s.owner, catalogId: s.id, parent: obj.dumpId)
            }
        }
    }

    /// Adds an object whose emit does nothing in a data-only dump.
    @discardableResult
    static func add(_ context: ProviderContext, kind: DumpObjectKind, id: CatalogId, name: String, namespace: String,
                    dependencies: [Int] = [], tiebreak: [String] = [],
                    emit: @escaping (DumpEmitter, DumpObject) throws -> Void) -> DumpObject {
        let obj = DumpObject(kind: kind, catalogId: id, name: name, namespace: namespace)
        obj.dependencies = dependencies
        obj.sortTiebreak = tiebreak
        obj.emit = { emitter, obj in
            if emitter.context.dataOnly { return }
            try emit(emitter, obj)
        }
        return context.graph.add(obj)
    }

    /// dumpTableConstraintComment for a constraint dumped on its own.
    static func emitConstraintComment(_ emitter: DumpEmitter, _ metadata: ObjectMetadata, _ id: CatalogId, _ name: String,
                                      _ t: RelationRow, parent: Int) {
        let ctx = emitter.context
        emitter.emitComment(metadata, type: "CONSTRAINT \(ctx.id(name)) ON", name: ctx.id(t.name), namespace: t.namespace,
                            owner: t.owner, catalogId: id, parent: parent)
    }

    /// pg_get_indexdef's text for each dumped index that is not a constraint's: rendered from the
    /// row where IndexDefinitionDDL can, from the server (one query for all the others, deferred
    /// past a pipelined catalog phase: it needs these rows) otherwise.
    static func fillIndexDefinitions(_ set: RelationSet, _ context: ProviderContext) throws {
        let operatorClasses = try PostDataCatalog.defaultOperatorClasses(context.connection)
        var deparsed: [Int] = []
        for i in set.indexes.indices where set.indexes[i].shape != nil {
            if set.dumped.contains(set.indexes[i].relationOid),
               let definition = IndexDefinitionDDL.render(set.indexes[i], columns: set.columns[set.indexes[i].relationOid] ?? [],
                                                          defaultOperatorClasses: operatorClasses) {
                set.indexes[i].definition = definition
            } else if set.dumped.contains(set.indexes[i].relationOid) {
                deparsed.append(i)
            }
            set.indexes[i].shape = nil
        }
        let connection = context.connection
        try context.deferred.run {
            let definitions = try PostDataCatalog.indexDefinitions(connection, indexes: deparsed.map { set.indexes[$0].id.oid })
            for i in deparsed { set.indexes[i].definition = definitions[set.indexes[i].id.oid] ?? "" }
        }
    }

    /// Adds indexes, their constraints and INDEX ATTACH objects; returns the attach objects of
    /// each partitioned index (pg_dump's partattaches) with the partition index each attaches.
    static func addIndexes(_ set: RelationSet, _ tableIds: [UInt32: Int], _ context: ProviderContext) throws
        -> [UInt32: [(attachDumpId: Int, partitionIndexOid: UInt32)]] {
        // Indexes of ancestors too: a dumped partition's index is attached to its parent's even
        // when the parent itself is not dumped (-t partition).
        set.indexes = try PostDataCatalog.indexes(context.connection, serverVersion: context.serverVersion)
        set.indexes.removeAll { !set.interesting.contains($0.relationOid) }
        try fillIndexDefinitions(set, context)
        // Closures capture the set and positions in it rather than copies of the rows (as in
        // RelationsProvider.addTable).
        let metadata = context.metadata
        var indexObjects: [UInt32: (object: DumpObject, row: Int)] = [:]
        for (xi, x) in set.indexes.enumerated() {
            guard let ti = set.byOid[x.relationOid] else { continue }
            let t = set.relations[ti]
            let indexObj = DumpObject(kind: .index, catalogId: x.id, name: x.name, namespace: t.namespace)
            indexObj.parentIndexOid = x.parentIndex
            indexObj.parentDumpId = tableIds[t.id.oid]
            context.graph.add(indexObj)
            indexObjects[x.id.oid] = (indexObj, xi)
            guard set.dumped.contains(t.id.oid) else {
                // Known (it has a dump id, as in pg_dump) but not dumped.
                indexObj.dumpDefinition = false
                indexObj.dumpData = false
                continue
            }
            var constraintId: Int?
            if let k = x.constraint {
                let con = add(context, kind: .constraint, id: k.id, name: k.name, namespace: t.namespace, tiebreak: SortTiebreak.constraint(domain: nil, table: t.name)) { emitter, obj in
                    let x = set.indexes[xi], t = set.relations[ti]
                    guard let k = x.constraint else { return }
                    let ddl = PostDataDDL.indexConstraint(x, k, table: t, columns: set.columns[t.id.oid] ?? [], emitter.context)
                    emitter.entry(dumpId: obj.dumpId, catalogId: k.id, desc: "CONSTRAINT", tag: "\(t.name) \(k.name)",
                                  namespace: t.namespace, owner: t.owner, section: .postData,
                                  definition: ddl.create, dropStatement: ddl.drop, tablespace: x.tablespace)
                    emitConstraintComment(emitter, metadata, k.id, k.name, t, parent: obj.dumpId)
                }
                constraintId = con.dumpId
            }
            indexObj.emit = { emitter, obj in
                let ctx = emitter.context
                if ctx.dataOnly { return }
                let x = set.indexes[xi], t = set.relations[ti]
                if constraintId == nil {
                    let ddl = PostDataDDL.index(x, table: t, ctx)
                    emitter.entry(dumpId: obj.dumpId, catalogId: x.id, desc: "INDEX", tag: x.name, namespace: t.namespace,
                                  owner: t.owner, section: .postData, definition: ddl.create, dropStatement: ddl.drop,
                                  tablespace: x.tablespace)
                }
                // The comment of a constraint's index depends on the constraint, which is what is dumped.
                emitter.emitComment(metadata, type: "INDEX", name: ctx.id(x.name), namespace: t.namespace,
                                    owner: t.owner, catalogId: x.id, parent: constraintId ?? obj.dumpId)
            }
        }
        // flagInhIndexes: INDEX ATTACH, depending by hand on both indexes and both tables. Its
        // archive entry lists what those lead to in the archive (BuildArchiveDependencies): a
        // constraint's index is reached through its constraint.
        var attaches: [UInt32: [(attachDumpId: Int, partitionIndexOid: UInt32)]] = [:]
        for (partitionObj, xi) in indexObjects.values.sorted(by: { $0.object.dumpId < $1.object.dumpId })
        where set.indexes[xi].parentIndex != 0 && partitionObj.dumpDefinition {
            let x = set.indexes[xi]
            guard let (parentObj, parentRow) = indexObjects[x.parentIndex],
                  let t = set.relation(x.relationOid), let pt = set.relation(set.indexes[parentRow].relationOid) else { continue }
            let deps = [partitionObj.dumpId, parentObj.dumpId] + [tableIds[t.id.oid], tableIds[pt.id.oid]].compactMap { $0 }
            let parentName = set.indexes[parentRow].name
            let attach = add(context, kind: .indexAttach, id: .none, name: x.name, namespace: t.namespace, dependencies: deps) { emitter, obj in
                emitter.entry(dumpId: obj.dumpId, desc: "INDEX ATTACH", tag: x.name, namespace: t.namespace, owner: pt.owner,
                              section: .postData,
                              definition: PostDataDDL.indexAttach(parent: (pt.namespace, parentName),
                                                                  partition: (t.namespace, x.name), emitter.context))
            }
            attaches[x.parentIndex, default: []].append((attach.dumpId, x.id.oid))
        }
        return attaches
    }
}
