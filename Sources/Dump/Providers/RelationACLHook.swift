import Catalog

/// ACL-HOOK: where relation providers hand their privileges to the ACL emitter.
///
/// The ACL engineer's `emitACL` (pg_dump's dumpACL: GRANT/REVOKE entries, desc "ACL", depending
/// on the object and placed after its comments) is not in this branch. Each object kind calls
/// this function exactly once per object, in pg_dump's place for dumpACL:
/// - schemas (dumpNamespace: type "SCHEMA", name fmtId(schema), namespace nil),
/// - tables, views, materialized views, foreign tables and sequences (dumpTable: type "TABLE"
///   for all of them, as pg_dump passes "TABLE" for sequences too, name fmtId(rel)),
/// - columns (dumpTable's column loop: type "TABLE", name "rel(col)" style "tab.col"; the
///   column ACLs need `pg_attribute.attacl`, which the column query does not fetch yet).
/// When emitACL lands, forward to it here; nothing else changes.
extension DumpEmitter {
    func emitRelationACL(type: String, name: String, namespace: String?, owner: String, acl: String?,
                         parent: Int, catalogId: CatalogId) {
        // Intentionally empty until emitACL is merged.
        _ = (type, name, namespace, owner, acl, parent, catalogId)
    }
}
