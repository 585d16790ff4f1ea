import Archive
import Catalog
import DDL
import Postgres

/// Comments and security labels of every object, loaded with one query each (pg_dump's
/// collectComments / collectSecLabels), looked up by catalog id when objects are emitted.
public final class ObjectMetadata {
    public struct Key: Hashable { public var id: CatalogId; public var subid: Int }
    /// Comments of each object with their sub-object ids (column numbers), in subid order; an
    /// object's own comment has subid 0.
    private var commentsByObject: [CatalogId: [(subid: Int, text: String)]] = [:]
    private var labels: [Key: [(provider: String, label: String)]] = [:]

    public init() {}

    public static func load(connection: Connection) throws -> ObjectMetadata {
        let m = ObjectMetadata()
        let rows = try connection.query("""
            SELECT description, classoid, objoid, objsubid FROM pg_catalog.pg_description
            ORDER BY classoid, objoid, objsubid
            """)
        for r in rows {
            guard let d = r[0], let c = r[1].flatMap({ UInt32($0) }), let o = r[2].flatMap({ UInt32($0) }),
                  let s = r[3].flatMap({ Int($0) }) else { continue }
            m.commentsByObject[CatalogId(tableOid: c, oid: o), default: []].append((s, d))
        }
        let sl = try connection.query("""
            SELECT label, provider, classoid, objoid, objsubid FROM pg_catalog.pg_seclabel
            ORDER BY classoid, objoid, objsubid, provider
            """)
        for r in sl {
            guard let l = r[0], let p = r[1], let c = r[2].flatMap({ UInt32($0) }), let o = r[3].flatMap({ UInt32($0) }),
                  let s = r[4].flatMap({ Int($0) }) else { continue }
            m.labels[Key(id: CatalogId(tableOid: c, oid: o), subid: s), default: []].append((p, l))
        }
        return m
    }

    public func comment(for id: CatalogId, subid: Int = 0) -> String? {
        commentsByObject[id]?.first { $0.subid == subid }?.text
    }

    /// All (subid, comment) pairs of an object, sorted by subid (for column comments).
    public func comments(for id: CatalogId) -> [(subid: Int, text: String)] {
        commentsByObject[id] ?? []
    }

    public func securityLabels(for id: CatalogId, subid: Int = 0) -> [(provider: String, label: String)] {
        labels[Key(id: id, subid: subid)] ?? []
    }
}

extension DumpEmitter {
    /// pg_dump's dumpComment / dumpCommentExtended: a COMMENT entry depending on `parent`.
    /// `name` is already quoted as the COMMENT command needs it ("public.t", "FUNCTION f(integer)"
    /// style names without the type keyword: the type goes in `type`).
    public func emitComment(_ metadata: ObjectMetadata, type: String, name: String, namespace: String?, owner: String?,
                            catalogId: CatalogId, subid: Int = 0, parent: Int, initdbComment: String? = nil) {
        if context.noComments { return }
        if type == "LARGE OBJECT" { if context.schemaOnly { return } } else if context.dataOnly { return }
        var text = metadata.comment(for: catalogId, subid: subid)
        if let initdb = initdbComment {
            // initdb's own comment is not dumped; a removed one is dumped as an empty comment.
            if text == nil { text = "" } else if text == initdb { text = nil }
        }
        guard let text else { return }
        var sql = "COMMENT ON \(type) "
        if let ns = namespace, !ns.isEmpty { sql += context.id(ns) + "." }
        sql += "\(name) IS \(context.literal(text));\n"
        entry(desc: "COMMENT", tag: "\(type) \(name)", namespace: namespace, owner: owner, section: .none,
              definition: sql, dependencies: [parent])
    }

    /// pg_dump's dumpSecLabel: one SECURITY LABEL entry holding every provider's label.
    public func emitSecurityLabels(_ metadata: ObjectMetadata, type: String, name: String, namespace: String?,
                                   owner: String?, catalogId: CatalogId, subid: Int = 0, parent: Int) {
        if context.noSecurityLabels { return }
        if type == "LARGE OBJECT" { if context.schemaOnly { return } } else if context.dataOnly { return }
        let labels = metadata.securityLabels(for: catalogId, subid: subid)
        guard !labels.isEmpty else { return }
        var sql = ""
        for (provider, label) in labels {
            sql += "SECURITY LABEL FOR \(context.id(provider)) ON \(type) "
            if let ns = namespace, !ns.isEmpty { sql += context.id(ns) + "." }
            sql += "\(name) IS \(context.literal(label));\n"
        }
        entry(desc: "SECURITY LABEL", tag: "\(type) \(name)", namespace: namespace, owner: owner, section: .none,
              definition: sql, dependencies: [parent])
    }
}
