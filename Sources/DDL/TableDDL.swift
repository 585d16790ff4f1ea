import Catalog

/// A relation with what dumpTableSchema needs beyond its pg_class row: its columns with the
/// defaults printed inline, its CHECK constraints and its parents (flagInhTables/flagInhAttrs).
public struct TableModel: Sendable {
    public var relation: RelationRow
    public var columns: [ColumnModel] = []
    public var checks: [CheckModel] = []
    /// INHERITS parents (schema, name), in inhseqno order.
    public var parents: [(schema: String, name: String)] = []
    /// A view whose real definition is postponed (a dependency loop): CREATE VIEW AS SELECT NULL...
    public var dummyView = false

    public init(relation: RelationRow) { self.relation = relation }
}

public struct ColumnModel: Sendable {
    public var column: ColumnRow
    /// The default or generation expression printed inside CREATE TABLE (nil when none, or
    /// when it is dumped as a separate DEFAULT entry).
    public var inlineDefault: String?
    /// pg_dump's inhNotNull: some parent has the column NOT NULL.
    public var inheritedNotNull = false
    public init(column: ColumnRow) { self.column = column }
}

public struct CheckModel: Sendable {
    public var check: CheckConstraintRow
    /// Dumped as its own CHECK CONSTRAINT entry (NOT VALID, or split out of a dependency loop).
    public var separate: Bool
    public init(check: CheckConstraintRow, separate: Bool) {
        self.check = check
        self.separate = separate
    }
}

/// dumpTableSchema for tables, partitioned tables, foreign tables, views and materialized views.
public enum TableDDL {
    /// The TOC desc: TABLE, VIEW, MATERIALIZED VIEW or FOREIGN TABLE.
    public static func typeName(_ kind: Relkind) -> String {
        switch kind {
        case .view: return "VIEW"
        case .materializedView: return "MATERIALIZED VIEW"
        case .foreignTable: return "FOREIGN TABLE"
        default: return "TABLE"
        }
    }

    /// shouldPrintColumn (without binary upgrade).
    public static func printsColumn(_ c: ColumnRow, of t: RelationRow) -> Bool {
        !c.isDropped && (c.isLocal || t.isPartition)
    }

    /// pg_get_viewdef's text without its trailing semicolon (createViewAsClause).
    public static func viewAsClause(_ t: RelationRow) -> String {
        var def = t.viewDefinition ?? ""
        if def.hasSuffix(";") { def.removeLast() }
        return def
    }

    /// createDummyViewAsClause.
    public static func dummyViewAsClause(_ m: TableModel, _ ctx: RenderContext) -> String {
        var s = "SELECT"
        for (j, c) in m.columns.enumerated() {
            if j > 0 { s += "," }
            s += "\n    NULL::\(c.column.typeName)"
            if let cn = c.column.collationName { s += " COLLATE \(ctx.qualified(c.column.collationSchema, cn))" }
            s += " AS \(ctx.id(c.column.name))"
        }
        return s
    }

