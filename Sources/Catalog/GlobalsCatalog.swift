import Postgres

/// One role as pg_dumpall's dumpRoles reads it.
public struct RoleRow: Sendable, Equatable {
    public var oid: UInt32 = 0
    public var name = ""
    public var superuser = false
    public var inherit = true
    public var createRole = false
    public var createDB = false
    public var canLogin = false
    public var connectionLimit = "-1"
    public var password: String?
    public var validUntil: String?
    public var replication = false
    public var bypassRLS = false
    public var comment: String?
    public var isCurrentUser = false
    /// (provider, label) from pg_shseclabel.
    public var securityLabels: [SecurityLabel] = []
    /// `name=value` items of ALTER ROLE ... SET (setdatabase = 0).
    public var settings: [String] = []
    public init() {}
}

public struct SecurityLabel: Sendable, Equatable {
    public var provider: String
    public var label: String
    public init(provider: String, label: String) { self.provider = provider; self.label = label }
}

/// One pg_auth_members row, with names resolved (nil when the role no longer exists).
public struct RoleMembershipRow: Sendable, Equatable {
    public var role: String?
    public var member: String?
    public var grantor: String?
    public var roleId = ""
    public var memberId = ""
    public var grantorId = ""
    public var adminOption = false
    /// 16+ only; nil before.
    public var inheritOption: Bool?
    public var setOption: Bool?
    public init() {}
}

/// One pg_parameter_acl row (15+).
public struct ParameterACLRow: Sendable, Equatable {
    public var name = ""
    public var owner = ""
    public var acl: String?
    public var aclDefault: String?
    public init() {}
}

/// One tablespace as dumpTablespaces reads it.
public struct TablespaceRow: Sendable, Equatable {
    public var oid: UInt32 = 0
    public var name = ""
    public var owner = ""
    public var location = ""
    public var acl: String?
    public var aclDefault: String?
    /// array_to_string(spcoptions, ', ').
    public var options: String?
    public var comment: String?
    public var securityLabels: [SecurityLabel] = []
    public init() {}
}

/// Every cluster-wide object pg_dumpall -g prints, read with pg_dumpall's queries.
public struct GlobalsCatalog: Sendable {
    public var serverVersion = 0
    public var clientEncoding = "UTF8"
    public var standardConformingStrings = "on"
    public var roles: [RoleRow] = []
    public var memberships: [RoleMembershipRow] = []
    public var parameterACLs: [ParameterACLRow] = []
    public var tablespaces: [TablespaceRow] = []
    public init() {}

    public struct Selection: Sendable {
        public var roles = true
        public var tablespaces = true
        public var privileges = true
        public var securityLabels = true
        /// pg_roles instead of pg_authid (--no-role-passwords).
        public var useRolesView = false
        public init() {}
    }

