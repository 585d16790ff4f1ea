import Catalog
import Postgres

/// pg_dumpall's globals script (-g, -r, -t) as pure functions over `GlobalsCatalog`.
public enum GlobalsDDL {
    public struct Options: Sendable {
        public var rolesOnly = false
        public var tablespacesOnly = false
        public var noTablespaces = false
        public var noRolePasswords = false
        public var noComments = false
        public var noPrivileges = false
        public var noSecurityLabels = false
        public var restrictKey = ""
        public init() {}
    }

    /// Warnings pg_dumpall would print on stderr (orphaned memberships, unknown grantors).
    public struct RenderError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The whole script, as pg_dumpall -g/-r/-t prints it (without --clean).
    public static func script(_ g: GlobalsCatalog, _ o: Options, _ ctx: RenderContext,
                              warn: (String) -> Void = { _ in }) throws -> String {
        var s = "--\n-- PostgreSQL database cluster dump\n--\n\n"
        s += "\\restrict \(o.restrictKey)\n\n"
        s += "SET default_transaction_read_only = off;\n\n"
        s += "SET client_encoding = '\(g.clientEncoding)';\n"
        s += "SET standard_conforming_strings = \(g.standardConformingStrings);\n"
        if g.standardConformingStrings == "off" { s += "SET escape_string_warning = off;\n" }
        s += "\n"
        if !o.tablespacesOnly {
            s += roles(g, o, ctx)
            s += try memberships(g, ctx, warn: warn)
            if g.serverVersion >= 150000 && !o.noPrivileges { s += try parameterPrivileges(g, ctx) }
        }
        if !o.rolesOnly && !o.noTablespaces { s += try tablespaces(g, o, ctx) }
        s += "\\unrestrict \(o.restrictKey)\n\n"
        s += "--\n-- PostgreSQL database cluster dump complete\n--\n\n"
        return s
    }

    /// appendStringLiteralConn.
    static func literal(_ v: String, _ ctx: RenderContext) -> String {
        v.contains("\\") ? quoteLiteralEscapeSyntax(v) : quoteLiteral(v)
    }

    static func labels(_ list: [SecurityLabel], type: String, name: String, _ ctx: RenderContext) -> String {
        list.map { "SECURITY LABEL FOR \(ctx.id($0.provider)) ON \(type) \(ctx.id(name)) IS \(literal($0.label, ctx));\n" }.joined()
    }

    /// dumpRoles (with dumpUserConfig).
    public static func roles(_ g: GlobalsCatalog, _ o: Options, _ ctx: RenderContext) -> String {
        var s = ""
        if !g.roles.isEmpty { s += "--\n-- Roles\n--\n\n" }
        for r in g.roles {
            s += createRole(r, ctx) + alterRole(r, o, ctx) + roleComment(r, o, ctx) + roleLabels(r, o, ctx)
        }
        if !g.roles.isEmpty { s += "\n--\n-- User Configurations\n--\n" }
        for r in g.roles where !r.settings.isEmpty {
            s += "\n--\n-- User Config \"\(sanitizeLine(r.name, wantHyphen: true))\"\n--\n\n"
            s += roleSettings(r, ctx)
        }
        return s + "\n\n"
    }

    // One role's statements, each its own piece so that `dump --with-globals` can give each its
    // own archive entry (a failing CREATE ROLE must not take the ALTER ROLE with it).

    public static func createRole(_ r: RoleRow, _ ctx: RenderContext) -> String {
        "CREATE ROLE \(ctx.id(r.name));\n"
    }

    public static func alterRole(_ r: RoleRow, _ o: Options, _ ctx: RenderContext) -> String {
        var s = "ALTER ROLE \(ctx.id(r.name)) WITH"
        s += r.superuser ? " SUPERUSER" : " NOSUPERUSER"
        s += r.inherit ? " INHERIT" : " NOINHERIT"
        s += r.createRole ? " CREATEROLE" : " NOCREATEROLE"
        s += r.createDB ? " CREATEDB" : " NOCREATEDB"
        s += r.canLogin ? " LOGIN" : " NOLOGIN"
        s += r.replication ? " REPLICATION" : " NOREPLICATION"
        s += r.bypassRLS ? " BYPASSRLS" : " NOBYPASSRLS"
        if r.connectionLimit != "-1" { s += " CONNECTION LIMIT \(r.connectionLimit)" }
        if let pw = r.password, !o.noRolePasswords { s += " PASSWORD " + literal(pw, ctx) }
        if let v = r.validUntil { s += " VALID UNTIL '\(v)'" }
        return s + ";\n"
    }

