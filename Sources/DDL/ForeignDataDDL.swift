import Catalog

/// dumpForeignDataWrapper, dumpForeignServer and dumpUserMappings.
public enum ForeignDataDDL {
    public static func wrapper(_ w: ForeignDataWrapperRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.id(w.name)
        var q = "CREATE FOREIGN DATA WRAPPER \(name)"
        if w.handler != "-" { q += " HANDLER \(w.handler)" }
        if w.validator != "-" { q += " VALIDATOR \(w.validator)" }
        if !w.options.isEmpty { q += " OPTIONS (\n    \(w.options)\n)" }
        q += ";\n"
        return ObjectDDL(tag: w.name, create: q, drop: "DROP FOREIGN DATA WRAPPER \(name);\n", commentName: name)
    }

    public static func server(_ s: ForeignServerRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.id(s.name)
        var q = "CREATE SERVER \(name)"
        if let type = s.type, !type.isEmpty { q += " TYPE " + ctx.literal(type) }
        if let version = s.version, !version.isEmpty { q += " VERSION " + ctx.literal(version) }
        q += " FOREIGN DATA WRAPPER " + ctx.id(s.wrapperName)
        if !s.options.isEmpty { q += " OPTIONS (\n    \(s.options)\n)" }
        q += ";\n"
        return ObjectDDL(tag: s.name, create: q, drop: "DROP SERVER \(name);\n", commentName: name)
    }

    public static func userMapping(_ m: UserMappingRow, serverName: String, _ ctx: RenderContext) -> ObjectDDL {
        var q = "CREATE USER MAPPING FOR \(ctx.id(m.userName)) SERVER \(ctx.id(serverName))"
        if !m.options.isEmpty { q += " OPTIONS (\n    \(m.options)\n)" }
        q += ";\n"
        return ObjectDDL(tag: "USER MAPPING \(m.userName) SERVER \(serverName)", create: q,
                         drop: "DROP USER MAPPING FOR \(ctx.id(m.userName)) SERVER \(ctx.id(serverName));\n", commentName: "")
    }
}
