import Catalog

/// ACL-HOOK: where relation providers hand their privileges to the ACL emitter.
///
/// The ACL engineer's `emitACL` (pg_dump's dumpACL: GRANT/REVOKE entries, desc "ACL", depending
/// on the object and placed after its comments) is not in this branch. Each object kind calls
/// this function exactly once per object, in pg_dump's place for dumpACL:
/// - schemas (dumpNamespace: type "SCHEMA", name fmtId(schema), namespace nil),
/// - tables, views, materialized views, foreign tables and sequences (dumpTable: type "TABLE"
///   for all of them, as pg_dump passes "TABLE" for sequences too, name fmtId(rel)),
/// - columns with an attacl (dumpTable's column loop: type "TABLE", name fmtId(rel), subname
///   fmtId(col); pg_init_privs for columns is not read yet).
/// `acl` and `aclDefault` are the raw aclitem[] texts (relacl/nspacl/attacl and acldefault()).
/// When emitACL lands, forward to it here; nothing else changes.
extension DumpEmitter {
    func emitRelationACL(type: String, name: String, column: String? = nil, namespace: String?, owner: String,
                         acl: String?, aclDefault: String?, parent: Int, catalogId: CatalogId) {
        // Intentionally empty until emitACL is merged.
        _ = (type, name, column, namespace, owner, acl, aclDefault, parent, catalogId)
    }
}