    public static func roleComment(_ r: RoleRow, _ o: Options, _ ctx: RenderContext) -> String {
        guard !o.noComments, let c = r.comment else { return "" }
        return "COMMENT ON ROLE \(ctx.id(r.name)) IS \(literal(c, ctx));\n"
    }

    public static func roleLabels(_ r: RoleRow, _ o: Options, _ ctx: RenderContext) -> String {
        o.noSecurityLabels ? "" : labels(r.securityLabels, type: "ROLE", name: r.name, ctx)
    }

    /// ALTER ROLE ... SET for each per-role setting (dumpUserConfig).
    public static func roleSettings(_ r: RoleRow, _ ctx: RenderContext) -> String {
        r.settings.map { DatabaseDDL.alterConfig($0, type: "ROLE", name: r.name, ctx) }.joined()
    }

    /// sanitize_line: newlines become spaces (the hyphen is only for a NULL name).
    static func sanitizeLine(_ s: String, wantHyphen: Bool) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars { out.append(c == "\n" || c == "\r" ? " " : c) }
        return String(out)
    }

    /// One GRANT of a role membership, in pg_dumpall's order.
    public struct MembershipGrant: Sendable, Equatable {
        public var role: String
        public var member: String
        public var grantor: String?
        public var statement: String
    }

    /// dumpRoleMembership's section of the script.
    public static func memberships(_ g: GlobalsCatalog, _ ctx: RenderContext, warn: (String) -> Void = { _ in }) throws -> String {
        var s = g.memberships.isEmpty ? "" : "--\n-- Role memberships\n--\n\n"
        for grant in try membershipGrants(g, ctx, warn: warn) { s += grant.statement }
        return s + "\n\n"
    }

    /// dumpRoleMembership: 15's single pass, or 16+'s per-role passes that emit a grant only
    /// once its grantor holds ADMIN OPTION (or is the bootstrap superuser).
    public static func membershipGrants(_ g: GlobalsCatalog, _ ctx: RenderContext,
                                        warn: (String) -> Void = { _ in }) throws -> [MembershipGrant] {
        let rows = g.memberships
        var grants: [MembershipGrant] = []
        if g.serverVersion < 160000 {
            for r in rows {
                guard let role = r.role else { warn("found orphaned pg_auth_members entry for role \(r.roleId)"); continue }
                guard let member = r.member else { warn("found orphaned pg_auth_members entry for role \(r.memberId)"); continue }
                var s = "GRANT \(ctx.id(role)) TO \(ctx.id(member))"
                if r.adminOption { s += " WITH ADMIN OPTION" }
                if let grantor = r.grantor { s += " GRANTED BY \(ctx.id(grantor))" }
                grants.append(MembershipGrant(role: role, member: member, grantor: r.grantor, statement: s + ";\n"))
            }
            return grants
        }
        var start = 0
        while start < rows.count {
            guard let role = rows[start].role else {
                warn("ignoring role grant for missing role with OID \(rows[start].roleId)")
                break
            }
            var end = start
            while end < rows.count, rows[end].role == role { end += 1 }
            var done = [Bool](repeating: false, count: end - start)
            var remaining = end - start
            var prevRemaining = 0
            var admins = Set<String>()
            while remaining > 0 {
                if remaining == prevRemaining {
                    throw RenderError(description: "could not find a legal dump ordering for memberships in role \"\(role)\"")
                }
                prevRemaining = remaining
                for i in start..<end where !done[i - start] {
                    let r = rows[i]
                    guard let member = r.member else {
                        warn("ignoring role grant to missing role with OID \(r.memberId)")
                        done[i - start] = true
                        remaining -= 1
                        continue
                    }
                    var dumpGrantor = true
                    var grantor = ""
                    if let gr = r.grantor { grantor = gr } else {
                        warn("grant of role \"\(role)\" to \"\(member)\" has invalid grantor OID \(r.grantorId)")
                        dumpGrantor = false
                    }
                    if dumpGrantor && r.grantorId != "10" && !admins.contains(grantor) { continue }
                    done[i - start] = true
                    remaining -= 1
                    if r.adminOption { admins.insert(member) }
                    var s = "GRANT \(ctx.id(role)) TO \(ctx.id(member))"
                    var opts: [String] = []
                    if r.adminOption { opts.append("ADMIN OPTION") }
                    opts.append("INHERIT " + ((r.inheritOption ?? true) ? "TRUE" : "FALSE"))
                    if !(r.setOption ?? true) { opts.append("SET FALSE") }
                    s += " WITH " + opts.joined(separator: ", ")
                    if dumpGrantor { s += " GRANTED BY \(ctx.id(grantor))" }
                    grants.append(MembershipGrant(role: role, member: member, grantor: dumpGrantor ? grantor : nil,
                                                  statement: s + ";\n"))
                }
            }
            start = end
        }
        return grants
    }

    /// dumpRoleGUCPrivs.
    public static func parameterPrivileges(_ g: GlobalsCatalog, _ ctx: RenderContext) throws -> String {
        var s = ""
        if !g.parameterACLs.isEmpty { s += "--\n-- Role privileges on configuration parameters\n--\n\n" }
        for p in g.parameterACLs { s += try parameterACL(p, ctx) }
        return s + "\n\n"
    }

    public static func parameterACL(_ p: ParameterACLRow, _ ctx: RenderContext) throws -> String {
        try ACLCommands.build(name: ctx.id(p.name), subname: nil, namespace: nil, type: "PARAMETER",
                              acls: p.acl, baseACLs: p.aclDefault, owner: p.owner, context: ctx)
    }

    /// dumpTablespaces.
    public static func tablespaces(_ g: GlobalsCatalog, _ o: Options, _ ctx: RenderContext) throws -> String {
        var s = ""
        if !g.tablespaces.isEmpty { s += "--\n-- Tablespaces\n--\n\n" }
        for t in g.tablespaces {
            s += createTablespace(t, ctx) + tablespaceOptions(t, ctx)
            if !o.noPrivileges { s += try tablespaceACL(t, ctx) }
            s += tablespaceComment(t, o, ctx) + tablespaceLabels(t, o, ctx)
        }
        return s + "\n\n"
    }

    // One tablespace's statements, each its own piece: CREATE TABLESPACE cannot run inside a
    // transaction block, so in an archive entry it must be the only statement.

    public static func createTablespace(_ t: TablespaceRow, _ ctx: RenderContext) -> String {
        // 16+ dump in-place tablespaces (relative locations) with an empty location.
        let location = ctx.pgDumpMajor >= 16 && !t.location.hasPrefix("/") ? "" : t.location
        return "CREATE TABLESPACE \(ctx.id(t.name)) OWNER \(ctx.id(t.owner)) LOCATION \(literal(location, ctx));\n"
    }

    public static func tablespaceOptions(_ t: TablespaceRow, _ ctx: RenderContext) -> String {
        guard let opts = t.options, !opts.isEmpty else { return "" }
        return "ALTER TABLESPACE \(ctx.id(t.name)) SET (\(opts));\n"
    }

    public static func tablespaceACL(_ t: TablespaceRow, _ ctx: RenderContext) throws -> String {
        try ACLCommands.build(name: ctx.id(t.name), subname: nil, namespace: nil, type: "TABLESPACE",
                              acls: t.acl, baseACLs: t.aclDefault, owner: t.owner, context: ctx)
    }

    public static func tablespaceComment(_ t: TablespaceRow, _ o: Options, _ ctx: RenderContext) -> String {
        guard !o.noComments, let c = t.comment, !c.isEmpty else { return "" }
        return "COMMENT ON TABLESPACE \(ctx.id(t.name)) IS \(literal(c, ctx));\n"
    }

    public static func tablespaceLabels(_ t: TablespaceRow, _ o: Options, _ ctx: RenderContext) -> String {
        o.noSecurityLabels ? "" : labels(t.securityLabels, type: "TABLESPACE", name: t.name, ctx)
    }
}
