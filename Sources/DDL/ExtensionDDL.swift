import Catalog

/// dumpExtension, dumpProcLang, dumpTransform, dumpAccessMethod and dumpCast.
public enum ExtensionDDL {
    public static func `extension`(_ e: ExtensionRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.id(e.name)
        return ObjectDDL(tag: e.name, create: "CREATE EXTENSION IF NOT EXISTS \(name) WITH SCHEMA \(ctx.id(e.schema));\n",
                         drop: "DROP EXTENSION \(name);\n", commentName: name)
    }

    /// `handler`, `inline`, `validator`: the qualified names of those functions when they are
    /// dumped (pg_dump only spells the parameters out when all that are set are dumped).
    public static func language(_ l: LanguageRow, handler: String?, inline: String?, validator: String?, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.id(l.name)
        let useParameters = handler != nil && (inline != nil || l.inline == 0) && (validator != nil || l.validator == 0)
        var q: String
        if useParameters, let handler {
            q = "CREATE \(l.trusted ? "TRUSTED " : "")PROCEDURAL LANGUAGE \(name) HANDLER \(handler)"
            if l.inline != 0, let inline { q += " INLINE \(inline)" }
            if l.validator != 0, let validator { q += " VALIDATOR \(validator)" }
        } else {
            q = "CREATE OR REPLACE PROCEDURAL LANGUAGE \(name)"
        }
        q += ";\n"
        return ObjectDDL(tag: l.name, create: q, drop: "DROP PROCEDURAL LANGUAGE \(name);\n", commentName: name)
    }

    public static func transform(_ t: TransformRow, fromSQL: FunctionSignature?, toSQL: FunctionSignature?, _ ctx: RenderContext) -> ObjectDDL {
        var q = "CREATE TRANSFORM FOR \(t.type) LANGUAGE \(t.language) ("
        if t.fromSQL != 0, let f = fromSQL { q += "FROM SQL WITH FUNCTION " + ctx.functionSignature(f) }
        if t.toSQL != 0 {
            if t.fromSQL != 0 { q += ", " }
            if let f = toSQL { q += "TO SQL WITH FUNCTION " + ctx.functionSignature(f) }
        }
        q += ");\n"
        return ObjectDDL(tag: "TRANSFORM FOR \(t.type) LANGUAGE \(t.language)", create: q,
                         drop: "DROP TRANSFORM FOR \(t.type) LANGUAGE \(t.language);\n",
                         commentName: "FOR \(t.type) LANGUAGE \(t.language)")
    }

    /// nil for access method types pg_dump does not know (it warns and skips them).
    public static func accessMethod(_ a: AccessMethodRow, _ ctx: RenderContext) -> ObjectDDL? {
        let name = ctx.id(a.name)
        let type: String
        switch a.type {
        case "i": type = "INDEX"
        case "t": type = "TABLE"
        default: return nil
        }
        return ObjectDDL(tag: a.name, create: "CREATE ACCESS METHOD \(name) TYPE \(type) HANDLER \(a.handler);\n",
                         drop: "DROP ACCESS METHOD \(name);\n", commentName: name)
    }

    public static func cast(_ c: CastRow, function: FunctionSignature?, _ ctx: RenderContext) -> ObjectDDL {
        var q = "CREATE CAST (\(c.source) AS \(c.target)) "
        switch c.method {
        case "b": q += "WITHOUT FUNCTION"
        case "i": q += "WITH INOUT"
        case "f": if let function { q += "WITH FUNCTION " + ctx.functionSignature(function) }
        default: break
        }
        if c.context == "a" { q += " AS ASSIGNMENT" } else if c.context == "i" { q += " AS IMPLICIT" }
        q += ";\n"
        let args = "(\(c.source) AS \(c.target))"
        return ObjectDDL(tag: "CAST \(args)", create: q, drop: "DROP CAST \(args);\n", commentName: args)
    }
}
