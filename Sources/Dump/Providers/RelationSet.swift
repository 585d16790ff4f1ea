import Catalog
import DDL
import Postgres

/// Every relation the dump needs (dumped ones and the parents of dumped ones), loaded with a
/// fixed number of queries and shaped into TableModels the way pg_dump's getTables,
/// getTableAttrs, flagInhTables and flagInhAttrs shape TableInfo.
final class RelationSet {
    var namespaces: [NamespaceRow] = []
    var namespaceIndex: [UInt32: Int] = [:]
    /// The pg_dump release reproduced (flagInhAttrs changed in 16).
    var pgDumpMajor = 15
    var relations: [RelationRow] = []
    var byOid: [UInt32: Int] = [:]
    /// Whether the relation's definition is dumped (selection, extension membership, owned sequences).
    var dumped: Set<UInt32> = []
    /// Dumped tables and their ancestors (pg_dump's "interesting" tables, whose columns and
    /// indexes are read).
    var interesting: Set<UInt32> = []
    var parents: [UInt32: [UInt32]] = [:]
    var columns: [UInt32: [ColumnRow]] = [:]
    /// Defaults by (relation, attnum).
    var defaults: [UInt32: [Int: AttributeDefaultRow]] = [:]
    var checks: [UInt32: [CheckConstraintRow]] = [:]
    var sequences: [UInt32: SequenceRow] = [:]
    /// Indexes of the interesting tables (RelationPostData), with their definitions filled in.
    var indexes: [IndexRow] = []
    /// pg_dump_sort loop repairs known in advance (RelationCatalog.loopBreakers).
    var loopSeparatedDefaults: Set<UInt32> = []
    var dummyViews: Set<UInt32> = []
    var postponedMatviews: Set<UInt32> = []
    /// (materialized view, materialized view it reads) pairs.
    var materializedViewReferences: [(view: UInt32, references: UInt32)] = []
    /// Partitioned tables hashed on an enum column, whose partitions' data must load through
    /// the root (getPartitioningInfo's unsafe_partitions).
    var unsafePartitioned: Set<UInt32> = []

    func relation(_ oid: UInt32) -> RelationRow? { byOid[oid].map { relations[$0] } }

    static func load(_ context: ProviderContext) throws -> RelationSet {
        let c = context.connection
        let v = context.serverVersion
        let s = RelationSet()
        s.pgDumpMajor = context.render.pgDumpMajor
        s.namespaces = try RelationCatalog.namespaces(c)
        for (i, n) in s.namespaces.enumerated() { s.namespaceIndex[n.id.oid] = i }
        s.relations = try RelationCatalog.relations(c, serverVersion: v)
        for (i, r) in s.relations.enumerated() { s.byOid[r.id.oid] = i }
        for row in try RelationCatalog.inherits(c) where s.byOid[row.child] != nil {
            s.parents[row.child, default: []].append(row.parent)
        }
        for r in s.relations where !r.isExtensionMember && context.selection.includesTable(schema: r.namespace, name: r.name) {
            s.dumped.insert(r.id.oid)
        }
        // getOwnedSeqs: an identity sequence is dumped exactly when its table is; another owned
        // sequence (serial) also whenever its table is.
        for r in s.relations where r.relkind == .sequence && r.owningTable != 0 {
            if s.dumped.contains(r.owningTable) {
                s.dumped.insert(r.id.oid)
            } else if r.isIdentitySequence {
                s.dumped.remove(r.id.oid)
            }
        }
        // "Interesting" tables: dumped ones and their parents, whose columns flagInhAttrs reads.
        var interesting = Set(s.dumped.filter { s.relation($0)?.relkind != .sequence })
        var pending = Array(interesting)
        while let oid = pending.popLast() {
            for p in s.parents[oid] ?? [] where !interesting.contains(p) {
                interesting.insert(p)
                pending.append(p)
            }
        }
        s.interesting = interesting
        // The next queries read every user relation's rows (so that none waits for the relations
        // above, see RelationCatalog.joinUserRelations); the interesting ones are kept.
        for col in try RelationCatalog.columns(c, serverVersion: v) where interesting.contains(col.relationOid) {
            s.columns[col.relationOid, default: []].append(col)
        }
        for d in try RelationCatalog.defaults(c) where interesting.contains(d.relationOid) {
            s.defaults[d.relationOid, default: [:]][d.columnNumber] = d
        }
        for k in try RelationCatalog.checkConstraints(c) where interesting.contains(k.relationOid) {
            s.checks[k.relationOid, default: []].append(k)
        }
        // Their definitions are first needed when entries are rendered.
        try context.deferred.run {
            let definitions = try RelationCatalog.checkConstraintDefinitions(c)
            for relation in s.checks.keys {
                for i in s.checks[relation]!.indices {
                    s.checks[relation]![i].definition = definitions[s.checks[relation]![i].id.oid] ?? ""
                }
            }
        }
        for q in try RelationCatalog.sequences(c) where s.dumped.contains(q.relationOid) {
            s.sequences[q.relationOid] = q
        }
        // Current values: read by name before 18, so only once the names are known.
        try context.deferred.run {
            let seqs = s.relations.filter { $0.relkind == .sequence && s.sequences[$0.id.oid] != nil }
            let values = try RelationCatalog.sequenceValues(c, sequences: seqs.map { ($0.id.oid, $0.namespace, $0.name) }, serverVersion: v)
            for (oid, value) in values {
                s.sequences[oid]?.lastValue = value.lastValue
                s.sequences[oid]?.isCalled = value.isCalled
            }
        }
        s.materializedViewReferences = try RelationCatalog.materializedViewReferences(c)
        let loops = try RelationCatalog.loopBreakers(c)
        s.loopSeparatedDefaults = loops.separateDefaults
        // The loop only exists when the constraint the view needs is dumped (post-data) too.
        let onDumpedConstraints = loops.viewsOnConstraints.filter { s.dumped.contains($0.view) && s.dumped.contains($0.constrainedTable) }.map(\.view)
        s.dummyViews = Set(onDumpedConstraints.filter { s.relation($0)?.relkind == .view })
        // repairMatViewBoundaryMultiLoop: such a materialized view, and those reading it, move to post-data.
        s.postponedMatviews = Set(onDumpedConstraints.filter { s.relation($0)?.relkind == .materializedView })
        var changed = true
        while changed {
            changed = false
            for (view, ref) in s.materializedViewReferences
            where s.postponedMatviews.contains(ref) && s.dumped.contains(view) && !s.postponedMatviews.contains(view) {
                s.postponedMatviews.insert(view)
                changed = true
            }
        }
        return s
    }

