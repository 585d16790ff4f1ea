import Archive
import Catalog
import DDL

/// FOREIGN DATA WRAPPER, SERVER and USER MAPPING entries. User mappings are written by their
/// server's emit (dumpUserMappings): fresh dump ids, no catalog id, no dependencies.
public enum ForeignDataProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let c = context.connection
        let membership = try context.extensionMembership()
        let metadata = context.metadata
        for w in try ForeignDataCatalog.wrappers(c) {
            guard let object = context.addObject(.fdw, w.id, name: w.name, namespace: nil, dumped: context.includesEverything,
                                                 membership: membership) else { continue }
            object.emit = { emitter, o in
                let ddl = ForeignDataDDL.wrapper(w, emitter.context)
                emitter.emitDefinition(o, ddl, desc: "FOREIGN DATA WRAPPER", commentType: "FOREIGN DATA WRAPPER", namespace: nil,
                                       owner: w.owner, metadata: metadata)
                try emitter.emitACL(type: "FOREIGN DATA WRAPPER", name: ddl.commentName, subname: nil, namespace: nil, owner: w.owner, acl: w.acl, defaultACL: ACLCommands.defaultACL(kind: "F", owner: w.owner), initPrivileges: emitter.initialPrivileges?.initPrivileges(for: o.catalogId), parent: o.dumpId)
            }
        }
        let mappings = try ForeignDataCatalog.userMappings(c)
        for s in try ForeignDataCatalog.servers(c) {
            guard let object = context.addObject(.foreignServer, s.id, name: s.name, namespace: nil, dumped: context.includesEverything,
                                                 membership: membership) else { continue }
            let serverMappings = mappings[s.id.oid] ?? []
            object.emit = { emitter, o in
                let ddl = ForeignDataDDL.server(s, emitter.context)
                emitter.emitDefinition(o, ddl, desc: "SERVER", commentType: "SERVER", namespace: nil, owner: s.owner, metadata: metadata)
                try emitter.emitACL(type: "FOREIGN SERVER", name: ddl.commentName, subname: nil, namespace: nil, owner: s.owner, acl: s.acl, defaultACL: ACLCommands.defaultACL(kind: "S", owner: s.owner), initPrivileges: emitter.initialPrivileges?.initPrivileges(for: o.catalogId), parent: o.dumpId)
                guard o.dumpDefinition, !emitter.context.dataOnly else { return }
                for m in serverMappings {
                    let mapping = ForeignDataDDL.userMapping(m, serverName: s.name, emitter.context)
                    emitter.entry(desc: "USER MAPPING", tag: mapping.tag, owner: s.owner, section: .preData,
                                  definition: mapping.create, dropStatement: mapping.drop)
                }
            }
        }
    }
}
