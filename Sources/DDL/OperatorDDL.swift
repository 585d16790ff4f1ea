import Catalog

/// dumpOpr, dumpOpclass, dumpOpfamily, dumpCollation and dumpConversion.
public enum OperatorDDL {
    /// convertRegProcReference: a regprocedure text without its argument list; nil for "-".
    public static func regprocReference(_ proc: String) -> String? {
        if proc == "-" { return nil }
        var inQuote = false
        var result = ""
        for ch in proc {
            if ch == "(" && !inQuote { break }
            if ch == "\"" { inQuote.toggle() }
            result.append(ch)
        }
        return result
    }

    /// The operator's identity "name (left, right)" with NONE for a missing side (COMMENT and DROP).
    public static func identity(_ o: OperatorRow) -> String {
        let left = (o.kind == "r" || o.kind == "b") ? o.left : "NONE"
        let right = (o.kind == "l" || o.kind == "b") ? o.right : "NONE"
        return "\(o.name) (\(left), \(right))"
    }

    /// nil when the operator has no function (pg_dump skips those).
    public static func `operator`(_ o: OperatorRow, _ ctx: RenderContext) -> ObjectDDL? {
        guard o.codeOid != 0 else { return nil }
        var d = ""
        if let f = regprocReference(o.code) { d += "    FUNCTION = \(f)" }
        if o.kind == "r" || o.kind == "b" { d += ",\n    LEFTARG = \(o.left)" }
        if o.kind == "l" || o.kind == "b" { d += ",\n    RIGHTARG = \(o.right)" }
        if let c = o.commutator { d += ",\n    COMMUTATOR = OPERATOR(\(ctx.id(c.schema)).\(c.name))" }
        if let n = o.negator { d += ",\n    NEGATOR = OPERATOR(\(ctx.id(n.schema)).\(n.name))" }
        if o.canMerge { d += ",\n    MERGES" }
        if o.canHash { d += ",\n    HASHES" }
        if let r = regprocReference(o.restrict) { d += ",\n    RESTRICT = \(r)" }
        if let j = regprocReference(o.join) { d += ",\n    JOIN = \(j)" }
        let schema = ctx.id(o.schema)
        return ObjectDDL(tag: o.name, create: "CREATE OPERATOR \(schema).\(o.name) (\n\(d)\n);\n",
                         drop: "DROP OPERATOR \(schema).\(identity(o));\n", commentName: identity(o))
    }

    static func memberList(_ members: [OperatorClassMember], functionsAlwaysTyped: Bool, _ ctx: RenderContext, needComma: inout Bool) -> String {
        var q = ""
        for m in members where m.kind == .operator {
            if needComma { q += " ,\n    " }
            q += "OPERATOR \(m.number) \(m.object)"
            if let f = m.sortFamily { q += " FOR ORDER BY \(ctx.id(f.schema)).\(ctx.id(f.name))" }
            needComma = true
        }
        for m in members where m.kind == .function {
            if needComma { q += " ,\n    " }
            q += "FUNCTION \(m.number)"
            if functionsAlwaysTyped || (!m.leftType.isEmpty && !m.rightType.isEmpty) { q += " (\(m.leftType), \(m.rightType))" }
            q += " \(m.object)"
            needComma = true
        }
        return q
    }

    public static func operatorClass(_ c: OperatorClassRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.qualified(c.schema, c.name), am = ctx.id(c.accessMethod)
        var q = "CREATE OPERATOR CLASS \(name)\n    "
        if c.isDefault { q += "DEFAULT " }
        q += "FOR TYPE \(c.inputType) USING \(am)"
        if let fname = c.familyName, !fname.isEmpty { q += " FAMILY \(ctx.id(c.familySchema ?? "")).\(ctx.id(fname))" }
        q += " AS\n    "
        var needComma = false
        if c.keyType != "-" {
            q += "STORAGE \(c.keyType)"
            needComma = true
        }
        q += memberList(c.members, functionsAlwaysTyped: false, ctx, needComma: &needComma)
        if !needComma { q += "STORAGE \(c.inputType)" }
        q += ";\n"
        let nameUsing = "\(ctx.id(c.name)) USING \(am)"
        return ObjectDDL(tag: c.name, create: q, drop: "DROP OPERATOR CLASS \(name) USING \(am);\n", commentName: nameUsing)
    }

    public static func operatorFamily(_ f: OperatorFamilyRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.qualified(f.schema, f.name), am = ctx.id(f.accessMethod)
        var q = "CREATE OPERATOR FAMILY \(name) USING \(am);\n"
        if !f.members.isEmpty {
            q += "ALTER OPERATOR FAMILY \(name) USING \(am) ADD\n    "
            var needComma = false
            q += memberList(f.members, functionsAlwaysTyped: true, ctx, needComma: &needComma)
            q += ";\n"
        }
        return ObjectDDL(tag: f.name, create: q, drop: "DROP OPERATOR FAMILY \(name) USING \(am);\n",
                         commentName: "\(ctx.id(f.name)) USING \(am)")
    }

    public static func collation(_ c: CollationRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.qualified(c.schema, c.name)
        var q = "CREATE COLLATION \(name) (provider = "
        switch c.provider {
        case "c": q += "libc"
        case "i": q += "icu"
        case "b": q += "builtin"
        default: q += "default"
        }
        if !c.deterministic { q += ", deterministic = false" }
        switch c.provider {
        case "i":
            if ctx.serverVersion >= 150000 {
                q += ", locale = " + ctx.literal(c.locale ?? "")
            } else {
                q += ", locale = " + ctx.literal(c.collate ?? "")
            }
            if let rules = c.icuRules { q += ", rules = " + ctx.literal(rules) }
        case "b":
            q += ", locale = " + ctx.literal(c.locale ?? "")
        case "c":
            if let collate = c.collate, let ctype = c.ctype, collate == ctype {
                q += ", locale = " + ctx.literal(collate)
            } else {
                q += ", lc_collate = " + ctx.literal(c.collate ?? "") + ", lc_ctype = " + ctx.literal(c.ctype ?? "")
            }
        default: break
        }
        // collversion is written only by binary upgrades.
        q += ");\n"
        return ObjectDDL(tag: c.name, create: q, drop: "DROP COLLATION \(name);\n", commentName: ctx.id(c.name))
    }

    public static func conversion(_ c: ConversionRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.qualified(c.schema, c.name)
        let q = "CREATE \(c.isDefault ? "DEFAULT " : "")CONVERSION \(name) FOR \(ctx.literal(c.forEncoding)) TO \(ctx.literal(c.toEncoding)) FROM \(c.function);\n"
        return ObjectDDL(tag: c.name, create: q, drop: "DROP CONVERSION \(name);\n", commentName: ctx.id(c.name))
    }
}
