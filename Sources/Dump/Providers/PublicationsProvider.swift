import Archive
import Catalog
import DDL

/// EVENT TRIGGER, PUBLICATION, PUBLICATION TABLE, PUBLICATION TABLES IN SCHEMA and SUBSCRIPTION
/// entries, all post-data. Publication members are dumped only with their table's (schema's)
/// definition (up to pg_dump 17; 18 keeps them with the publication); subscriptions only when the session is a superuser (getSubscriptions).
///
/// Sort names: publication tables and schemas carry the table's (schema's) name and namespace,
/// as pg_dump's dobj.name does.
public enum PublicationsProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let c = context.connection
        let membership = try context.extensionMembership()
        let metadata = context.metadata
        let v = context.serverVersion

        for e in try PublicationCatalog.eventTriggers(c) {
            guard let object = context.addObject(.eventTrigger, e.id, name: e.name, namespace: nil, dumped: context.includesEverything,
                                                 membership: membership) else { continue }
            object.emit = { emitter, o in
                emitter.emitDefinition(o, PublicationDDL.eventTrigger(e, emitter.context), desc: "EVENT TRIGGER", commentType: "EVENT TRIGGER",
                                       namespace: nil, owner: e.owner, section: .postData, metadata: metadata)
            }
        }

        var publications: [UInt32: PublicationRow] = [:]
        for p in try PublicationCatalog.publications(c, serverVersion: v) {
            guard let object = context.addObject(.publication, p.id, name: p.name, namespace: nil, dumped: context.includesEverything,
                                                 membership: membership) else { continue }
            publications[p.id.oid] = p
            object.emit = { emitter, o in
                emitter.emitDefinition(o, PublicationDDL.publication(p, emitter.context), desc: "PUBLICATION", commentType: "PUBLICATION",
                                       namespace: nil, owner: p.owner, section: .postData, metadata: metadata)
            }
        }

        // pg_dump 18 keeps a dumped publication's members even when -N/-T leave their table or
        // schema out (15 to 17 drop them); measured against the 15, 16, 17 and 18 binaries.
        let membersFollowSelection = context.render.pgDumpMajor < 18
        for t in try PublicationCatalog.publicationTables(c, serverVersion: v) {
            guard let p = publications[t.publicationOid],
                  !membersFollowSelection || context.selection.includesTable(schema: t.tableSchema, name: t.tableName),
                  !membership.contains(CatalogId(tableOid: SystemCatalog.pgClass, oid: t.tableOid)) else { continue }
            let object = context.graph.add(DumpObject(kind: .publicationRel, catalogId: t.id, name: t.tableName, namespace: t.tableSchema))
            object.dumpDefinition = context.includesEverything
            object.emit = { emitter, o in
                guard o.dumpDefinition, !emitter.context.dataOnly else { return }
                let ddl = PublicationDDL.publicationTable(t, publicationName: p.name, emitter.context)
                emitter.entry(dumpId: o.dumpId, catalogId: o.catalogId, desc: "PUBLICATION TABLE", tag: ddl.tag, namespace: t.tableSchema,
                              owner: p.owner, section: .postData, definition: ddl.create)
            }
        }

        for s in try PublicationCatalog.publicationSchemas(c, serverVersion: v) {
            guard let p = publications[s.publicationOid], !membersFollowSelection || context.selection.includesSchema(s.schemaName)
            else { continue }
            let object = context.graph.add(DumpObject(kind: .publicationTableInSchema, catalogId: s.id, name: s.schemaName,
                                                      namespace: s.schemaName))
            object.dumpDefinition = context.includesEverything
            object.emit = { emitter, o in
                guard o.dumpDefinition, !emitter.context.dataOnly else { return }
                let ddl = PublicationDDL.publicationSchema(s, publicationName: p.name, emitter.context)
                emitter.entry(dumpId: o.dumpId, catalogId: o.catalogId, desc: "PUBLICATION TABLES IN SCHEMA", tag: ddl.tag,
                              namespace: s.schemaName, owner: p.owner, section: .postData, definition: ddl.create)
            }
        }

        for s in try PublicationCatalog.subscriptions(c, serverVersion: v) {
            guard let object = context.addObject(.subscription, s.id, name: s.name, namespace: nil, dumped: context.includesEverything,
                                                 membership: membership) else { continue }
            object.emit = { emitter, o in
                emitter.emitDefinition(o, PublicationDDL.subscription(s, emitter.context), desc: "SUBSCRIPTION", commentType: "SUBSCRIPTION",
                                       namespace: nil, owner: s.owner, section: .postData, metadata: metadata)
            }
        }
    }
}
