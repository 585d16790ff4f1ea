import Postgres

/// pg_dump's g_last_builtin_oid + 1: objects below this OID were created by initdb.
public let firstNormalObjectId: UInt32 = 16384

/// One pg_extension row (getExtensions).
public struct ExtensionRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var relocatable: Bool
    public var version: String

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        relocatable: Bool,
        version: String
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.relocatable = relocatable
        self.version = version
    }
}

/// Which objects belong to which extension (pg_depend deptype 'e'): pg_dump does not dump
/// their definitions (getExtensionMembership / checkExtensionMembership).
public struct ExtensionMembership: Sendable {
    public private(set) var owner: [CatalogId: UInt32] = [:]
    public private(set) var isLoaded = false

    public init() {}

    public init(members: [CatalogId: UInt32]) {
        owner = members
        isLoaded = true
    }

    public func contains(_ id: CatalogId) -> Bool { owner[id] != nil }

    /// OID of the extension `id` belongs to.
    public func owningExtension(of id: CatalogId) -> UInt32? { owner[id] }

    public static func load(_ connection: Connection) throws -> ExtensionMembership {
        let rows = try connection.catalogRows("extension membership", """
            SELECT classid, objid, refobjid FROM pg_catalog.pg_depend
            WHERE refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND deptype = 'e'
            ORDER BY 3
            """)
        var members: [CatalogId: UInt32] = [:]
        for r in rows { members[CatalogId(tableOid: try r.oid("classid"), oid: try r.oid("objid"))] = try r.oid("refobjid") }
        return ExtensionMembership(members: members)
    }
}

/// pg_language rows (getProcLangs).
public struct LanguageRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var trusted: Bool
    public var handler: UInt32
    public var inline: UInt32
    public var validator: UInt32
    public var owner: String
    public var acl: String?

    public init(
        id: CatalogId,
        name: String,
        trusted: Bool,
        handler: UInt32,
        inline: UInt32,
        validator: UInt32,
        owner: String,
        acl: String? = nil
    ) {
        self.id = id
        self.name = name
        self.trusted = trusted
        self.handler = handler
        self.inline = inline
        self.validator = validator
        self.owner = owner
        self.acl = acl
    }
}

/// pg_transform rows (getTransforms), with the language name and formatted type.
public struct TransformRow: Sendable {
    public var id: CatalogId
    public var type: String
    /// The type's unquoted name (pg_dump names transforms "typname lanname" for sorting).
    public var typeName: String
    public var language: String
    public var fromSQL: UInt32
    public var toSQL: UInt32

    public init(
        id: CatalogId,
        type: String,
        typeName: String,
        language: String,
        fromSQL: UInt32,
        toSQL: UInt32
    ) {
        self.id = id
        self.type = type
        self.typeName = typeName
        self.language = language
        self.fromSQL = fromSQL
        self.toSQL = toSQL
    }
}

/// pg_am rows (getAccessMethods).
public struct AccessMethodRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var handler: String
    public var type: Character

    public init(
        id: CatalogId,
        name: String,
        handler: String,
        type: Character
    ) {
        self.id = id
        self.name = name
        self.handler = handler
        self.type = type
    }
}

/// pg_cast rows (getCasts), types already formatted as format_type prints them.
public struct CastRow: Sendable {
    public var id: CatalogId
    public var source: String
    public var target: String
    /// "sourcetypname targettypname": the name pg_dump sorts casts by (getCasts).
    public var sortName: String
    public var sourceOid: UInt32
    public var targetOid: UInt32
    public var function: UInt32
    public var context: Character
    public var method: Character

    public init(
        id: CatalogId,
        source: String,
        target: String,
        sortName: String,
        sourceOid: UInt32,
        targetOid: UInt32,
        function: UInt32,
        context: Character,
        method: Character
    ) {
        self.id = id
        self.source = source
        self.target = target
        self.sortName = sortName
        self.sourceOid = sourceOid
        self.targetOid = targetOid
        self.function = function
        self.context = context
        self.method = method
    }
}

