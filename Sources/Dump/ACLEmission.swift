import Archive
import Catalog
import DDL

extension DumpEmitter {
    /// pg_dump's dumpACL: one "ACL" TOC entry (section none, no catalog id) holding the
    /// REVOKE/GRANT commands that turn the object's starting privileges into its current ones.
    /// Returns the entry's dump id, or nil when no entry was needed (so callers can make column
    /// ACLs depend on the table's ACL only when there is one).
    ///
    /// Argument conventions (all names unquoted unless said otherwise):
    /// - `type`: the GRANT keyword. "TABLE" for tables, views, materialized views, foreign and
    ///   partitioned tables and for every column; "SEQUENCE"; "FUNCTION" for functions and
    ///   aggregates, "PROCEDURE" for procedures; "TYPE" for every type including domains;
    ///   "SCHEMA"; "LANGUAGE"; "FOREIGN DATA WRAPPER"; "FOREIGN SERVER"; "LARGE OBJECT";
    ///   "DATABASE".
    /// - `name`: the object's name exactly as GRANT prints it after the schema, already quoted:
    ///   `context.id(relname)`, `context.id(proname) + "(" + identity arguments + ")"` for
    ///   functions/procedures (pg_get_function_identity_arguments, e.g. "add(a integer, b
    ///   integer)"), the aggregate signature ("sum_sq(integer)", "agg(*)") for aggregates, the
    ///   OID's decimal text for large objects.
    /// - `subname`: for a column ACL, `context.id(attname)`; nil otherwise.
    /// - `tag`: the TOC tag. Leave nil for the standard one: "\(type) \(name)", or
    ///   "COLUMN \(name).\(subname)" for columns. pg_dump 17+ passes "LARGE OBJECTS a..b" for a
    ///   group of large objects (name is then the first OID).
    /// - `namespace`: the schema the object lives in (tables, columns, sequences, functions,
    ///   types); nil for schemas, languages, FDWs, servers, large objects, databases.
    /// - `owner`: the owner's role name (a column's is its table's).
    /// - `acl`: the ACL column as text (relacl, attacl, proacl, typacl, nspacl, lanacl, fdwacl,
    ///   srvacl, lomacl); nil when it is SQL NULL.
    /// - `defaultACL`: `acldefault(<kind>, owner)` as text: 'r' tables (all relkinds but
    ///   sequences), 's' sequences, 'f' functions/aggregates/procedures, 'T' types, 'n' schemas,
    ///   'l' languages, 'F' FDWs, 'S' servers, 'L' large objects; "{}" for columns.
    /// - `initPrivileges`: pg_init_privs.initprivs for the object (objsubid 0, or the column's
    ///   attnum for columns), nil if none. For the public schema pass
    ///   `ACLCommands.publicSchemaInitPrivileges(owner:)` instead of pg_init_privs' value.
    /// - `parent`: the dump id of the object's own entry (the ACL depends on it).
    /// - `extraDependencies`: for column ACLs, the table ACL's dump id when that entry exists
    ///   (pg_dump's altDumpId: the table-level grant must be restored before the columns').
    ///
    /// Like pg_dump, nothing is emitted when `acl` is nil (the object has its default
    /// privileges) except for columns and the public schema, whose starting ACL then comes from
    /// `initPrivileges`. The caller still decides whether the object's ACL component is dumped
    /// at all (selection, extension membership); `--no-privileges` and data-only dumps are
    /// handled here (data-only keeps large-object ACLs, as pg_dump does).
    @discardableResult
    public func emitACL(type: String, name: String, subname: String?, tag: String? = nil, namespace: String?,
                        owner: String?, acl: String?, defaultACL: String?, initPrivileges: String?, parent: Int,
                        extraDependencies: [Int] = []) throws -> Int? {
        if context.noPrivileges { return nil }
        if context.dataOnly && type != "LARGE OBJECT" { return nil }
        let isPublicSchema = type == "SCHEMA" && name == context.id("public")
        if acl == nil && !(initPrivileges != nil && (subname != nil || isPublicSchema)) { return nil }

        // Start from the initial privileges when there are some, else from the type's default;
        // a NULL ACL then stands for that default (dumpACL).
        let base: String?
        var current = acl
        if let initPrivileges, !initPrivileges.isEmpty {
            base = initPrivileges
            if current?.isEmpty ?? true { current = defaultACL }
        } else {
            base = defaultACL
        }
        let sql = try ACLCommands.build(name: name, subname: subname, namespace: namespace, type: type,
                                        acls: current, baseACLs: base, owner: owner, context: context)
        guard !sql.isEmpty else { return nil }
        let entryTag = tag ?? (subname.map { "COLUMN \(name).\($0)" } ?? "\(type) \(name)")
        return entry(desc: "ACL", tag: entryTag, namespace: namespace, owner: owner, section: .none,
                     definition: sql, dependencies: [parent] + extraDependencies)
    }
}
