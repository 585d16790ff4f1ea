import Archive
import Catalog
import DDL

/// What every provider of this family shares: pg_dump's dumpability rules
/// (selectDumpableObject / checkExtensionMembership) and the standard entry + comment + security
/// label sequence of the dumpXXX functions.
extension ProviderContext {
    /// pg_dump's include_everything: no -n and no -t.
    var includesEverything: Bool { selection.schemas == nil && selection.tables == nil }

    /// The extension membership set, loaded once per dump.
    public func extensionMembership() throws -> ExtensionMembership {
        if !graph.extensionMembership.isLoaded { graph.extensionMembership = try ExtensionMembership.load(connection) }
        return graph.extensionMembership
    }

    /// Adds an object pg_dump would consider: extension members get no definition but a
    /// dependency on their extension (checkExtensionMembership's addObjectDependency) and keep
    /// their ACL component; other objects are dumped when `dumped` says so. Returns nil for
    /// objects pg_dump does not dump at all (they stay in the graph for the sort only).
    @discardableResult
    func addObject(_ kind: DumpObjectKind, _ id: CatalogId, name: String, namespace: String?, dumped: Bool,
                   membership: ExtensionMembership) -> DumpObject? {
        let object = DumpObject(kind: kind, catalogId: id, name: name, namespace: namespace)
        if let ext = membership.owningExtension(of: id) {
            object.dumpDefinition = false
            object.dumpData = false
            let extObject = graph.object(catalogId: CatalogId(tableOid: SystemCatalog.pgExtension, oid: ext))
            if let extObject { object.dependencies.append(extObject.dumpId) }
            graph.add(object)
            // Members keep only what their extension's dump contains (checkExtensionMembership):
            // their ACLs when the extension is dumped or built in (selectDumpableExtension gives
            // initdb's extensions the ACL component), nothing when it is left out (-n, -t).
            let keepsACL = extObject.map { $0.dumpDefinition || $0.catalogId.oid < firstNormalObjectId } ?? false
            return keepsACL ? object : nil
        }
        guard dumped else {
            // pg_dump sorts every object it read, dumped or not: a dependency path through an
            // object outside the selection (-n, -N) still orders the ones inside it. The object
            // stays in the graph without anything to emit; callers get nil and skip it.
            object.dumpDefinition = false
            object.dumpData = false
            graph.add(object)
            return nil
        }
        return graph.add(object)
    }

    /// selectDumpableObject for an object in `schema`.
    func addNamespacedObject(_ kind: DumpObjectKind, _ id: CatalogId, name: String, schema: String,
                             membership: ExtensionMembership) -> DumpObject? {
        addObject(kind, id, name: name, namespace: schema, dumped: selection.includesContentsOf(schema: schema), membership: membership)
    }

    /// Whether an object in `schema` with this id has its definition dumped.
    func definitionDumped(_ id: CatalogId, schema: String, membership: ExtensionMembership) -> Bool {
        !membership.contains(id) && selection.includesContentsOf(schema: schema)
    }
}

extension DumpEmitter {
    /// The usual tail of a dumpXXX function: the object's own entry, then its comment and
    /// security labels. `owner` nil means pg_dump gave the entry no owner (written as NULL);
    /// its comment then gets the empty owner pg_dump passes to dumpComment. Nothing is written in data-only dumps or for objects whose definition
    /// is not dumped (extension members: only their ACLs, from emitACL, remain).
    func emitDefinition(_ object: DumpObject, _ ddl: ObjectDDL, desc: String, commentType: String?, namespace: String?,
                        owner: String?, section: ArchiveSection = .preData, metadata: ObjectMetadata,
                        commentOwner: String? = nil) {
        guard object.dumpDefinition, !context.dataOnly else { return }
        entry(dumpId: object.dumpId, catalogId: object.catalogId, desc: desc, tag: ddl.tag, namespace: namespace,
              owner: owner, section: section, definition: ddl.create, dropStatement: ddl.drop.isEmpty ? nil : ddl.drop)
        guard let commentType else { return }
        emitComment(metadata, type: commentType, name: ddl.commentName, namespace: namespace, owner: commentOwner ?? owner ?? "",
                    catalogId: object.catalogId, parent: object.dumpId)
        emitSecurityLabels(metadata, type: commentType, name: ddl.commentName, namespace: namespace, owner: commentOwner ?? owner ?? "",
                           catalogId: object.catalogId, parent: object.dumpId)
    }
}

// Sort tiebreaks use Sort/TypeNameOrder.swift's SortTiebreak.number (zero-padded, byte-comparable).