public enum ExtensionCatalog {
    public static func extensions(_ c: Connection) throws -> [ExtensionRow] {
        try c.catalogRows("extensions", """
            SELECT x.tableoid, x.oid, x.extname, n.nspname, x.extrelocatable, x.extversion
            FROM pg_catalog.pg_extension x LEFT JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace
            ORDER BY x.oid
            """).map {
            ExtensionRow(id: CatalogId(tableOid: try $0.oid("tableoid"), oid: try $0.oid("oid")), name: try $0.string("extname"),
                         schema: try $0.string("nspname"), relocatable: try $0.bool("extrelocatable"),
                         version: try $0.string("extversion"))
        }
    }

    public static func languages(_ c: Connection) throws -> [LanguageRow] {
        try c.catalogRows("languages", """
            SELECT l.tableoid, l.oid, l.lanname, l.lanpltrusted, l.lanplcallfoid, l.laninline, l.lanvalidator,
                   pg_catalog.pg_get_userbyid(l.lanowner) AS owner, l.lanacl
            FROM pg_catalog.pg_language l WHERE l.lanispl ORDER BY l.oid
            """).map {
            LanguageRow(id: CatalogId(tableOid: try $0.oid("tableoid"), oid: try $0.oid("oid")), name: try $0.string("lanname"),
                        trusted: try $0.bool("lanpltrusted"), handler: try $0.oid("lanplcallfoid"),
                        inline: try $0.oid("laninline"), validator: try $0.oid("lanvalidator"),
                        owner: try $0.string("owner"), acl: $0.optional("lanacl"))
        }
    }

    public static func transforms(_ c: Connection) throws -> [TransformRow] {
        try c.catalogRows("transforms", """
            SELECT t.tableoid, t.oid, pg_catalog.format_type(t.trftype, NULL) AS type, ty.typname, l.lanname,
                   t.trffromsql::pg_catalog.oid AS fromsql, t.trftosql::pg_catalog.oid AS tosql
            FROM pg_catalog.pg_transform t JOIN pg_catalog.pg_language l ON l.oid = t.trflang
            JOIN pg_catalog.pg_type ty ON ty.oid = t.trftype ORDER BY t.oid
            """).map {
            TransformRow(id: CatalogId(tableOid: try $0.oid("tableoid"), oid: try $0.oid("oid")), type: try $0.string("type"),
                         typeName: try $0.string("typname"), language: try $0.string("lanname"), fromSQL: try $0.oid("fromsql"), toSQL: try $0.oid("tosql"))
        }
    }

    public static func accessMethods(_ c: Connection) throws -> [AccessMethodRow] {
        try c.catalogRows("access methods", """
            SELECT tableoid, oid, amname, amtype, amhandler::pg_catalog.regproc AS amhandler
            FROM pg_catalog.pg_am ORDER BY oid
            """).map {
            AccessMethodRow(id: CatalogId(tableOid: try $0.oid("tableoid"), oid: try $0.oid("oid")), name: try $0.string("amname"),
                            handler: try $0.string("amhandler"), type: try $0.char("amtype"))
        }
    }

    /// Range -> multirange casts come with their range type (14+), as in getCasts.
    public static func casts(_ c: Connection, serverVersion: Int) throws -> [CastRow] {
        try c.catalogRows("casts", """
            SELECT tableoid, oid, castsource, casttarget, castfunc, castcontext, castmethod,
                   pg_catalog.format_type(castsource, NULL) AS source, pg_catalog.format_type(casttarget, NULL) AS target,
                   (SELECT typname FROM pg_catalog.pg_type WHERE oid = castsource) || ' ' ||
                   (SELECT typname FROM pg_catalog.pg_type WHERE oid = casttarget) AS sortname
            FROM pg_catalog.pg_cast c
            \(serverVersion >= 140000 ? "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_range r WHERE c.castsource = r.rngtypid AND c.casttarget = r.rngmultitypid)" : "")
            ORDER BY 3, 4
            """).map {
            CastRow(id: CatalogId(tableOid: try $0.oid("tableoid"), oid: try $0.oid("oid")), source: try $0.string("source"),
                    target: try $0.string("target"), sortName: $0.optional("sortname") ?? "", sourceOid: try $0.oid("castsource"), targetOid: try $0.oid("casttarget"),
                    function: try $0.oid("castfunc"), context: try $0.char("castcontext"), method: try $0.char("castmethod"))
        }
    }
}
