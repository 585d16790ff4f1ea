import Archive
import Catalog
import DDL

/// FUNCTION, PROCEDURE (window functions included) and AGGREGATE entries (dumpFunc, dumpAgg).
///
/// sortTiebreak (DOTypeNameCompare for DO_FUNC / DO_AGG): first the argument count as
/// `SortTiebreak.number(nargs)`, then one "schema\u{1}typname" component per argument type,
/// compared component by component with strcmp.
public enum RoutinesProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let membership = try context.extensionMembership()
        let metadata = context.metadata
        let (functions, aggregates) = try RoutineCatalog.routines(context.connection, serverVersion: context.serverVersion)
        for f in functions {
            let isAggregate = f.kind == "a"
            guard let object = context.addNamespacedObject(isAggregate ? .aggregate : .function, f.id, name: f.name,
                                                           schema: f.schema, membership: membership) else { continue }
            object.sortTiebreak = [SortTiebreak.number(f.argumentTypes.count)] + f.argumentTypeSortKeys
            if isAggregate {
                guard let a = aggregates[f.id.oid] else { continue }
                object.emit = { emitter, o in
                    emitter.emitDefinition(o, RoutineDDL.aggregate(f, a, emitter.context), desc: "AGGREGATE", commentType: "AGGREGATE",
                                           namespace: f.schema, owner: f.owner, metadata: metadata)
                    try emitter.emitACL(type: "FUNCTION", name: RoutineDDL.aggregateACLName(f, emitter.context), subname: nil, namespace: f.schema, owner: f.owner, acl: f.acl, defaultACL: ACLCommands.defaultACL(kind: "f", owner: f.owner), initPrivileges: emitter.initialPrivileges?.initPrivileges(for: o.catalogId), parent: o.dumpId)
                }
            } else {
                object.emit = { emitter, o in
                    let keyword = RoutineDDL.keyword(f)
                    let ddl = RoutineDDL.function(f, emitter.context)
                    emitter.emitDefinition(o, ddl, desc: keyword, commentType: keyword, namespace: f.schema, owner: f.owner,
                                           metadata: metadata)
                    try emitter.emitACL(type: keyword, name: ddl.commentName, subname: nil, namespace: f.schema, owner: f.owner, acl: f.acl, defaultACL: ACLCommands.defaultACL(kind: "f", owner: f.owner), initPrivileges: emitter.initialPrivileges?.initPrivileges(for: o.catalogId), parent: o.dumpId)
                }
            }
        }
    }
}
