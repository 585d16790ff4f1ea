import Catalog

/// dumpTSParser, dumpTSTemplate, dumpTSDictionary and dumpTSConfig.
public enum TextSearchDDL {
    public static func parser(_ p: TSParserRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.qualified(p.schema, p.name)
        var q = "CREATE TEXT SEARCH PARSER \(name) (\n"
        q += "    START = \(p.start),\n    GETTOKEN = \(p.getToken),\n    END = \(p.end),\n"
        if let h = p.headline { q += "    HEADLINE = \(h),\n" }
        q += "    LEXTYPES = \(p.lexTypes) );\n"
        return ObjectDDL(tag: p.name, create: q, drop: "DROP TEXT SEARCH PARSER \(name);\n", commentName: ctx.id(p.name))
    }

    public static func template(_ t: TSTemplateRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.qualified(t.schema, t.name)
        var q = "CREATE TEXT SEARCH TEMPLATE \(name) (\n"
        if let i = t.initFunction { q += "    INIT = \(i),\n" }
        q += "    LEXIZE = \(t.lexize) );\n"
        return ObjectDDL(tag: t.name, create: q, drop: "DROP TEXT SEARCH TEMPLATE \(name);\n", commentName: ctx.id(t.name))
    }

    public static func dictionary(_ d: TSDictionaryRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.qualified(d.schema, d.name)
        var q = "CREATE TEXT SEARCH DICTIONARY \(name) (\n    TEMPLATE = \(ctx.id(d.templateSchema)).\(ctx.id(d.templateName))"
        if let o = d.initOption { q += ",\n    \(o)" }
        q += " );\n"
        return ObjectDDL(tag: d.name, create: q, drop: "DROP TEXT SEARCH DICTIONARY \(name);\n", commentName: ctx.id(d.name))
    }

    public static func configuration(_ c: TSConfigRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.qualified(c.schema, c.name)
        var q = "CREATE TEXT SEARCH CONFIGURATION \(name) (\n    PARSER = \(ctx.id(c.parserSchema)).\(ctx.id(c.parserName)) );\n"
        for (i, m) in c.mappings.enumerated() {
            if i > 0 { q += ";\n" }
            q += "\nALTER TEXT SEARCH CONFIGURATION \(name)\n    ADD MAPPING FOR \(ctx.id(m.tokenName)) WITH \(m.dictionaries.joined(separator: ", "))"
        }
        if !c.mappings.isEmpty { q += ";\n" }
        return ObjectDDL(tag: c.name, create: q, drop: "DROP TEXT SEARCH CONFIGURATION \(name);\n", commentName: ctx.id(c.name))
    }
}