    /// The default of a column and whether pg_dump prints it separately (getTableAttrs and
    /// flagInhAttrs). `manufactured` is flagInhAttrs' DEFAULT NULL for a column whose parent has
    /// a default but which has none itself.
    struct DefaultInfo {
        var row: AttributeDefaultRow
        var separate: Bool
        var manufactured: Bool
    }

    func defaultInfo(_ t: RelationRow) -> [Int: DefaultInfo] {
        let cols = columns[t.id.oid] ?? []
        var result: [Int: DefaultInfo] = [:]
        for (n, d) in defaults[t.id.oid] ?? [:] {
            guard n >= 1, n <= cols.count, !cols[n - 1].isDropped else { continue }
            let col = cols[n - 1]
            let separate: Bool
            if col.generated != nil { separate = false }
            else if t.relkind == .view { separate = true }
            else { separate = !TableDDL.printsColumn(col, of: t) || loopSeparatedDefaults.contains(d.id.oid) }
            result[n] = DefaultInfo(row: d, separate: separate, manufactured: false)
        }
        // flagInhAttrs (tables only: views, matviews and sequences never have parents).
        let parentRows = (parents[t.id.oid] ?? []).compactMap { relation($0) }
        guard ![.sequence, .view, .materializedView].contains(t.relkind), !parentRows.isEmpty else { return result }
        for (j, col) in cols.enumerated() where !col.isDropped {
            var foundDefault = false
            var foundGenerated = false
            var foundSameGenerated = false
            var foundDifferentGenerated = false
            for p in parentRows {
                let pcols = columns[p.id.oid] ?? []
                guard let k = pcols.firstIndex(where: { $0.name == col.name }) else { continue }
                let parentDefault = defaults[p.id.oid]?[k + 1]
                foundDefault = foundDefault || (parentDefault != nil && pcols[k].generated == nil)
                if pcols[k].generated != nil {
                    foundGenerated = true
                    if let parentDefault, let own = result[j + 1], parentDefault.expression == own.row.expression {
                        foundSameGenerated = true
                    } else {
                        foundDifferentGenerated = true
                    }
                }
            }
            if foundDefault && result[j + 1] == nil {
                var d = AttributeDefaultRow()
                d.relationOid = t.id.oid
                d.columnNumber = j + 1
                d.expression = "NULL"
                result[j + 1] = DefaultInfo(row: d, separate: !TableDDL.printsColumn(col, of: t), manufactured: true)
            }
            // The child's generation expression is left to inheritance: always before pg_dump 16,
            // only when it matches the parents' from 16 on (children may then have their own).
            let inherited = pgDumpMajor >= 16 ? foundSameGenerated && !foundDifferentGenerated : foundGenerated
            if inherited && !t.isPartition { result[j + 1] = nil }
        }
        return result
    }

    /// pg_dump's inhNotNull per column.
    func inheritedNotNull(_ t: RelationRow) -> [Bool] {
        let cols = columns[t.id.oid] ?? []
        let parentRows = (parents[t.id.oid] ?? []).compactMap { relation($0) }
        return cols.map { col in
            parentRows.contains { p in (columns[p.id.oid] ?? []).contains { $0.name == col.name && $0.notNull } }
        }
    }

    /// The TableModel dumpTableSchema renders. `separateChecks` names the CHECK constraints
    /// dumped on their own (NOT VALID ones).
    func model(_ t: RelationRow) -> TableModel {
        var m = TableModel(relation: t)
        let defs = defaultInfo(t)
        let inhNotNull = inheritedNotNull(t)
        m.columns = (columns[t.id.oid] ?? []).enumerated().map { j, col in
            var c = ColumnModel(column: col)
            if let d = defs[j + 1], !d.separate { c.inlineDefault = d.row.expression }
            c.inheritedNotNull = j < inhNotNull.count ? inhNotNull[j] : false
            return c
        }
        m.checks = checkModels(t)
        m.parents = (parents[t.id.oid] ?? []).compactMap { relation($0) }.map { ($0.namespace, $0.name) }
        m.dummyView = t.relkind == .view && dummyViews.contains(t.id.oid)
        return m
    }

    /// The table's CHECK constraints, NOT VALID ones dumped separately.
    func checkModels(_ t: RelationRow) -> [CheckModel] {
        (checks[t.id.oid] ?? []).map { CheckModel(check: $0, separate: !$0.validated) }
    }

    func namespace(_ oid: UInt32) -> NamespaceRow? { namespaceIndex[oid].map { namespaces[$0] } }
}
