import Catalog
import DDL

/// Where relation providers hand their privileges to the ACL emitter (pg_dump's dumpACL calls in
/// dumpNamespace and dumpTable): schemas, relations, sequences and their columns.
///
/// Column ACLs depend on their table's ACL entry when it exists (pg_dump adds that dependency by
/// hand so column grants are applied after table grants); initial privileges come from
/// pg_init_privs, and the public schema's from its well-known initdb value.
extension DumpEmitter {
    func emitRelationACL(type: String, name: String, column: String? = nil, columnNumber: Int? = nil, namespace: String?,
                         owner: String, acl: String?, aclDefault: String?, parent: Int, catalogId: CatalogId) throws {
        var initPrivileges = initialPrivileges?.initPrivileges(for: catalogId, subid: columnNumber ?? 0)
        if type == "SCHEMA" && name == context.id("public") && initPrivileges == nil {
            initPrivileges = ACLCommands.publicSchemaInitPrivileges(owner: owner)
        }
        let extra = column != nil ? tableACLDumpIds[parent].map { [$0] } ?? [] : []
        let id = try emitACL(type: type, name: name, subname: column, namespace: namespace, owner: owner, acl: acl,
                             defaultACL: column != nil ? "{}" : aclDefault, initPrivileges: initPrivileges,
                             parent: parent, extraDependencies: extra)
        if column == nil, let id { tableACLDumpIds[parent] = id }
    }
}
