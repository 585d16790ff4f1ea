import Archive
import Catalog
import DDL

/// A pg_default_acl row whose object type pg_dump does not know (it stops with "unrecognized
/// object type in default privileges").
public struct UnknownDefaultPrivilegeType: Error, CustomStringConvertible {
    public var objectType: String
    public var role: String
    public var namespace: String?
    public var description: String {
        "unrecognized object type in default privileges: \(objectType) (role \(role), schema \(namespace ?? "-"))"
    }
}

/// `ALTER DEFAULT PRIVILEGES` entries (pg_dump's getDefaultACLs / dumpDefaultACL): one
/// "DEFAULT ACL" entry per pg_default_acl row, in the post-data section, owned by the role the
/// defaults are for. Dependencies on the schema come from pg_depend; pg_dump adds none by hand.
public enum DefaultPrivilegesProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let rows = try DefaultPrivilege.loadAll(context.connection)
        // Every row gets a dump id, selected or not, as pg_dump's AssignDumpId does.
        let includeEverything = context.selection.schemas == nil && context.selection.tables == nil
        for row in rows {
            let object = DumpObject(kind: .defaultACL, catalogId: row.catalogId, name: row.objectType,
                                    namespace: row.namespace)
            // Per-schema defaults are part of their schema; global ones need an unfiltered dump
            // (selectDumpableDefaultACL).
            object.dumpDefinition = row.namespace.map { context.selection.includesContentsOf(schema: $0) } ?? includeEverything
            object.dumpData = false
            object.emit = { emitter, object in
                guard object.dumpDefinition else { return }
                try emitter.emitDefaultPrivileges(row, dumpId: object.dumpId)
            }
            context.graph.add(object)
        }
    }

    /// The GRANT keyword (plural) of a defaclobjtype.
    public static func objectTypeKeyword(_ objectType: String) -> String? {
        switch objectType {
        case "r": return "TABLES"
        case "S": return "SEQUENCES"
        case "f": return "FUNCTIONS"
        case "T": return "TYPES"
        case "n": return "SCHEMAS"
        // pg_dump 18 knows large-object defaults (PostgreSQL 18's ALTER DEFAULT PRIVILEGES ... ON LARGE OBJECTS).
        case "L": return "LARGE OBJECTS"
        default: return nil
        }
    }
}

extension DumpEmitter {
    /// dumpDefaultACL for one row. The entry is written even when it holds no command (a global
    /// row equal to the built-in default), as pg_dump does.
    public func emitDefaultPrivileges(_ row: DefaultPrivilege, dumpId: Int) throws {
        if context.dataOnly || context.noPrivileges { return }
        guard let type = DefaultPrivilegesProvider.objectTypeKeyword(row.objectType),
              type != "LARGE OBJECTS" || context.pgDumpMajor >= 18 else {
            throw UnknownDefaultPrivilegeType(objectType: row.objectType, role: row.role, namespace: row.namespace)
        }
        let sql = try ACLCommands.buildDefault(type: type, namespace: row.namespace, acls: row.acl,
                                               defaultACL: row.defaultACL, owner: row.role, context: context)
        entry(dumpId: dumpId, catalogId: row.catalogId, desc: "DEFAULT ACL", tag: "DEFAULT PRIVILEGES FOR \(type)",
              namespace: row.namespace, owner: row.role, section: .postData, definition: sql)
    }
}
