import Archive
import Catalog
import DDL

/// EXTENSION, PROCEDURAL LANGUAGE, TRANSFORM, ACCESS METHOD and CAST entries, and the extension
/// membership set every other provider consults (`graph.extensionMembership`). Runs before the
/// other providers of this family so that members can depend on their extension's dump id.
///
/// Sort names (DumpObject.name): casts "sourcetypname targettypname", transforms
/// "typname lanname" (getCasts / getTransforms); no tiebreaks are needed for these kinds.
public enum ExtensionsProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let c = context.connection
        let membership = try context.extensionMembership()
        let metadata = context.metadata

        // Extensions (selectDumpableExtension): those from initdb keep only their members' ACLs.
        for e in try ExtensionCatalog.extensions(c) {
            let object = DumpObject(kind: .extension, catalogId: e.id, name: e.name, namespace: nil)
            object.dumpDefinition = e.id.oid >= firstNormalObjectId && context.includesEverything
            if !object.dumpDefinition && e.id.oid >= firstNormalObjectId { continue }
            context.graph.add(object)
            object.emit = { emitter, o in
                emitter.emitDefinition(o, ExtensionDDL.extension(e, emitter.context), desc: "EXTENSION", commentType: "EXTENSION",
                                       namespace: nil, owner: nil, metadata: metadata)
            }
        }

        let languages = try ExtensionCatalog.languages(c)
        let transforms = try ExtensionCatalog.transforms(c)
        let casts = try ExtensionCatalog.casts(c, serverVersion: context.serverVersion)
        let signatures = try FunctionSignatureCatalog.referencedByLanguagesTransformsAndCasts(c)
        /// fmtQualifiedDumpable of a function, when that function is dumped.
        func dumpedFunctionName(_ oid: UInt32) -> String? {
            guard oid != 0, let sig = signatures[oid],
                  context.definitionDumped(CatalogId(tableOid: SystemCatalog.pgProc, oid: oid), schema: sig.schema, membership: membership)
            else { return nil }
            return context.render.qualified(sig.schema, sig.name)
        }

        // Procedural languages (selectDumpableProcLang): initdb's keep only their ACL.
        for l in languages {
            let builtin = l.id.oid < firstNormalObjectId
            guard let object = context.addObject(.procLang, l.id, name: l.name, namespace: nil,
                                                 dumped: context.includesEverything, membership: membership) else { continue }
            if builtin { object.dumpDefinition = false }
            let handler = dumpedFunctionName(l.handler), inline = dumpedFunctionName(l.inline), validator = dumpedFunctionName(l.validator)
            object.emit = { emitter, o in
                let ddl = ExtensionDDL.language(l, handler: handler, inline: inline, validator: validator, emitter.context)
                emitter.emitDefinition(o, ddl, desc: "PROCEDURAL LANGUAGE", commentType: "LANGUAGE", namespace: nil,
                                       owner: l.owner, metadata: metadata)
                if l.trusted { try emitter.emitACL(type: "LANGUAGE", name: ddl.commentName, subname: nil, namespace: nil, owner: l.owner, acl: l.acl, defaultACL: ACLCommands.defaultACL(kind: "l", owner: l.owner), initPrivileges: emitter.initialPrivileges?.initPrivileges(for: o.catalogId), parent: o.dumpId) }
            }
        }

        // Transforms (selectDumpableObject without a namespace).
        for t in transforms {
            guard let object = context.addObject(.transform, t.id, name: "\(t.typeName) \(t.language)", namespace: nil,
                                                 dumped: context.includesEverything, membership: membership) else { continue }
            object.emit = { emitter, o in
                let ddl = ExtensionDDL.transform(t, fromSQL: signatures[t.fromSQL], toSQL: signatures[t.toSQL], emitter.context)
                emitter.emitDefinition(o, ddl, desc: "TRANSFORM", commentType: "TRANSFORM", namespace: nil, owner: nil, metadata: metadata)
            }
        }

        // Access methods (selectDumpableAccessMethod): initdb's are never dumped.
        for a in try ExtensionCatalog.accessMethods(c) {
            guard let object = context.addObject(.accessMethod, a.id, name: a.name, namespace: nil,
                                                 dumped: context.includesEverything && a.id.oid >= firstNormalObjectId,
                                                 membership: membership) else { continue }
            object.emit = { emitter, o in
                guard let ddl = ExtensionDDL.accessMethod(a, emitter.context) else { return }
                emitter.emitDefinition(o, ddl, desc: "ACCESS METHOD", commentType: "ACCESS METHOD", namespace: nil, owner: nil,
                                       metadata: metadata)
            }
        }

        // Casts (selectDumpableCast): initdb's are never dumped.
        for cast in casts {
            guard let object = context.addObject(.cast, cast.id, name: cast.sortName, namespace: nil,
                                                 dumped: context.includesEverything && cast.id.oid >= firstNormalObjectId,
                                                 membership: membership) else { continue }
            object.emit = { emitter, o in
                let ddl = ExtensionDDL.cast(cast, function: signatures[cast.function], emitter.context)
                emitter.emitDefinition(o, ddl, desc: "CAST", commentType: "CAST", namespace: nil, owner: nil, metadata: metadata)
            }
        }
    }
}