    public static func render(_ m: TableModel, _ ctx: RenderContext) -> (create: String, drop: String) {
        let t = m.relation
        let qualified = ctx.qualified(t.namespace, t.name)
        let reltype = typeName(t.relkind)
        var q = ""
        if t.relkind == .view {
            q = "CREATE VIEW \(qualified)"
            let body: String
            if m.dummyView {
                body = dummyViewAsClause(m, ctx)
            } else {
                if ctx.hasReloptions(t.reloptions) { q += " WITH (\(ctx.reloptions(t.reloptions)))" }
                body = viewAsClause(t)
            }
            q += " AS\n\(body)"
            if let co = t.checkOption, !m.dummyView { q += "\n  WITH \(co) CHECK OPTION" }
            q += ";\n"
            return (q, "DROP VIEW \(qualified);\n")
        }

        let foreign = t.relkind == .foreignTable ? "FOREIGN " : ""
        q = "CREATE \(t.persistence == "u" ? "UNLOGGED " : "")\(reltype) \(qualified)"
        if let of = t.ofType { q += " OF \(of)" }
        if t.relkind != .materializedView {
            var count = 0
            for c in m.columns {
                let col = c.column
                guard printsColumn(col, of: t) else {
                    // pg_dump 18: a column created by inheritance with a local NOT NULL constraint
                    // gets a table-level "NOT NULL col" in its place.
                    if let clause = inheritedColumnNotNull(col, t, ctx) {
                        q += count == 0 ? " (" : ","
                        q += "\n    " + clause
                        count += 1
                    }
                    continue
                }
                let printDefault = c.inlineDefault != nil
                let notNull = notNullClause(c, t, ctx)
                if t.ofType != nil && !printDefault && notNull == nil { continue }
                q += count == 0 ? " (" : ","
                q += "\n    "
                count += 1
                q += ctx.id(col.name)
                if t.ofType == nil { q += " \(col.typeName)" }
                if let d = c.inlineDefault {
                    switch col.generated {
                    case "s": q += " GENERATED ALWAYS AS (\(d)) STORED"
                    case "v": q += " GENERATED ALWAYS AS (\(d))"
                    default: q += " DEFAULT \(d)"
                    }
                }
                if let notNull { q += notNull }
                if let cn = col.collationName { q += " COLLATE \(ctx.qualified(col.collationSchema, cn))" }
            }
            for k in m.checks where !k.separate && (k.check.isLocal || t.isPartition) {
                q += count == 0 ? " (\n    " : ",\n    "
                q += "CONSTRAINT \(ctx.id(k.check.name)) \(k.check.definition)"
                count += 1
            }
            if count > 0 {
                q += "\n)"
            } else if t.ofType == nil {
                q += " (\n)"
            }
            if !m.parents.isEmpty && !t.isPartition {
                q += "\nINHERITS (" + m.parents.map { ctx.qualified($0.schema, $0.name) }.joined(separator: ", ") + ")"
            }
            if t.relkind == .partitionedTable, let key = t.partitionKey { q += "\nPARTITION BY \(key)" }
            if t.relkind == .foreignTable, let server = t.foreignServer { q += "\nSERVER \(ctx.id(server))" }
        }
        if ctx.hasReloptions(t.reloptions) || ctx.hasReloptions(t.toastReloptions) {
            var parts: [String] = []
            if ctx.hasReloptions(t.reloptions) { parts.append(ctx.reloptions(t.reloptions)) }
            if ctx.hasReloptions(t.toastReloptions) { parts.append(ctx.reloptions(t.toastReloptions, prefix: "toast.")) }
            q += "\nWITH (" + parts.joined(separator: ", ") + ")"
        }
        if let o = t.foreignOptions, !o.isEmpty { q += "\nOPTIONS (\n    \(o)\n)" }
        if t.relkind == .materializedView {
            q += " AS\n\(viewAsClause(t))\n  WITH NO DATA;\n"
        } else {
            q += ";\n"
        }
        q += columnProperties(m, foreign: foreign, qualified: qualified, ctx)
        if [.table, .partitionedTable, .materializedView].contains(t.relkind) {
            switch t.replicaIdentity {
            case "n": q += "\nALTER TABLE ONLY \(qualified) REPLICA IDENTITY NOTHING;\n"
            case "f": q += "\nALTER TABLE ONLY \(qualified) REPLICA IDENTITY FULL;\n"
            default: break
            }
        }
        if t.forceRowSecurity { q += "\nALTER TABLE ONLY \(qualified) FORCE ROW LEVEL SECURITY;\n" }
        return (q, "DROP \(reltype) \(qualified);\n")
    }

    /// " NOT NULL" (or " CONSTRAINT name NOT NULL" from pg_dump 18 on servers that name them),
    /// nil when the column's NOT NULL is not printed in CREATE TABLE.
    static func notNullClause(_ c: ColumnModel, _ t: RelationRow, _ ctx: RenderContext) -> String? {
        let col = c.column
        guard col.notNull else { return nil }
        if usesNamedNotNull(col, ctx), let name = col.notNullName {
            // A NOT VALID one is dumped after the data (separateNotNull).
            guard col.notNullValid, col.notNullIsLocal || t.isPartition else { return nil }
            var s = name == "\(t.name)_\(col.name)_not_null" ? " NOT NULL" : " CONSTRAINT \(ctx.id(name)) NOT NULL"
            if col.notNullNoInherit { s += " NO INHERIT" }
            return s
        }
        guard !c.inheritedNotNull || t.isPartition else { return nil }
        return " NOT NULL"
    }

    static func usesNamedNotNull(_ col: ColumnRow, _ ctx: RenderContext) -> Bool {
        ctx.pgDumpMajor >= 18 && col.notNullName != nil
    }

    static func inheritedColumnNotNull(_ col: ColumnRow, _ t: RelationRow, _ ctx: RenderContext) -> String? {
        guard usesNamedNotNull(col, ctx), !col.isDropped, col.notNull, col.notNullIsLocal, col.notNullValid,
              let name = col.notNullName else { return nil }
        var s = name == "\(t.name)_\(col.name)_not_null" ? "NOT NULL \(ctx.id(col.name))"
            : "CONSTRAINT \(ctx.id(name)) NOT NULL \(ctx.id(col.name))"
        if col.notNullNoInherit { s += " NO INHERIT" }
        return s
    }

