import Archive
import Catalog
import DDL

/// TYPE (enum, range, base, composite, undefined pseudo-types), DOMAIN (with its validated
/// CHECK constraints inline and NOT VALID ones as post-data CHECK CONSTRAINT entries) and SHELL
/// TYPE entries.
///
/// Array types and multiranges become `.dummyType` objects with nothing to emit (pg_dump's
/// DO_DUMMY_TYPE) so that dependencies through them resolve; table row types are left to the
/// relations provider.
///
/// Dependencies added by hand: a domain depends on each of its validated constraints
/// (getDomainConstraints). A SHELL TYPE object (no catalog id) is added for every dumped base
/// type or range whose support functions are dumped: pg_dump's sorter breaks the type/function
/// loop by making those functions depend on the shell type instead of the type
/// (repairTypeFuncLoop). The shell object has the type's name and namespace and kind
/// `.shellType`, which is how the sorter finds it.
public enum TypesProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let c = context.connection
        let membership = try context.extensionMembership()
        let metadata = context.metadata
        let dummies = try TypeCatalog.dummyTypes(c)
        let types = try TypeCatalog.types(c, serverVersion: context.serverVersion)
        let labels = try TypeCatalog.enumLabels(c)
        let attributes = try TypeCatalog.compositeAttributes(c)
        let constraints = try TypeCatalog.domainConstraints(c, serverVersion: context.serverVersion)

        // Table row types (other than standalone composites), auto-generated arrays and
        // multiranges are never dumped, but they stay in the graph as pg_dump's DO_DUMMY_TYPE
        // objects: functions returning a table's row type depend on the table through them.
        // They are added among the other types in OID order, as getTypes adds them.
        var nextDummy = 0
        func addDummies(before oid: UInt32?) {
            while nextDummy < dummies.count, oid.map({ dummies[nextDummy].id.oid < $0 }) ?? true {
                let d = dummies[nextDummy]
                if let object = context.addNamespacedObject(.dummyType, d.id, name: d.name, schema: d.schema, membership: membership) {
                    object.dumpDefinition = false
                }
                nextDummy += 1
            }
        }
        for t in types {
            addDummies(before: t.id.oid)
            if t.type == "c" && t.relationId != 0 {
                // The composite's pg_class row, as pg_dump's getTables collects it (never dumped):
                // the column dependencies in pg_depend (collations, types) hang on it, and the
                // type reaches them through it (DependencyLoader reverses the implicit edge).
                let relation = DumpObject(kind: .table, catalogId: CatalogId(tableOid: SystemCatalog.pgClass, oid: t.relationId),
                                          name: t.name, namespace: t.schema)
                relation.relkind = "c"
                relation.dumpDefinition = false
                relation.dumpData = false
                context.graph.add(relation)
            }
            let dumpable = "bdcer".contains(t.type) || (t.type == "p" && !t.isDefined)
            guard dumpable, let object = context.addNamespacedObject(.type, t.id, name: t.name, schema: t.schema, membership: membership)
            else { continue }
            let domainConstraints = constraints[t.id.oid] ?? []

            if t.type == "d" {
                for con in domainConstraints where con.kind == "c" {
                    let conObject = DumpObject(kind: .constraint, catalogId: con.id, name: con.name, namespace: t.schema)
                    conObject.sortTiebreak = SortTiebreak.constraint(domain: t.name, table: nil)
                    conObject.parentDumpId = object.dumpId
                    conObject.constraintType = "c"
                    conObject.dumpDefinition = object.dumpDefinition && !con.validated
                    context.graph.add(conObject)
                    if con.validated {
                        object.dependencies.append(conObject.dumpId)
                    } else {
                        conObject.emit = { emitter, o in
                            emitter.emitDefinition(o, TypeDDL.separateDomainConstraint(t, con, emitter.context), desc: "CHECK CONSTRAINT",
                                                   commentType: nil, namespace: t.schema, owner: t.owner, section: .postData,
                                                   metadata: metadata)
                        }
                    }
                }
            }

            if object.dumpDefinition && (t.type == "b" || t.type == "r") {
                let loops = t.supportFunctions.contains { f in
                    context.definitionDumped(CatalogId(tableOid: SystemCatalog.pgProc, oid: f.oid), schema: f.schema, membership: membership)
                }
                if loops {
                    let shell = context.graph.add(DumpObject(kind: .shellType, catalogId: .none, name: t.name, namespace: t.schema))
                    // repairTypeFuncLoop points the I/O functions at the shell type.
                    object.shellTypeDumpId = shell.dumpId
                    shell.emit = { emitter, o in
                        guard !emitter.context.dataOnly else { return }
                        let ddl = TypeDDL.shellType(t, emitter.context)
                        emitter.entry(dumpId: o.dumpId, desc: "SHELL TYPE", tag: ddl.tag, namespace: t.schema, owner: t.owner,
                                      section: .preData, definition: ddl.create)
                    }
                }
            }

            object.emit = { emitter, o in
                let ctx = emitter.context
                switch t.type {
                case "d":
                    emitter.emitDefinition(o, TypeDDL.domain(t, constraints: domainConstraints, ctx), desc: "DOMAIN", commentType: "DOMAIN",
                                           namespace: t.schema, owner: t.owner, metadata: metadata)
                    try emitter.emitACL(type: "TYPE", name: ctx.id(t.name), subname: nil, namespace: t.schema, owner: t.owner, acl: t.acl, defaultACL: ACLCommands.defaultACL(kind: "T", owner: t.owner), initPrivileges: emitter.initialPrivileges?.initPrivileges(for: o.catalogId), parent: o.dumpId)
                    guard o.dumpDefinition, !ctx.dataOnly else { return }
                    for con in domainConstraints where con.kind == "c" && con.validated {
                        emitter.emitComment(metadata, type: "CONSTRAINT \(ctx.id(con.name)) ON DOMAIN", name: ctx.id(t.name),
                                            namespace: t.schema, owner: t.owner, catalogId: con.id, parent: o.dumpId)
                    }
                    return
                case "e":
                    emitter.emitDefinition(o, TypeDDL.enumType(t, labels: labels[t.id.oid] ?? [], ctx), desc: "TYPE", commentType: "TYPE",
                                           namespace: t.schema, owner: t.owner, metadata: metadata)
                case "r":
                    emitter.emitDefinition(o, TypeDDL.rangeType(t, ctx), desc: "TYPE", commentType: "TYPE",
                                           namespace: t.schema, owner: t.owner, metadata: metadata)
                case "b":
                    emitter.emitDefinition(o, TypeDDL.baseType(t, ctx), desc: "TYPE", commentType: "TYPE",
                                           namespace: t.schema, owner: t.owner, metadata: metadata)
                case "c":
                    let attrs = attributes[t.id.oid] ?? []
                    emitter.emitDefinition(o, TypeDDL.compositeType(t, attributes: attrs, ctx), desc: "TYPE", commentType: "TYPE",
                                           namespace: t.schema, owner: t.owner, metadata: metadata)
                    try emitter.emitACL(type: "TYPE", name: ctx.id(t.name), subname: nil, namespace: t.schema, owner: t.owner, acl: t.acl, defaultACL: ACLCommands.defaultACL(kind: "T", owner: t.owner), initPrivileges: emitter.initialPrivileges?.initPrivileges(for: o.catalogId), parent: o.dumpId)
                    guard o.dumpDefinition, !ctx.dataOnly, !ctx.noComments else { return }
                    // dumpCompositeTypeColComments: column comments hang off the type's pg_class row.
                    let relation = CatalogId(tableOid: SystemCatalog.pgClass, oid: t.relationId)
                    for (subid, text) in metadata.comments(for: relation) where subid > 0 {
                        guard let a = attrs.first(where: { $0.number == subid && !$0.isDropped }) else { continue }
                        let target = "COLUMN \(ctx.id(t.name)).\(ctx.id(a.name))"
                        emitter.entry(desc: "COMMENT", tag: target, namespace: t.schema, owner: t.owner, section: .none,
                                      definition: "COMMENT ON COLUMN \(ctx.qualified(t.schema, t.name)).\(ctx.id(a.name)) IS \(ctx.literal(text));\n",
                                      dependencies: [o.dumpId])
                    }
                    return
                default:
                    emitter.emitDefinition(o, TypeDDL.undefinedType(t, ctx), desc: "TYPE", commentType: "TYPE",
                                           namespace: t.schema, owner: t.owner, metadata: metadata)
                }
                try emitter.emitACL(type: "TYPE", name: ctx.id(t.name), subname: nil, namespace: t.schema, owner: t.owner, acl: t.acl, defaultACL: ACLCommands.defaultACL(kind: "T", owner: t.owner), initPrivileges: emitter.initialPrivileges?.initPrivileges(for: o.catalogId), parent: o.dumpId)
            }
        }
        addDummies(before: nil)
    }
}
