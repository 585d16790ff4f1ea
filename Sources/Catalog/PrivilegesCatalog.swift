import Postgres

/// A catalog query whose rows did not have the shape expected.
public struct CatalogRowError: Error, CustomStringConvertible, Sendable {
    public var catalog: String
    public var row: Int
    public var detail: String

    public init(catalog: String, row: Int, detail: String) {
        self.catalog = catalog
        self.row = row
        self.detail = detail
    }

    public var description: String { "unexpected row \(row) from \(catalog): \(detail)" }
}

/// pg_init_privs for every object, read once (getAdditionalACLs): the privileges an object had
/// when initdb or its extension created it, which pg_dump 15+ dumps the current ACL against.
public struct InitialPrivileges: Sendable {
    public struct Key: Hashable, Sendable {
        public var id: CatalogId
        public var subid: Int
        public init(id: CatalogId, subid: Int) {
            self.id = id
            self.subid = subid
        }
    }

    /// initprivs text by (classoid, objoid, objsubid).
    public var byKey: [Key: String] = [:]
    /// privtype: "i" (initdb) or "e" (extension).
    public var privilegeType: [Key: String] = [:]

    public init() {}

    public func initPrivileges(for id: CatalogId, subid: Int = 0) -> String? { byKey[Key(id: id, subid: subid)] }

    /// Whether any column (objsubid > 0) of the relation has initial privileges: pg_dump then
    /// looks at the table's column ACLs even when no attacl is set.
    public func hasColumnEntries(relation oid: UInt32) -> Bool {
        byKey.keys.contains { $0.id.tableOid == SystemCatalog.pgClass && $0.id.oid == oid && $0.subid != 0 }
    }

    public static func load(_ connection: Connection) throws -> InitialPrivileges {
        var result = InitialPrivileges()
        let rows = try connection.query("SELECT objoid, classoid, objsubid, privtype, initprivs FROM pg_catalog.pg_init_privs")
        for (i, r) in rows.enumerated() {
            guard let o = r[0].flatMap({ UInt32($0) }), let c = r[1].flatMap({ UInt32($0) }),
                  let s = r[2].flatMap({ Int($0) }), let p = r[4] else {
                throw CatalogRowError(catalog: "pg_init_privs", row: i, detail: "missing objoid/classoid/objsubid/initprivs")
            }
            let key = Key(id: CatalogId(tableOid: c, oid: o), subid: s)
            result.byKey[key] = p
            result.privilegeType[key] = r[3] ?? ""
        }
        return result
    }
}

/// One pg_default_acl row (getDefaultACLs).
public struct DefaultPrivilege: Equatable, Sendable {
    public var catalogId: CatalogId
    /// The role whose future objects get these privileges.
    public var role: String
    /// The schema the entry is limited to; nil for a global entry.
    public var namespace: String?
    /// defaclobjtype: r (tables), S (sequences), f (functions), T (types), n (schemas).
    public var objectType: String
    public var acl: String
    /// acldefault() of the object type for global entries (they replace the built-in default);
    /// "{}" for per-schema entries (which can only add privileges).
    public var defaultACL: String

    public init(catalogId: CatalogId, role: String, namespace: String?, objectType: String, acl: String, defaultACL: String) {
        self.catalogId = catalogId
        self.role = role
        self.namespace = namespace
        self.objectType = objectType
        self.acl = acl
        self.defaultACL = defaultACL
    }

    /// One query for all rows, in the catalog's order (pg_dump assigns dump ids in that order).
    public static func loadAll(_ connection: Connection) throws -> [DefaultPrivilege] {
        let rows = try connection.query("""
            SELECT d.oid, d.tableoid, pg_catalog.pg_get_userbyid(d.defaclrole) AS role, n.nspname,
                   d.defaclobjtype, d.defaclacl,
                   CASE WHEN d.defaclnamespace = 0 THEN
                     pg_catalog.acldefault(CASE WHEN d.defaclobjtype = 'S' THEN 's'::"char" ELSE d.defaclobjtype END,
                                           d.defaclrole)
                   ELSE '{}' END AS acldefault
            FROM pg_catalog.pg_default_acl d
            LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
            """)
        return try rows.enumerated().map { i, r in
            guard let oid = r[0].flatMap({ UInt32($0) }), let tableOid = r[1].flatMap({ UInt32($0) }),
                  let role = r[2], let type = r[4], let acl = r[5], let dflt = r[6] else {
                throw CatalogRowError(catalog: "pg_default_acl", row: i, detail: "missing column")
            }
            return DefaultPrivilege(catalogId: CatalogId(tableOid: tableOid, oid: oid), role: role, namespace: r[3],
                                    objectType: type, acl: acl, defaultACL: dflt)
        }
    }
}

/// One pg_largeobject_metadata row (getBlobs / getLOs).
public struct LargeObjectMetadata: Equatable, Sendable {
    public var oid: UInt32
    public var ownerOid: UInt32
    public var owner: String
    public var acl: String?
    public var defaultACL: String

    public init(oid: UInt32, ownerOid: UInt32, owner: String, acl: String?, defaultACL: String) {
        self.oid = oid
        self.ownerOid = ownerOid
        self.owner = owner
        self.acl = acl
        self.defaultACL = defaultACL
    }

    public var catalogId: CatalogId { CatalogId(tableOid: SystemCatalog.pgLargeobjectMetadata, oid: oid) }

    /// One query for all large objects. `groupedOrder` is pg_dump 17+'s order (owner, ACL
    /// text, OID) which its grouping relies on; pg_dump 15/16 read the catalog unordered.
    public static func loadAll(_ connection: Connection, groupedOrder: Bool) throws -> [LargeObjectMetadata] {
        var sql = """
            SELECT oid, lomowner, pg_catalog.pg_get_userbyid(lomowner) AS owner, lomacl,
                   pg_catalog.acldefault('L', lomowner) AS acldefault
            FROM pg_catalog.pg_largeobject_metadata
            """
        if groupedOrder { sql += "\nORDER BY lomowner, lomacl::pg_catalog.text, oid" }
        let rows = try connection.query(sql)
        return try rows.enumerated().map { i, r in
            guard let oid = r[0].flatMap({ UInt32($0) }), let ownerOid = r[1].flatMap({ UInt32($0) }),
                  let owner = r[2], let dflt = r[4] else {
                throw CatalogRowError(catalog: "pg_largeobject_metadata", row: i, detail: "missing column")
            }
            return LargeObjectMetadata(oid: oid, ownerOid: ownerOid, owner: owner, acl: r[3], defaultACL: dflt)
        }
    }
}