    public static func load(_ conn: Connection, _ sel: Selection) throws -> GlobalsCatalog {
        var g = GlobalsCatalog()
        g.serverVersion = conn.serverVersionNum
        g.clientEncoding = conn.parameterStatus("client_encoding") ?? "UTF8"
        g.standardConformingStrings = conn.parameterStatus("standard_conforming_strings") ?? "on"
        let roleCatalog = sel.useRolesView ? "pg_catalog.pg_roles" : "pg_catalog.pg_authid"
        if sel.roles {
            let r = try conn.query("""
                SELECT oid, rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolconnlimit, \
                rolpassword, rolvaliduntil, rolreplication, rolbypassrls, \
                pg_catalog.shobj_description(oid, 'pg_authid') as rolcomment, rolname = current_user AS is_current_user \
                FROM \(roleCatalog) WHERE rolname !~ '^pg_' ORDER BY 2
                """)
            for i in 0..<r.rowCount {
                var role = RoleRow()
                role.oid = UInt32(r[i, 0] ?? "0") ?? 0
                role.name = r[i, 1] ?? ""
                role.superuser = r[i, 2] == "t"
                role.inherit = r[i, 3] == "t"
                role.createRole = r[i, 4] == "t"
                role.createDB = r[i, 5] == "t"
                role.canLogin = r[i, 6] == "t"
                role.connectionLimit = r[i, 7] ?? "-1"
                role.password = r[i, 8]
                role.validUntil = r[i, 9]
                role.replication = r[i, 10] == "t"
                role.bypassRLS = r[i, 11] == "t"
                role.comment = r[i, 12]
                role.isCurrentUser = r[i, 13] == "t"
                if sel.securityLabels { role.securityLabels = try labels(conn, "pg_authid", role.oid) }
                g.roles.append(role)
            }
            for index in g.roles.indices {
                let rows = try conn.query("""
                    SELECT unnest(setconfig) FROM pg_db_role_setting WHERE setdatabase = 0 AND setrole = \
                    (SELECT oid FROM \(roleCatalog) WHERE rolname = $1)
                    """, [g.roles[index].name])
                g.roles[index].settings = rows.rows.compactMap { $0[0] }
            }
            let options = g.serverVersion >= 160000
            let m = try conn.query("""
                SELECT ur.rolname AS role, um.rolname AS member, \(options ? "ug.rolname AS grantor" : "a.admin_option"), \
                a.roleid AS roleid, a.member AS memberid, a.grantor AS grantorid, \(options ? "a.admin_option" : "ug.rolname AS grantor")\
                \(options ? ", a.inherit_option, a.set_option" : "") \
                FROM pg_auth_members a LEFT JOIN \(roleCatalog) ur on ur.oid = a.roleid \
                LEFT JOIN \(roleCatalog) um on um.oid = a.member LEFT JOIN \(roleCatalog) ug on ug.oid = a.grantor \
                WHERE NOT (ur.rolname ~ '^pg_' AND um.rolname ~ '^pg_')ORDER BY 1,2,3
                """)
            for i in 0..<m.rowCount {
                var row = RoleMembershipRow()
                row.role = m[i, 0]
                row.member = m[i, 1]
                row.grantor = options ? m[i, 2] : m[i, 6]
                row.adminOption = (options ? m[i, 6] : m[i, 2]) == "t"
                row.roleId = m[i, 3] ?? ""
                row.memberId = m[i, 4] ?? ""
                row.grantorId = m[i, 5] ?? ""
                if options {
                    row.inheritOption = m[i, 7] == "t"
                    row.setOption = m[i, 8] == "t"
                }
                g.memberships.append(row)
            }
            if g.serverVersion >= 150000 && sel.privileges {
                let p = try conn.query("""
                    SELECT parname, pg_catalog.pg_get_userbyid(10) AS parowner, paracl, \
                    pg_catalog.acldefault('p', 10) AS acldefault FROM pg_catalog.pg_parameter_acl ORDER BY 1
                    """)
                for i in 0..<p.rowCount {
                    var row = ParameterACLRow()
                    row.name = p[i, 0] ?? ""
                    row.owner = p[i, 1] ?? ""
                    row.acl = p[i, 2]
                    row.aclDefault = p[i, 3]
                    g.parameterACLs.append(row)
                }
            }
        }
        if sel.tablespaces {
            let t = try conn.query("""
                SELECT oid, spcname, pg_catalog.pg_get_userbyid(spcowner) AS spcowner, \
                pg_catalog.pg_tablespace_location(oid), spcacl, acldefault('t', spcowner) AS acldefault, \
                array_to_string(spcoptions, ', '),pg_catalog.shobj_description(oid, 'pg_tablespace') \
                FROM pg_catalog.pg_tablespace WHERE spcname !~ '^pg_' ORDER BY 1
                """)
            for i in 0..<t.rowCount {
                var row = TablespaceRow()
                row.oid = UInt32(t[i, 0] ?? "0") ?? 0
                row.name = t[i, 1] ?? ""
                row.owner = t[i, 2] ?? ""
                row.location = t[i, 3] ?? ""
                row.acl = t[i, 4]
                row.aclDefault = t[i, 5]
                row.options = t[i, 6]
                row.comment = t[i, 7]
                if sel.securityLabels { row.securityLabels = try labels(conn, "pg_tablespace", row.oid) }
                g.tablespaces.append(row)
            }
        }
        return g
    }

    /// buildShSecLabelQuery.
    static func labels(_ conn: Connection, _ catalog: String, _ oid: UInt32) throws -> [SecurityLabel] {
        let r = try conn.query("""
            SELECT provider, label FROM pg_catalog.pg_shseclabel WHERE classoid = 'pg_catalog.\(catalog)'::pg_catalog.regclass \
            AND objoid = '\(oid)'
            """)
        return r.rows.map { SecurityLabel(provider: $0[0] ?? "", label: $0[1] ?? "") }
    }
}
