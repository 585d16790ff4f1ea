import Archive
import Catalog
import DDL
import Postgres

/// Schemas, tables, views, materialized views, foreign tables, sequences, their defaults,
/// CHECK constraints, partition attachments and data (pg_dump's getNamespaces, getTables,
/// getTableAttrs, dumpNamespace, dumpTableSchema, dumpAttrDef, dumpTableAttach,
/// dumpSequence(Data), dumpTableData, refreshMatViewData), and, through RelationPostData,
/// their indexes, constraints, triggers, rules, policies and statistics.
public enum RelationsProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let set = try RelationSet.load(context)
        if !context.selection.schemaOnly { set.unsafePartitioned = try TableDataPlan.unsafePartitionedTables(context.connection) }
        addNamespaces(set, context)
        let (tableIds, dataObjects) = addRelations(set, context)
        try RelationPostData.add(set, tableIds: tableIds, dataObjects: dataObjects, context)
    }

    // MARK: schemas

    static func addNamespaces(_ set: RelationSet, _ context: ProviderContext) {
        let graph = context.graph
        for ns in set.namespaces where context.selection.includesSchema(ns.name) {
            let isPublic = ns.name == "public"
            let obj = DumpObject(kind: .namespace, catalogId: ns.id, name: ns.name, namespace: nil)
            // public: initdb creates it; its "definition" only records a non-default owner.
            obj.dumpDefinition = !(isPublic && ns.ownerOid == SchemaDDL.databaseOwnerRole)
            let metadata = context.metadata
            obj.emit = { emitter, obj in
                let ctx = emitter.context
                if ctx.dataOnly { return }
                let qname = ctx.id(ns.name)
                if obj.dumpDefinition {
                    let ddl = SchemaDDL.render(name: ns.name, create: !isPublic, ctx)
                    emitter.entry(dumpId: obj.dumpId, catalogId: ns.id, desc: "SCHEMA", tag: ns.name, owner: ns.owner,
                                  section: .preData, definition: ddl.create, dropStatement: ddl.drop)
                }
                emitter.emitComment(metadata, type: "SCHEMA", name: qname, namespace: nil, owner: ns.owner,
                                    catalogId: ns.id, parent: obj.dumpId,
                                    initdbComment: isPublic ? "standard public schema" : nil)
                emitter.emitSecurityLabels(metadata, type: "SCHEMA", name: qname, namespace: nil, owner: ns.owner,
                                           catalogId: ns.id, parent: obj.dumpId)
                try emitter.emitRelationACL(type: "SCHEMA", name: qname, namespace: nil, owner: ns.owner, acl: ns.acl,
                                        aclDefault: ns.aclDefault, parent: obj.dumpId, catalogId: ns.id)
            }
            graph.add(obj)
        }
    }

    // MARK: relations

    /// Adds every dumped relation and returns the dump id of each (by OID), for post-data objects.
    static func addRelations(_ set: RelationSet, _ context: ProviderContext) -> (tableIds: [UInt32: Int], data: [UInt32: DumpObject]) {
        let graph = context.graph
        var ids: [UInt32: Int] = [:]
        var tableObjects: [UInt32: DumpObject] = [:]
        for t in set.relations where set.dumped.contains(t.id.oid) {
            let obj = DumpObject(kind: .table, catalogId: t.id, name: t.name, namespace: t.namespace)
            obj.relkind = t.relkind.rawValue
            graph.add(obj)
            ids[t.id.oid] = obj.dumpId
            tableObjects[t.id.oid] = obj
        }
        // buildMatViewRefreshDependencies: a materialized view is refreshed after the ones it
        // reads, and not at all when one of those is not populated.
        let dataMatviews = Set(set.relations.filter {
            $0.relkind == .materializedView && set.dumped.contains($0.id.oid)
                && context.selection.includesTableData(schema: $0.namespace, name: $0.name)
        }.map(\.id.oid))
        var unpopulated = Set(set.relations.filter { $0.relkind == .materializedView && !$0.isPopulated }.map(\.id.oid))
        for (view, ref) in set.materializedViewReferences
        where dataMatviews.contains(view) && dataMatviews.contains(ref) && unpopulated.contains(ref) {
            unpopulated.insert(view)
        }
        var data: [UInt32: DumpObject] = [:]
        for (ti, t) in set.relations.enumerated() where set.dumped.contains(t.id.oid) {
            guard let obj = tableObjects[t.id.oid] else { continue }
            if t.relkind == .sequence {
                addSequence(ti, obj, set, context, ids: ids)
            } else {
                data[t.id.oid] = addTable(ti, obj, set, context, ids: ids, populated: !unpopulated.contains(t.id.oid))
            }
        }
        for (view, ref) in set.materializedViewReferences {
            if let d = data[view], let r = data[ref] { d.dependencies.append(r.dumpId) }
        }
        return (ids, data)
    }

    /// Returns the table's data object (TABLE DATA or the materialized view's REFRESH), if any.
    ///
    /// The emit closures capture the relation set and the relation's position in it, not copies
    /// of its rows: on thousands of tables, row copies in every closure were most of the memory
    /// the catalog phase held.
    @discardableResult
    static func addTable(_ ti: Int, _ obj: DumpObject, _ set: RelationSet, _ context: ProviderContext,
                         ids: [UInt32: Int], populated: Bool) -> DumpObject? {
        let graph = context.graph
        let metadata = context.metadata
        let t = set.relations[ti]
        let checks = set.checkModels(t)
        let columns = set.columns[t.id.oid] ?? []

        // Defaults: inline ones are sorted before the table (table depends on them); separate
        // ones get their own DEFAULT entry after it (getTableAttrs / flagInhAttrs).
        for (n, d) in set.defaultInfo(t).sorted(by: { $0.key < $1.key }) {
            let column = columns[n - 1].name
            let def = DumpObject(kind: .attrDef, catalogId: d.row.id, name: t.name, namespace: t.namespace)
            def.dumpDefinition = d.separate
            def.sortTiebreak = SortTiebreak.attrDef(columnNumber: n)
            def.parentDumpId = obj.dumpId
            def.separate = d.separate
            graph.add(def)
            if d.separate {
                // Manufactured DEFAULT NULLs and defaults split out of a dependency loop follow the table.
                if d.manufactured || set.loopSeparatedDefaults.contains(d.row.id.oid) { def.dependencies.append(obj.dumpId) }
                let row = d.row
                def.emit = { emitter, def in
                    if emitter.context.dataOnly { return }
                    let t = set.relations[ti]
                    let ddl = TableDDL.separateDefault(table: t, column: column, expression: row.expression, emitter.context)
                    emitter.entry(dumpId: def.dumpId, catalogId: row.id, desc: "DEFAULT", tag: "\(t.name) \(column)",
                                  namespace: t.namespace, owner: t.owner, section: .preData,
                                  definition: ddl.create, dropStatement: ddl.drop)
                }
            } else if !d.manufactured {
                obj.dependencies.append(def.dumpId)
            }
        }
        // CHECK constraints: inline ones precede the table; separate (NOT VALID) ones follow data.
        var checkIds: [Int] = []
        for k in checks {
            let con = DumpObject(kind: .constraint, catalogId: k.check.id, name: k.check.name, namespace: t.namespace)
            con.dumpDefinition = k.separate
            con.sortTiebreak = SortTiebreak.constraint(domain: nil, table: t.name)
            con.parentDumpId = obj.dumpId
            con.constraintType = "c"
            con.separate = k.separate
            graph.add(con)
            checkIds.append(con.dumpId)
            if !k.separate { obj.dependencies.append(con.dumpId); continue }
            con.emit = { emitter, con in
                let ctx = emitter.context
                if ctx.dataOnly || !k.check.isLocal { return }
                let t = set.relations[ti]
                // The set's row, whose definition was filled after this closure was made.
                let check = set.checks[t.id.oid]?.first { $0.id == k.check.id } ?? k.check
                let ddl = TableDDL.separateCheck(table: t, check: check, ctx)
                emitter.entry(dumpId: con.dumpId, catalogId: k.check.id, desc: "CHECK CONSTRAINT",
                              tag: "\(t.name) \(k.check.name)", namespace: t.namespace, owner: t.owner,
                              section: .postData, definition: ddl.create, dropStatement: ddl.drop)
                emitter.emitComment(metadata, type: "CONSTRAINT \(ctx.id(k.check.name)) ON", name: ctx.id(t.name),
                                    namespace: t.namespace, owner: t.owner, catalogId: k.check.id, parent: con.dumpId)
            }
        }
        // Servers 18+: NOT VALID not-null constraints are dumped like NOT VALID CHECKs, as CONSTRAINT.
        for col in columns where col.notNullName != nil && !col.notNullValid && col.notNullIsLocal && !col.isDropped {
            let name = col.notNullName ?? ""
            let con = DumpObject(kind: .constraint, catalogId: col.notNullConstraintId, name: name, namespace: t.namespace)
            con.sortTiebreak = SortTiebreak.constraint(domain: nil, table: t.name)
            graph.add(con)
            con.emit = { emitter, con in
                let ctx = emitter.context
                if ctx.dataOnly { return }
                let t = set.relations[ti]
                let ddl = TableDDL.separateNotNull(table: t, column: col, ctx)
                emitter.entry(dumpId: con.dumpId, catalogId: col.notNullConstraintId, desc: "CONSTRAINT", tag: "\(t.name) \(name)",
                              namespace: t.namespace, owner: t.owner, section: .postData,
                              definition: ddl.create, dropStatement: ddl.drop)
                emitter.emitComment(metadata, type: "CONSTRAINT \(ctx.id(name)) ON", name: ctx.id(t.name),
                                    namespace: t.namespace, owner: t.owner, catalogId: col.notNullConstraintId, parent: con.dumpId)
            }
        }
        // A view's ON SELECT rule is merged into CREATE VIEW unless the view is a dummy one
        // (RelationPostData adds the rule objects and their dependencies).
        let reltype = TableDDL.typeName(t.relkind)
        let postponed = set.postponedMatviews.contains(t.id.oid)
        obj.emit = { emitter, obj in
            let ctx = emitter.context
            if ctx.dataOnly { return }
            let t = set.relations[ti]
            let columns = set.columns[t.id.oid] ?? []
            let model = set.model(t)
            let ddl = TableDDL.render(model, ctx)
            emitter.entry(dumpId: obj.dumpId, catalogId: t.id, desc: reltype, tag: t.name, namespace: t.namespace,
                          owner: t.owner, section: postponed ? .postData : .preData, definition: ddl.create, dropStatement: ddl.drop,
                          tablespace: t.relkind.hasTablespace ? t.tablespace : nil,
                          tableAccessMethod: t.relkind.hasTableAccessMethod
                              // pg_dump 17 records a partitioned table's access method when it has one.
                              || (t.relkind == .partitionedTable && ctx.pgDumpMajor >= 17) ? t.accessMethod : nil,
                          // Only dumpTableSchema's entries carry relkind (1.16 archives).
                          relkind: Int(t.relkind.rawValue.asciiValue ?? 0))
            emitTableComments(emitter, metadata, t, columns, reltype: reltype, parent: obj.dumpId)
            emitTableSecurityLabels(emitter, metadata, t, columns, reltype: reltype, parent: obj.dumpId)
            for k in model.checks where !k.separate && k.check.isLocal {
                emitter.emitComment(metadata, type: "CONSTRAINT \(ctx.id(k.check.name)) ON", name: ctx.id(t.name),
                                    namespace: t.namespace, owner: t.owner, catalogId: k.check.id, parent: obj.dumpId)
            }
            try emitter.emitRelationACL(type: "TABLE", name: ctx.id(t.name), namespace: t.namespace, owner: t.owner,
                                    acl: t.acl, aclDefault: t.aclDefault, parent: obj.dumpId, catalogId: t.id)
            for col in columns where (col.acl != nil || emitter.initialPrivileges?.initPrivileges(for: t.id, subid: col.number) != nil) && !col.isDropped {
                try emitter.emitRelationACL(type: "TABLE", name: ctx.id(t.name), column: ctx.id(col.name), columnNumber: col.number, namespace: t.namespace,
                                        owner: t.owner, acl: col.acl, aclDefault: nil, parent: obj.dumpId, catalogId: t.id)
            }
        }

        // TABLE ATTACH (flagInhTables): depends on the partition and its parent by hand.
        if t.isPartition, let parentOid = set.parents[t.id.oid]?.first, set.relation(parentOid) != nil {
            let attach = DumpObject(kind: .tableAttach, catalogId: .none, name: t.name, namespace: t.namespace)
            attach.dependencies = [obj.dumpId] + (ids[parentOid].map { [$0] } ?? [])
            attach.emit = { emitter, attach in
                if emitter.context.dataOnly { return }
                let t = set.relations[ti]
                guard let parent = set.relation(parentOid) else { return }
                emitter.entry(dumpId: attach.dumpId, desc: "TABLE ATTACH", tag: t.name, namespace: t.namespace,
                              owner: t.owner, section: .preData,
                              definition: TableDDL.attach(parent: (parent.namespace, parent.name), partition: t, emitter.context),
                              dependencies: attach.dependencies)
            }
            graph.add(attach)
        }

        return addTableData(ti, obj, set, context, populated: populated,
                            root: TableDataPlan.loadTarget(of: t, set, loadViaPartitionRoot: context.selection.loadViaPartitionRoot))
    }

    /// makeTableDataInfo: TABLE DATA for tables, REFRESH for populated materialized views.
    static func addTableData(_ ti: Int, _ obj: DumpObject, _ set: RelationSet, _ context: ProviderContext,
                             populated: Bool, root: RelationRow?) -> DumpObject? {
        let sel = context.selection
        let t = set.relations[ti]
        // Views and partitioned tables: no data; foreign tables only on --include-foreign-data's servers.
        guard [.table, .materializedView].contains(t.relkind)
            || (t.relkind == .foreignTable && t.foreignServer.map(sel.foreignDataServers.contains) == true) else { return nil }
        guard sel.includesTableData(schema: t.namespace, name: t.name) else { return nil }
        if sel.noUnloggedTableData && t.persistence == "u" { return nil }
        let data = DumpObject(kind: t.relkind == .materializedView ? .refreshMatview : .tableData,
                              catalogId: t.id, name: t.name, namespace: t.namespace)
        data.dependencies = [obj.dumpId]
        let tableDumpId = obj.dumpId
        context.graph.add(data)
        if t.relkind != .materializedView && !context.render.schemaOnly {
            // Planned now rather than when emitted: the dumper sends the first COPY statements as
            // soon as the sort has fixed their order (DumpRunner.startTableData).
            context.graph.tableDataPlans[data.dumpId] = TableDataPlan(
                table: t, columns: set.columns[t.id.oid] ?? [], root: root, inserts: sel.inserts,
                connection: context.connection, context.render)
        }
        data.emit = { emitter, data in
            let ctx = emitter.context
            let t = set.relations[ti]
            // makeTableDataInfo's catalog ID: table OID 0 ("so that this object won't be mistaken
            // for something that pg_depend entries apply to"), the relation's own OID.
            let dataId = CatalogId(tableOid: 0, oid: t.id.oid)
            if t.relkind == .materializedView {
                // Neither --schema-only nor --data-only dumps have the REFRESH entries.
                if ctx.dataOnly || ctx.schemaOnly || !populated { return }
                emitter.entry(dumpId: data.dumpId, catalogId: dataId, desc: "MATERIALIZED VIEW DATA", tag: t.name,
                              namespace: t.namespace, owner: t.owner, section: .postData,
                              definition: TableDDL.refreshMaterializedView(t, ctx), dependencies: data.dependencies)
                return
            }
            guard !ctx.schemaOnly, let plan = emitter.graph.tableDataPlans.removeValue(forKey: data.dumpId) else { return }
            emitter.entry(dumpId: data.dumpId, catalogId: dataId, desc: "TABLE DATA", tag: t.name, namespace: t.namespace,
                          owner: t.owner, section: .data, definition: plan.definition, copyStatement: plan.copyStatement,
                          // dumpTableData's one hand-made dependency: the table (data.dependencies
                          // also holds the sort's pre-data boundary, which is no archive entry).
                          dependencies: [tableDumpId], data: plan.source)
        }
        return data
    }

    /// dumpTableComment: the relation's comment and its columns' comments.
    static func emitTableComments(_ emitter: DumpEmitter, _ metadata: ObjectMetadata, _ t: RelationRow,
                                  _ columns: [ColumnRow], reltype: String, parent: Int) {
        let ctx = emitter.context
        for (subid, _) in metadata.comments(for: t.id) {
            if subid == 0 {
                emitter.emitComment(metadata, type: reltype, name: ctx.id(t.name), namespace: t.namespace,
                                    owner: t.owner, catalogId: t.id, parent: parent)
            } else if subid <= columns.count {
                emitter.emitComment(metadata, type: "COLUMN", name: ctx.id(t.name) + "." + ctx.id(columns[subid - 1].name),
                                    namespace: t.namespace, owner: t.owner, catalogId: t.id, subid: subid, parent: parent)
            }
        }
    }

    /// dumpTableSecLabel: one SECURITY LABEL entry for the relation and all its columns.
    static func emitTableSecurityLabels(_ emitter: DumpEmitter, _ metadata: ObjectMetadata, _ t: RelationRow,
                                        _ columns: [ColumnRow], reltype: String, parent: Int) {
        let ctx = emitter.context
        if ctx.noSecurityLabels || ctx.dataOnly { return }
        let qualified = ctx.qualified(t.namespace, t.name)
        var sql = ""
        for subid in 0...columns.count {
            let target = subid == 0 ? "\(reltype) \(qualified)" : "COLUMN \(qualified).\(ctx.id(columns[subid - 1].name))"
            for (provider, label) in metadata.securityLabels(for: t.id, subid: subid) {
                sql += "SECURITY LABEL FOR \(ctx.id(provider)) ON \(target) IS \(ctx.literal(label));\n"
            }
        }
        guard !sql.isEmpty else { return }
        emitter.entry(desc: "SECURITY LABEL", tag: "\(reltype) \(ctx.id(t.name))", namespace: t.namespace, owner: t.owner,
                      section: .none, definition: sql, dependencies: [parent])
    }

    // MARK: sequences

    static func addSequence(_ si: Int, _ obj: DumpObject, _ set: RelationSet, _ context: ProviderContext, ids: [UInt32: Int]) {
        let s = set.relations[si]
        guard set.sequences[s.id.oid] != nil else { return }
        let metadata = context.metadata
        obj.emit = { emitter, obj in
            let ctx = emitter.context
            if ctx.dataOnly { return }
            let s = set.relations[si]
            guard let seq = set.sequences[s.id.oid] else { return }
            let owner = s.owningTable != 0 ? set.relation(s.owningTable) : nil
            let ownerColumn = owner.flatMap { o in set.columns[o.id.oid]?.first { $0.number == s.owningColumn } }
            let identity: SequenceDDL.IdentityOwner? = s.isIdentitySequence
                ? owner.flatMap { o in ownerColumn.map { SequenceDDL.IdentityOwner(table: o, column: $0.name, identity: $0.identity ?? "d") } }
                : nil
            let ownerDumped = owner.map { set.dumped.contains($0.id.oid) } ?? false
            let ddl = SequenceDDL.render(s, seq, identity: identity, ctx)
            emitter.entry(dumpId: obj.dumpId, catalogId: s.id, desc: "SEQUENCE", tag: s.name, namespace: s.namespace,
                          owner: s.owner, section: .preData, definition: ddl.create, dropStatement: ddl.drop)
            // SEQUENCE OWNED BY right after the sequence, depending on it by hand.
            if let o = owner, let col = ownerColumn, !s.isIdentitySequence, ownerDumped {
                emitter.entry(desc: "SEQUENCE OWNED BY", tag: s.name, namespace: s.namespace, owner: s.owner,
                              section: .preData, definition: SequenceDDL.ownedBy(s, table: o, column: col.name, ctx),
                              dependencies: [obj.dumpId])
            }
            emitter.emitComment(metadata, type: "SEQUENCE", name: ctx.id(s.name), namespace: s.namespace, owner: s.owner,
                                catalogId: s.id, parent: obj.dumpId)
            emitter.emitSecurityLabels(metadata, type: "SEQUENCE", name: ctx.id(s.name), namespace: s.namespace,
                                       owner: s.owner, catalogId: s.id, parent: obj.dumpId)
            try emitter.emitRelationACL(type: "SEQUENCE", name: ctx.id(s.name), namespace: s.namespace, owner: s.owner,
                                    acl: s.acl, aclDefault: s.aclDefault, parent: obj.dumpId, catalogId: s.id)
        }
        // makeTableDataInfo: an owned sequence's data follows it even when only its table is selected (-t).
        let sel = context.selection
        guard !sel.schemaOnly, !sel.excludedTableData.contains(QualifiedName(schema: s.namespace, name: s.name)) else { return }
        let data = DumpObject(kind: .sequenceSet, catalogId: s.id, name: s.name, namespace: s.namespace)
        data.dependencies = [obj.dumpId]
        let sequenceDumpId = obj.dumpId
        data.emit = { emitter, data in
            if emitter.context.schemaOnly { return }
            let s = set.relations[si]
            guard let seq = set.sequences[s.id.oid] else { return }
            // dumpSequenceData gives the entry a fresh dump id and a hand-made dependency on the sequence.
            emitter.entry(desc: "SEQUENCE SET", tag: s.name, namespace: s.namespace, owner: s.owner, section: .data,
                          definition: SequenceDDL.setValue(s, seq, emitter.context), dependencies: [sequenceDumpId])
        }
        context.graph.add(data)
    }
}
