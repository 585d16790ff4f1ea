import Postgres

/// The dumped database's own row (pg_dump's dumpDatabase query) and its settings.
public struct DatabaseRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var name = ""
    public var owner = ""
    public var encoding = ""
    public var localeProvider = "c"
    public var collate = ""
    public var ctype = ""
    public var iculocale: String?
    public var acl: String?
    public var aclDefault: String?
    public var isTemplate = false
    public var connectionLimit = "-1"
    public var tablespace = ""
    public var comment: String?
    /// `name=value` items of ALTER DATABASE ... SET.
    public var settings: [String] = []
    /// (role, `name=value`) items of ALTER ROLE ... IN DATABASE ... SET.
    public var roleSettings: [(role: String, setting: String)] = []

    public init() {}

    public static func == (a: DatabaseRow, b: DatabaseRow) -> Bool {
        a.id == b.id && a.name == b.name && a.settings == b.settings
            && a.roleSettings.map(\.role) == b.roleSettings.map(\.role) && a.roleSettings.map(\.setting) == b.roleSettings.map(\.setting)
    }

    public static func load(_ connection: Connection, serverVersion: Int) throws -> DatabaseRow {
        let locale = serverVersion >= 170000
            ? "datlocprovider, datlocale AS daticulocale"
            : serverVersion >= 150000 ? "datlocprovider, daticulocale" : "'c' AS datlocprovider, NULL AS daticulocale"
        let r = try connection.query("""
            SELECT tableoid, oid, datname, pg_catalog.pg_get_userbyid(datdba) AS dba,
                   pg_catalog.pg_encoding_to_char(encoding) AS encoding, datcollate, datctype, \(locale),
                   datacl, pg_catalog.acldefault('d', datdba) AS acldefault, datistemplate, datconnlimit,
                   (SELECT spcname FROM pg_catalog.pg_tablespace t WHERE t.oid = dattablespace) AS tablespace,
                   pg_catalog.shobj_description(oid, 'pg_database') AS description
            FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()
            """)
        var d = DatabaseRow()
        d.id = CatalogId(tableOid: UInt32(r[0, 0] ?? "0") ?? 0, oid: UInt32(r[0, 1] ?? "0") ?? 0)
        d.name = r[0, 2] ?? ""
        d.owner = r[0, 3] ?? ""
        d.encoding = r[0, 4] ?? ""
        d.collate = r[0, 5] ?? ""
        d.ctype = r[0, 6] ?? ""
        d.localeProvider = r[0, 7] ?? "c"
        d.iculocale = r[0, 8]
        d.acl = r[0, 9]
        d.aclDefault = r[0, 10]
        d.isTemplate = r[0, 11] == "t"
        d.connectionLimit = r[0, 12] ?? "-1"
        d.tablespace = r[0, 13] ?? ""
        d.comment = r[0, 14]
        for row in try connection.query(
            // The database found server-side, so that this query need not wait for the one above.
            """
            SELECT unnest(setconfig) FROM pg_catalog.pg_db_role_setting WHERE setrole = 0
              AND setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
            """) {
            if let s = row[0] { d.settings.append(s) }
        }
        for row in try connection.query("""
            SELECT rolname, unnest(setconfig) FROM pg_catalog.pg_db_role_setting s, pg_catalog.pg_roles r
            WHERE setrole = r.oid
              AND setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
            """) {
            if let role = row[0], let s = row[1] { d.roleSettings.append((role, s)) }
        }
        return d
    }
}
