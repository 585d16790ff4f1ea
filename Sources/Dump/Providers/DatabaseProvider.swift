import Catalog
import DDL

/// The entries pg_dump writes before all others: ENCODING, STDSTRINGS, SEARCHPATH, then the
/// DATABASE entry (used by `pg_restore -C`) with its comment, ACL and DATABASE PROPERTIES.
public enum DatabaseEntries {
    public static func emit(_ emitter: DumpEmitter, database d: DatabaseRow, encoding: String, standardConformingStrings: Bool) throws {
        let ctx = emitter.context
        emitter.entry(desc: "ENCODING", tag: "ENCODING", section: .preData,
                      definition: "SET client_encoding = \(ctx.literal(encoding));\n")
        emitter.entry(desc: "STDSTRINGS", tag: "STDSTRINGS", section: .preData,
                      definition: "SET standard_conforming_strings = '\(standardConformingStrings ? "on" : "off")';\n")
        // The session's search_path is empty (set by DumpSession), so this is what pg_dump records.
        emitter.entry(desc: "SEARCHPATH", tag: "SEARCHPATH", section: .preData,
                      definition: "SELECT pg_catalog.set_config('search_path', '', false);\n")
        let dbId = emitter.entry(catalogId: d.id, desc: "DATABASE", tag: d.name, owner: d.owner, section: .preData,
                                 definition: DatabaseDDL.create(d, ctx), dropStatement: DatabaseDDL.drop(d, ctx))
        let q = ctx.id(d.name)
        if let comment = d.comment, !comment.isEmpty, !ctx.noComments {
            emitter.entry(desc: "COMMENT", tag: "DATABASE \(q)", owner: d.owner, section: .none,
                          definition: "COMMENT ON DATABASE \(q) IS \(ctx.literal(comment));\n", dependencies: [dbId])
        }
        try emitter.emitACL(type: "DATABASE", name: q, subname: nil, namespace: nil, owner: d.owner, acl: d.acl,
                            defaultACL: d.aclDefault, initPrivileges: nil, parent: dbId)
        let props = DatabaseDDL.properties(d, ctx)
        if !props.create.isEmpty {
            emitter.entry(desc: "DATABASE PROPERTIES", tag: d.name, owner: d.owner, section: .preData,
                          definition: props.create, dropStatement: props.drop, dependencies: [dbId])
        }
    }
}