    /// The ALTER TABLE commands after CREATE for per-column properties CREATE cannot express.
    static func columnProperties(_ m: TableModel, foreign: String, qualified: String, _ ctx: RenderContext) -> String {
        let t = m.relation
        var q = ""
        for c in m.columns where !c.column.isDropped {
            let col = c.column
            let name = ctx.id(col.name)
            if !printsColumn(col, of: t) && col.notNull && !c.inheritedNotNull && !usesNamedNotNull(col, ctx) {
                q += "ALTER \(foreign)TABLE ONLY \(qualified) ALTER COLUMN \(name) SET NOT NULL;\n"
            }
            if col.statisticsTarget >= 0 {
                q += "ALTER \(foreign)TABLE ONLY \(qualified) ALTER COLUMN \(name) SET STATISTICS \(col.statisticsTarget);\n"
            }
            if col.storage != col.typeStorage {
                let storage: String?
                switch col.storage {
                case "p": storage = "PLAIN"
                case "e": storage = "EXTERNAL"
                case "x": storage = "EXTENDED"
                case "m": storage = "MAIN"
                default: storage = nil
                }
                if let storage { q += "ALTER \(foreign)TABLE ONLY \(qualified) ALTER COLUMN \(name) SET STORAGE \(storage);\n" }
            }
            if !ctx.noToastCompression {
                let method: String? = col.compression == "p" ? "pglz" : col.compression == "l" ? "lz4" : nil
                if let method { q += "ALTER \(foreign)TABLE ONLY \(qualified) ALTER COLUMN \(name) SET COMPRESSION \(method);\n" }
            }
            if !col.options.isEmpty {
                q += "ALTER \(foreign)TABLE ONLY \(qualified) ALTER COLUMN \(name) SET (\(col.options));\n"
            }
            if t.relkind == .foreignTable && !col.fdwOptions.isEmpty {
                // pg_dump 17 added ONLY here.
                let only = ctx.pgDumpMajor >= 17 ? "ONLY " : ""
                q += "ALTER FOREIGN TABLE \(only)\(qualified) ALTER COLUMN \(name) OPTIONS (\n    \(col.fdwOptions)\n);\n"
            }
        }
        return q
    }

    /// dumpAttrDef for a default dumped separately: (create, drop, tag).
    public static func separateDefault(table t: RelationRow, column: String, expression: String,
                                       _ ctx: RenderContext) -> (create: String, drop: String) {
        let foreign = t.relkind == .foreignTable ? "FOREIGN " : ""
        let qualified = ctx.qualified(t.namespace, t.name)
        return ("ALTER \(foreign)TABLE ONLY \(qualified) ALTER COLUMN \(ctx.id(column)) SET DEFAULT \(expression);\n",
                "ALTER \(foreign)TABLE \(qualified) ALTER COLUMN \(ctx.id(column)) DROP DEFAULT;\n")
    }

    /// dumpTableAttach.
    public static func attach(parent: (schema: String, name: String), partition: RelationRow, _ ctx: RenderContext) -> String {
        "ALTER TABLE ONLY \(ctx.qualified(parent.schema, parent.name)) ATTACH PARTITION "
            + "\(ctx.qualified(partition.namespace, partition.name)) \(partition.partitionBound ?? "");\n"
    }

    /// dumpConstraint for a CHECK constraint dumped separately (not ONLY: it must propagate).
    public static func separateCheck(table t: RelationRow, check: CheckConstraintRow, _ ctx: RenderContext) -> (create: String, drop: String) {
        let foreign = t.relkind == .foreignTable ? "FOREIGN " : ""
        let qualified = ctx.qualified(t.namespace, t.name)
        return ("ALTER \(foreign)TABLE \(qualified)\n    ADD CONSTRAINT \(ctx.id(check.name)) \(check.definition);\n",
                "ALTER \(foreign)TABLE \(qualified) DROP CONSTRAINT \(ctx.id(check.name));\n")
    }

    /// pg_dump 18: a NOT VALID not-null constraint, added after the data like a NOT VALID CHECK.
    public static func separateNotNull(table t: RelationRow, column: ColumnRow, _ ctx: RenderContext) -> (create: String, drop: String) {
        let foreign = t.relkind == .foreignTable ? "FOREIGN " : ""
        let qualified = ctx.qualified(t.namespace, t.name)
        let name = ctx.id(column.notNullName ?? "")
        return ("ALTER \(foreign)TABLE \(qualified)\n    ADD CONSTRAINT \(name) NOT NULL \(ctx.id(column.name)) NOT VALID;\n",
                "ALTER \(foreign)TABLE \(qualified) DROP CONSTRAINT \(name);\n")
    }

    /// refreshMatViewData.
    public static func refreshMaterializedView(_ t: RelationRow, _ ctx: RenderContext) -> String {
        "REFRESH MATERIALIZED VIEW \(ctx.qualified(t.namespace, t.name));\n"
    }
}
