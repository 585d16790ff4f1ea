import Archive
import Catalog
import DDL

/// OPERATOR, OPERATOR CLASS, OPERATOR FAMILY, COLLATION and CONVERSION entries.
///
/// sortTiebreak (DOTypeNameCompare): operators [255 - oprkind as `SortTiebreak.number` (pg_dump
/// sorts oprkind descending), left type, right type] with types as "schema\u{1}typname" ("" for
/// none); operator classes and families [access method name]; collations
/// [`SortTiebreak.number(collencoding)`].
public enum OperatorsProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let c = context.connection
        let membership = try context.extensionMembership()
        let metadata = context.metadata

        for op in try OperatorCatalog.operators(c) {
            guard let object = context.addNamespacedObject(.operator, op.id, name: op.name, schema: op.schema, membership: membership)
            else { continue }
            let kind = Int(op.kind.asciiValue ?? 0)
            object.sortTiebreak = [SortTiebreak.number(255 - kind), op.leftSortKey, op.rightSortKey]
            object.emit = { emitter, o in
                guard let ddl = OperatorDDL.operator(op, emitter.context) else { return }
                emitter.emitDefinition(o, ddl, desc: "OPERATOR", commentType: "OPERATOR", namespace: op.schema, owner: op.owner,
                                       metadata: metadata)
            }
        }

        let (classes, families) = try OperatorCatalog.classesAndFamilies(c)
        for oc in classes {
            guard let object = context.addNamespacedObject(.opclass, oc.id, name: oc.name, schema: oc.schema, membership: membership)
            else { continue }
            object.sortTiebreak = [oc.accessMethod]
            object.emit = { emitter, o in
                emitter.emitDefinition(o, OperatorDDL.operatorClass(oc, emitter.context), desc: "OPERATOR CLASS",
                                       commentType: "OPERATOR CLASS", namespace: oc.schema, owner: oc.owner, metadata: metadata)
            }
        }
        for of in families {
            guard let object = context.addNamespacedObject(.opfamily, of.id, name: of.name, schema: of.schema, membership: membership)
            else { continue }
            object.sortTiebreak = [of.accessMethod]
            object.emit = { emitter, o in
                emitter.emitDefinition(o, OperatorDDL.operatorFamily(of, emitter.context), desc: "OPERATOR FAMILY",
                                       commentType: "OPERATOR FAMILY", namespace: of.schema, owner: of.owner, metadata: metadata)
            }
        }

        for coll in try OperatorCatalog.collations(c, serverVersion: context.serverVersion) {
            guard let object = context.addNamespacedObject(.collation, coll.id, name: coll.name, schema: coll.schema, membership: membership)
            else { continue }
            object.sortTiebreak = [SortTiebreak.number(coll.encoding)]
            object.emit = { emitter, o in
                emitter.emitDefinition(o, OperatorDDL.collation(coll, emitter.context), desc: "COLLATION", commentType: "COLLATION",
                                       namespace: coll.schema, owner: coll.owner, metadata: metadata)
            }
        }

        for conv in try OperatorCatalog.conversions(c) {
            guard let object = context.addNamespacedObject(.conversion, conv.id, name: conv.name, schema: conv.schema, membership: membership)
            else { continue }
            object.emit = { emitter, o in
                emitter.emitDefinition(o, OperatorDDL.conversion(conv, emitter.context), desc: "CONVERSION", commentType: "CONVERSION",
                                       namespace: conv.schema, owner: conv.owner, metadata: metadata)
            }
        }
    }
}
