import Catalog
import Postgres

/// pg_dump's dumpDatabase / dumpDatabaseConfig / makeAlterConfigCommand, as pure functions.
public enum DatabaseDDL {
    public static func create(_ d: DatabaseRow, _ ctx: RenderContext) -> String {
        var s = "CREATE DATABASE \(ctx.id(d.name)) WITH TEMPLATE = template0"
        if !d.encoding.isEmpty { s += " ENCODING = \(ctx.literal(d.encoding))" }
        s += " LOCALE_PROVIDER = " + (d.localeProvider == "i" ? "icu" : d.localeProvider == "b" ? "builtin" : "libc")
        if !d.collate.isEmpty && d.collate == d.ctype {
            s += " LOCALE = \(ctx.literal(d.collate))"
        } else {
            if !d.collate.isEmpty { s += " LC_COLLATE = \(ctx.literal(d.collate))" }
            if !d.ctype.isEmpty { s += " LC_CTYPE = \(ctx.literal(d.ctype))" }
        }
        if let icu = d.iculocale {
            s += (d.localeProvider == "b" ? " BUILTIN_LOCALE = " : " ICU_LOCALE = ") + ctx.literal(icu)
        }
        if !d.tablespace.isEmpty && d.tablespace != "pg_default" && !ctx.noTablespaces {
            s += " TABLESPACE = \(ctx.id(d.tablespace))"
        }
        return s + ";\n"
    }

    public static func drop(_ d: DatabaseRow, _ ctx: RenderContext) -> String {
        "DROP DATABASE \(ctx.id(d.name));\n"
    }

    /// The DATABASE PROPERTIES entry: connection limit, template flag and settings.
    public static func properties(_ d: DatabaseRow, _ ctx: RenderContext) -> (create: String, drop: String) {
        var create = ""
        var drop = ""
        let q = ctx.id(d.name)
        if !d.connectionLimit.isEmpty && d.connectionLimit != "-1" {
            create += "ALTER DATABASE \(q) CONNECTION LIMIT = \(d.connectionLimit);\n"
        }
        if d.isTemplate {
            create += "ALTER DATABASE \(q) IS_TEMPLATE = true;\n"
            drop += "UPDATE pg_catalog.pg_database SET datistemplate = false WHERE datname = \(ctx.literal(d.name));\n"
        }
        for item in d.settings { create += alterConfig(item, type: "DATABASE", name: d.name, ctx) }
        for (role, item) in d.roleSettings {
            create += alterConfig(item, type: "ROLE", name: role, inType: "DATABASE", inName: d.name, ctx)
        }
        return (create, drop)
    }

    /// Settings whose values are lists of identifiers (GUC_LIST_QUOTE).
    static let listQuotedSettings: Set<String> = [
        "local_preload_libraries", "search_path", "session_preload_libraries", "shared_preload_libraries",
        "temp_tablespaces", "unix_socket_directories",
    ]

    /// makeAlterConfigCommand.
    public static func alterConfig(_ item: String, type: String, name: String, inType: String? = nil, inName: String? = nil,
                                   _ ctx: RenderContext) -> String {
        guard let eq = item.firstIndex(of: "=") else { return "" }
        let variable = String(item[..<eq])
        let value = String(item[item.index(after: eq)...])
        var s = "ALTER \(type) \(ctx.id(name)) "
        if let inType, let inName { s += "IN \(inType) \(ctx.id(inName)) " }
        s += "SET \(ctx.id(variable)) TO "
        if listQuotedSettings.contains(variable.lowercased()) {
            s += DDL.splitGUCList(value).map(connLiteral).joined(separator: ", ")
        } else {
            s += connLiteral(value)
        }
        return s + ";\n"
    }

    /// appendStringLiteralConn: E'' syntax when the value has a backslash.
    static func connLiteral(_ v: String) -> String {
        v.contains("\\") ? quoteLiteralEscapeSyntax(v) : quoteLiteral(v)
    }

}
