import Catalog

/// dumpSequence and dumpSequenceData.
public enum SequenceDDL {
    /// The column an identity sequence belongs to.
    public struct IdentityOwner: Sendable {
        public var table: RelationRow
        public var column: String
        /// 'a' ALWAYS, 'd' BY DEFAULT.
        public var identity: Character
        public init(table: RelationRow, column: String, identity: Character) {
            self.table = table
            self.column = column
            self.identity = identity
        }
    }

    public static func render(_ s: RelationRow, _ seq: SequenceRow, identity: IdentityOwner?,
                              _ ctx: RenderContext) -> (create: String, drop: String) {
        let qualified = ctx.qualified(s.namespace, s.name)
        let ascending = !seq.increment.hasPrefix("-")
        let (defaultMin, defaultMax): (String, String)
        switch seq.typeName {
        case "smallint": (defaultMin, defaultMax) = ascending ? ("1", "32767") : ("-32768", "-1")
        case "integer": (defaultMin, defaultMax) = ascending ? ("1", "2147483647") : ("-2147483648", "-1")
        default: (defaultMin, defaultMax) = ascending ? ("1", "9223372036854775807") : ("-9223372036854775808", "-1")
        }
        var q = ""
        if let owner = identity {
            q += "ALTER TABLE \(ctx.qualified(owner.table.namespace, owner.table.name)) "
            q += "ALTER COLUMN \(ctx.id(owner.column)) ADD GENERATED "
            q += owner.identity == "a" ? "ALWAYS" : owner.identity == "d" ? "BY DEFAULT" : ""
            q += " AS IDENTITY (\n    SEQUENCE NAME \(qualified)\n"
            if s.persistence != owner.table.persistence {
                q += "    \(s.persistence == "u" ? "UNLOGGED" : "LOGGED")\n"
            }
        } else {
            q += "CREATE \(s.persistence == "u" ? "UNLOGGED " : "")SEQUENCE \(qualified)\n"
            if seq.typeName != "bigint" { q += "    AS \(seq.typeName)\n" }
        }
        q += "    START WITH \(seq.start)\n"
        q += "    INCREMENT BY \(seq.increment)\n"
        q += seq.minimum == defaultMin ? "    NO MINVALUE\n" : "    MINVALUE \(seq.minimum)\n"
        q += seq.maximum == defaultMax ? "    NO MAXVALUE\n" : "    MAXVALUE \(seq.maximum)\n"
        q += "    CACHE \(seq.cache)\(seq.cycle ? "\n    CYCLE" : "")"
        q += identity != nil ? "\n);\n" : ";\n"
        return (q, identity != nil ? "" : "DROP SEQUENCE \(qualified);\n")
    }

    /// SEQUENCE OWNED BY (both live in the same schema, but pg_dump qualifies the table anyway).
    public static func ownedBy(_ s: RelationRow, table: RelationRow, column: String, _ ctx: RenderContext) -> String {
        "ALTER SEQUENCE \(ctx.qualified(s.namespace, s.name)) OWNED BY \(ctx.qualified(table.namespace, table.name)).\(ctx.id(column));\n"
    }

    /// SEQUENCE SET.
    public static func setValue(_ s: RelationRow, _ seq: SequenceRow, _ ctx: RenderContext) -> String {
        "SELECT pg_catalog.setval(\(ctx.literal(ctx.qualified(s.namespace, s.name))), \(seq.lastValue), \(seq.isCalled ? "true" : "false"));\n"
    }
}

/// dumpTableData's COPY statements.
public enum TableDataDDL {
    /// fmtCopyColumnList: "(a, b)" of the columns COPY carries (not dropped, not generated),
    /// "" when there are none.
    public static func columnList(_ columns: [ColumnRow], _ ctx: RenderContext) -> String {
        let names = columns.filter { !$0.isDropped && $0.generated == nil }.map { ctx.id($0.name) }
        return names.isEmpty ? "" : "(" + names.joined(separator: ", ") + ")"
    }

    /// The archive's copyStmt.
    public static func copyFrom(_ t: RelationRow, _ columns: [ColumnRow], _ ctx: RenderContext) -> String {
        "COPY \(ctx.qualified(t.namespace, t.name)) \(columnList(columns, ctx)) FROM stdin;\n"
    }

    /// The query the data is read with.
    public static func copyTo(_ t: RelationRow, _ columns: [ColumnRow], _ ctx: RenderContext) -> String {
        "COPY \(ctx.qualified(t.namespace, t.name)) \(columnList(columns, ctx)) TO stdout;"
    }
}
