import Postgres

/// pg_ts_parser rows, support functions as regproc prints them (convertTSFunction).
public struct TSParserRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var start: String, getToken: String, end: String, lexTypes: String
    public var headline: String?

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        start: String,
        getToken: String,
        end: String,
        lexTypes: String,
        headline: String? = nil
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.start = start
        self.getToken = getToken
        self.end = end
        self.lexTypes = lexTypes
        self.headline = headline
    }
}

public struct TSTemplateRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var initFunction: String?
    public var lexize: String

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        initFunction: String? = nil,
        lexize: String
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.initFunction = initFunction
        self.lexize = lexize
    }
}

public struct TSDictionaryRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    public var templateSchema: String
    public var templateName: String
    public var initOption: String?

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        templateSchema: String,
        templateName: String,
        initOption: String? = nil
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.templateSchema = templateSchema
        self.templateName = templateName
        self.initOption = initOption
    }
}

/// One ALTER ... ADD MAPPING group: a token type and its dictionaries in order.
public struct TSConfigMapping: Sendable {
    public var tokenName: String
    public var dictionaries: [String]

    public init(
        tokenName: String,
        dictionaries: [String]
    ) {
        self.tokenName = tokenName
        self.dictionaries = dictionaries
    }
}

public struct TSConfigRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    public var parserSchema: String
    public var parserName: String
    public var mappings: [TSConfigMapping] = []

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        parserSchema: String,
        parserName: String,
        mappings: [TSConfigMapping] = []
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.parserSchema = parserSchema
        self.parserName = parserName
        self.mappings = mappings
    }
}

public enum TextSearchCatalog {
    static let filter = TypeCatalog.systemSchemaFilter

    public static func parsers(_ c: Connection) throws -> [TSParserRow] {
        try c.catalogRows("text search parsers", """
            SELECT p.tableoid, p.oid, p.prsname, n.nspname, p.prsstart::pg_catalog.regproc AS prsstart,
                   p.prstoken::pg_catalog.regproc AS prstoken, p.prsend::pg_catalog.regproc AS prsend,
                   CASE WHEN p.prsheadline <> 0 THEN p.prsheadline::pg_catalog.regproc::text END AS prsheadline,
                   p.prslextype::pg_catalog.regproc AS prslextype
            FROM pg_catalog.pg_ts_parser p JOIN pg_catalog.pg_namespace n ON n.oid = p.prsnamespace
            WHERE \(filter) ORDER BY p.oid
            """).map { r in
            TSParserRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("prsname"),
                        schema: try r.string("nspname"), start: try r.string("prsstart"), getToken: try r.string("prstoken"),
                        end: try r.string("prsend"), lexTypes: try r.string("prslextype"), headline: r.optional("prsheadline"))
        }
    }

    public static func templates(_ c: Connection) throws -> [TSTemplateRow] {
        try c.catalogRows("text search templates", """
            SELECT t.tableoid, t.oid, t.tmplname, n.nspname,
                   CASE WHEN t.tmplinit <> 0 THEN t.tmplinit::pg_catalog.regproc::text END AS tmplinit,
                   t.tmpllexize::pg_catalog.regproc AS tmpllexize
            FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace n ON n.oid = t.tmplnamespace
            WHERE \(filter) ORDER BY t.oid
            """).map { r in
            TSTemplateRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("tmplname"),
                          schema: try r.string("nspname"), initFunction: r.optional("tmplinit"), lexize: try r.string("tmpllexize"))
        }
    }

    public static func dictionaries(_ c: Connection) throws -> [TSDictionaryRow] {
        try c.catalogRows("text search dictionaries", """
            SELECT d.tableoid, d.oid, d.dictname, n.nspname, pg_catalog.pg_get_userbyid(d.dictowner) AS owner,
                   tn.nspname AS tmplnsp, t.tmplname, d.dictinitoption
            FROM pg_catalog.pg_ts_dict d JOIN pg_catalog.pg_namespace n ON n.oid = d.dictnamespace
            JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace
            WHERE \(filter) ORDER BY d.oid
            """).map { r in
            TSDictionaryRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("dictname"),
                            schema: try r.string("nspname"), owner: try r.string("owner"), templateSchema: try r.string("tmplnsp"),
                            templateName: try r.string("tmplname"), initOption: r.optional("dictinitoption"))
        }
    }

    public static func configurations(_ c: Connection) throws -> [TSConfigRow] {
        let maps = try c.catalogRows("text search configuration mappings", """
            SELECT m.mapcfg,
                   (SELECT alias FROM pg_catalog.ts_token_type(c.cfgparser) AS t WHERE t.tokid = m.maptokentype) AS tokenname,
                   m.mapdict::pg_catalog.regdictionary AS dictname
            FROM pg_catalog.pg_ts_config_map m JOIN pg_catalog.pg_ts_config c ON c.oid = m.mapcfg
            JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
            WHERE \(filter)
            ORDER BY m.mapcfg, m.maptokentype, m.mapseqno
            """)
        var mappings: [UInt32: [TSConfigMapping]] = [:]
        for r in maps {
            let cfg = try r.oid("mapcfg"), token = try r.string("tokenname"), dict = try r.string("dictname")
            if let last = mappings[cfg]?.last, last.tokenName == token {
                mappings[cfg]![mappings[cfg]!.count - 1].dictionaries.append(dict)
            } else {
                mappings[cfg, default: []].append(TSConfigMapping(tokenName: token, dictionaries: [dict]))
            }
        }
        return try c.catalogRows("text search configurations", """
            SELECT c.tableoid, c.oid, c.cfgname, n.nspname, pg_catalog.pg_get_userbyid(c.cfgowner) AS owner,
                   pn.nspname AS prsnsp, p.prsname
            FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
            JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace
            WHERE \(filter) ORDER BY c.oid
            """).map { r in
            let oid = try r.oid("oid")
            return TSConfigRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: oid), name: try r.string("cfgname"),
                               schema: try r.string("nspname"), owner: try r.string("owner"), parserSchema: try r.string("prsnsp"),
                               parserName: try r.string("prsname"), mappings: mappings[oid] ?? [])
        }
    }
}
