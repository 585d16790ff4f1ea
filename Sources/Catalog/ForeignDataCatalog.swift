import Postgres

/// pg_foreign_data_wrapper rows; options already as "name 'value',\n    ..." (getForeignDataWrappers).
public struct ForeignDataWrapperRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var owner: String
    public var handler: String
    public var validator: String
    public var options: String
    public var acl: String?

    public init(
        id: CatalogId,
        name: String,
        owner: String,
        handler: String,
        validator: String,
        options: String,
        acl: String? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.handler = handler
        self.validator = validator
        self.options = options
        self.acl = acl
    }
}

public struct ForeignServerRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var owner: String
    public var wrapperName: String
    public var type: String?
    public var version: String?
    public var options: String
    public var acl: String?

    public init(
        id: CatalogId,
        name: String,
        owner: String,
        wrapperName: String,
        type: String? = nil,
        version: String? = nil,
        options: String,
        acl: String? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.wrapperName = wrapperName
        self.type = type
        self.version = version
        self.options = options
        self.acl = acl
    }
}

public struct UserMappingRow: Sendable {
    public var serverOid: UInt32
    public var userName: String
    public var options: String

    public init(
        serverOid: UInt32,
        userName: String,
        options: String
    ) {
        self.serverOid = serverOid
        self.userName = userName
        self.options = options
    }
}

public enum ForeignDataCatalog {
    /// The option list formatting pg_dump asks the server for.
    static func options(_ column: String) -> String {
        """
        pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_ident(option_name) || ' ' || pg_catalog.quote_literal(option_value) \
        FROM pg_catalog.pg_options_to_table(\(column)) ORDER BY option_name), E',\\n    ')
        """
    }

    public static func wrappers(_ c: Connection) throws -> [ForeignDataWrapperRow] {
        try c.catalogRows("foreign data wrappers", """
            SELECT tableoid, oid, fdwname, pg_catalog.pg_get_userbyid(fdwowner) AS owner,
                   fdwhandler::pg_catalog.regproc AS fdwhandler, fdwvalidator::pg_catalog.regproc AS fdwvalidator, fdwacl,
                   \(options("fdwoptions")) AS fdwoptions
            FROM pg_catalog.pg_foreign_data_wrapper ORDER BY oid
            """).map { r in
            ForeignDataWrapperRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("fdwname"),
                                  owner: try r.string("owner"), handler: try r.string("fdwhandler"),
                                  validator: try r.string("fdwvalidator"), options: r.optional("fdwoptions") ?? "", acl: r.optional("fdwacl"))
        }
    }

    public static func servers(_ c: Connection) throws -> [ForeignServerRow] {
        try c.catalogRows("foreign servers", """
            SELECT s.tableoid, s.oid, s.srvname, pg_catalog.pg_get_userbyid(s.srvowner) AS owner, w.fdwname,
                   s.srvtype, s.srvversion, s.srvacl, \(options("s.srvoptions")) AS srvoptions
            FROM pg_catalog.pg_foreign_server s JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw ORDER BY s.oid
            """).map { r in
            ForeignServerRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("srvname"),
                             owner: try r.string("owner"), wrapperName: try r.string("fdwname"), type: r.optional("srvtype"),
                             version: r.optional("srvversion"), options: r.optional("srvoptions") ?? "", acl: r.optional("srvacl"))
        }
    }

    /// Every user mapping, per server ordered by user name (dumpUserMappings).
    public static func userMappings(_ c: Connection) throws -> [UInt32: [UserMappingRow]] {
        var result: [UInt32: [UserMappingRow]] = [:]
        for r in try c.catalogRows("user mappings", """
            SELECT srvid, usename, \(options("umoptions")) AS umoptions
            FROM pg_catalog.pg_user_mappings ORDER BY srvid, usename
            """) {
            let m = UserMappingRow(serverOid: try r.oid("srvid"), userName: try r.string("usename"), options: r.optional("umoptions") ?? "")
            result[m.serverOid, default: []].append(m)
        }
        return result
    }
}
