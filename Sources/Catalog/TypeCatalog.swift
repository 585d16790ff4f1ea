import Postgres

/// One pg_type row outside the system schemas, with what every dumpType variant needs, already
/// formatted by the server as pg_dump's per-type queries format it (regproc, format_type, pg_get_expr).
public struct TypeRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    public var acl: String?
    /// 'b', 'c', 'd', 'e', 'p', 'r', 'm'.
    public var type: Character
    public var isDefined: Bool
    public var isArray: Bool
    public var relationId: UInt32
    /// relkind of typrelid (' ' when none): only 'c' (standalone composite) types are dumped.
    public var relationKind: Character
    // Base types (dumpBaseType).
    public var length: String = ""
    public var input: String = "", output: String = "", receive: String = "", send: String = ""
    public var typmodIn: String = "", typmodOut: String = "", analyze: String = "", subscriptFunction: String = ""
    public var inputOid: UInt32 = 0, outputOid: UInt32 = 0, receiveOid: UInt32 = 0, sendOid: UInt32 = 0
    public var typmodInOid: UInt32 = 0, typmodOutOid: UInt32 = 0, analyzeOid: UInt32 = 0, subscriptOid: UInt32 = 0
    public var category: String = "", preferred = false, delimiter: String = ",", byValue = false
    public var alignment: Character = "i", storage: Character = "p", collatable = false
    /// pg_get_expr(typdefaultbin) (domains and base types).
    public var defaultExpression: String?
    /// typdefault, quoted as a literal when there is no expression.
    public var defaultLiteral: String?
    public var element: String?
    // Domains (dumpDomain).
    public var domainBaseType: String = ""
    public var notNull = false
    /// Collation differing from the base type's (domains) or from the subtype's (ranges), as "schema"."name" parts.
    public var collationSchema: String?
    public var collationName: String?
    // Ranges (dumpRangeType).
    public var rangeSubtype: String = ""
    public var rangeMultirange: String?
    public var rangeOpclassDefault = true
    public var rangeOpclassSchema: String = "", rangeOpclassName: String = ""
    public var rangeCanonical: String = "-", rangeSubtypeDiff: String = "-"
    public var rangeCanonicalOid: UInt32 = 0
    /// The type's support functions (I/O, typmod, analyze; a range's canonical function) as
    /// (OID, schema): when one of them is dumped, pg_dump's sorter breaks the type/function loop
    /// with a SHELL TYPE entry (repairTypeFuncLoop).
    public var supportFunctions: [(oid: UInt32, schema: String)] = []

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        acl: String? = nil,
        type: Character,
        isDefined: Bool,
        isArray: Bool,
        relationId: UInt32,
        relationKind: Character,
        length: String = "",
        input: String = "",
        output: String = "",
        receive: String = "",
        send: String = "",
        typmodIn: String = "",
        typmodOut: String = "",
        analyze: String = "",
        subscriptFunction: String = "",
        inputOid: UInt32 = 0,
        outputOid: UInt32 = 0,
        receiveOid: UInt32 = 0,
        sendOid: UInt32 = 0,
        typmodInOid: UInt32 = 0,
        typmodOutOid: UInt32 = 0,
        analyzeOid: UInt32 = 0,
        subscriptOid: UInt32 = 0,
        category: String = "",
        preferred: Bool = false,
        delimiter: String = ",",
        byValue: Bool = false,
        alignment: Character = "i",
        storage: Character = "p",
        collatable: Bool = false,
        defaultExpression: String? = nil,
        defaultLiteral: String? = nil,
        element: String? = nil,
        domainBaseType: String = "",
        notNull: Bool = false,
        collationSchema: String? = nil,
        collationName: String? = nil,
        rangeSubtype: String = "",
        rangeMultirange: String? = nil,
        rangeOpclassDefault: Bool = true,
        rangeOpclassSchema: String = "",
        rangeOpclassName: String = "",
        rangeCanonical: String = "-",
        rangeSubtypeDiff: String = "-",
        rangeCanonicalOid: UInt32 = 0,
        supportFunctions: [(oid: UInt32, schema: String)] = []
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.acl = acl
        self.type = type
        self.isDefined = isDefined
        self.isArray = isArray
        self.relationId = relationId
        self.relationKind = relationKind
        self.length = length
        self.input = input
        self.output = output
        self.receive = receive
        self.send = send
        self.typmodIn = typmodIn
        self.typmodOut = typmodOut
        self.analyze = analyze
        self.subscriptFunction = subscriptFunction
        self.inputOid = inputOid
        self.outputOid = outputOid
        self.receiveOid = receiveOid
        self.sendOid = sendOid
        self.typmodInOid = typmodInOid
        self.typmodOutOid = typmodOutOid
        self.analyzeOid = analyzeOid
        self.subscriptOid = subscriptOid
        self.category = category
        self.preferred = preferred
        self.delimiter = delimiter
        self.byValue = byValue
        self.alignment = alignment
        self.storage = storage
        self.collatable = collatable
        self.defaultExpression = defaultExpression
        self.defaultLiteral = defaultLiteral
        self.element = element
        self.domainBaseType = domainBaseType
        self.notNull = notNull
        self.collationSchema = collationSchema
        self.collationName = collationName
        self.rangeSubtype = rangeSubtype
        self.rangeMultirange = rangeMultirange
        self.rangeOpclassDefault = rangeOpclassDefault
        self.rangeOpclassSchema = rangeOpclassSchema
        self.rangeOpclassName = rangeOpclassName
        self.rangeCanonical = rangeCanonical
        self.rangeSubtypeDiff = rangeSubtypeDiff
        self.rangeCanonicalOid = rangeCanonicalOid
        self.supportFunctions = supportFunctions
    }
}

/// A composite type's attribute (dumpCompositeType).
public struct CompositeAttributeRow: Sendable {
    public var typeOid: UInt32
    public var number: Int
    public var name: String
    public var type: String
    public var isDropped: Bool
    public var collationSchema: String?
    public var collationName: String?

    public init(
        typeOid: UInt32,
        number: Int,
        name: String,
        type: String,
        isDropped: Bool,
        collationSchema: String? = nil,
        collationName: String? = nil
    ) {
        self.typeOid = typeOid
        self.number = number
        self.name = name
        self.type = type
        self.isDropped = isDropped
        self.collationSchema = collationSchema
        self.collationName = collationName
    }
}

/// A domain's constraint (getDomainConstraints).
public struct DomainConstraintRow: Sendable {
    public var id: CatalogId
    public var typeOid: UInt32
    public var name: String
    public var definition: String
    public var validated: Bool
    /// 'c' (CHECK) or, from PostgreSQL 17, 'n' (NOT NULL).
    public var kind: Character

    public init(
        id: CatalogId,
        typeOid: UInt32,
        name: String,
        definition: String,
        validated: Bool,
        kind: Character
    ) {
        self.id = id
        self.typeOid = typeOid
        self.name = name
        self.definition = definition
        self.validated = validated
        self.kind = kind
    }
}

/// A type that only stands in the dependency graph (pg_dump's DUMMY TYPE).
public struct DummyTypeRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
}

public enum TypeCatalog {
    static let systemSchemaFilter = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'"

    /// The types query's FROM clause: every type outside the system schemas, with `a.isarray`
    /// and `d.detail` (whether pg_dump needs more than the type's id and name: not a table's row
    /// type, an array or a multirange, which only stand in the dependency graph as its DUMMY TYPE).
    static let typeSource = """
        FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        LEFT JOIN pg_catalog.pg_class tc ON t.typrelid <> 0 AND tc.oid = t.typrelid
        LEFT JOIN pg_catalog.pg_type te ON t.typelem <> 0 AND te.oid = t.typelem
        CROSS JOIN LATERAL (SELECT t.typname[0] = '_' AND t.typelem <> 0 AND te.typarray IS NOT DISTINCT FROM t.oid AS isarray) a
        CROSS JOIN LATERAL (SELECT (t.typrelid = 0 OR tc.relkind = 'c') AND NOT a.isarray AND t.typtype <> 'm' AS detail) d
        LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
        LEFT JOIN pg_catalog.pg_collation dc ON t.typtype = 'd' AND t.typcollation <> bt.typcollation AND dc.oid = t.typcollation
        LEFT JOIN pg_catalog.pg_namespace dcn ON dcn.oid = dc.collnamespace
        LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
        LEFT JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
        LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc
        LEFT JOIN pg_catalog.pg_namespace opcn ON opcn.oid = opc.opcnamespace
        LEFT JOIN pg_catalog.pg_collation rc ON r.rngcollation <> st.typcollation AND rc.oid = r.rngcollation
        LEFT JOIN pg_catalog.pg_namespace rcn ON rcn.oid = rc.collnamespace
        """

    /// Table row types, arrays and multiranges: only their id, name and schema are read (one
    /// query for the thousands of them a database with thousands of tables has, so that the
    /// full query's dozens of columns are read only for the types pg_dump can dump).
    public static func dummyTypes(_ c: Connection) throws -> [DummyTypeRow] {
        let rows = try c.query("""
            SELECT t.tableoid, t.oid, t.typname, n.nspname
            \(typeSource)
            WHERE d.detail IS NOT TRUE AND \(systemSchemaFilter)
            ORDER BY t.oid
            """)
        var result: [DummyTypeRow] = []
        result.reserveCapacity(rows.rowCount)
        for i in 0..<rows.rowCount {
            result.append(DummyTypeRow(id: CatalogId(tableOid: rows.uint32(row: i, column: 0) ?? 0, oid: rows.uint32(row: i, column: 1) ?? 0),
                                       name: rows[i, 2] ?? "", schema: rows[i, 3] ?? ""))
        }
        return result
    }

    /// The types pg_dump may dump (all but those `dummyTypes` returns), with everything their
    /// definitions need.
    public static func types(_ c: Connection, serverVersion: Int) throws -> [TypeRow] {
        let v14 = serverVersion >= 140000
        let sql = """
            SELECT t.tableoid, t.oid, t.typname, n.nspname,
                   CASE WHEN d.detail THEN pg_catalog.pg_get_userbyid(t.typowner) ELSE '' END AS owner, t.typacl,
                   t.typtype, t.typisdefined, t.typrelid,
                   CASE WHEN t.typrelid = 0 THEN ' '::"char" ELSE tc.relkind END AS typrelkind,
                   a.isarray,
                   t.typlen, t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze,
                   t.typinput::pg_catalog.oid AS typinputoid, t.typoutput::pg_catalog.oid AS typoutputoid,
                   t.typreceive::pg_catalog.oid AS typreceiveoid, t.typsend::pg_catalog.oid AS typsendoid,
                   t.typmodin::pg_catalog.oid AS typmodinoid, t.typmodout::pg_catalog.oid AS typmodoutoid,
                   t.typanalyze::pg_catalog.oid AS typanalyzeoid,
                   \(v14 ? "t.typsubscript, t.typsubscript::pg_catalog.oid AS typsubscriptoid" : "'-' AS typsubscript, 0 AS typsubscriptoid"),
                   t.typcategory, t.typispreferred, t.typdelim, t.typbyval, t.typalign, t.typstorage,
                   (t.typcollation <> 0) AS typcollatable,
                   CASE WHEN NOT d.detail THEN NULL
                        WHEN t.typtype = 'd' THEN pg_catalog.pg_get_expr(t.typdefaultbin, 'pg_catalog.pg_type'::pg_catalog.regclass)
                        ELSE pg_catalog.pg_get_expr(t.typdefaultbin, 0) END AS typdefaultbin,
                   t.typdefault,
                   CASE WHEN d.detail AND t.typelem <> 0 THEN pg_catalog.format_type(t.typelem, NULL) END AS typelem,
                   CASE WHEN d.detail THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) ELSE '' END AS domaindefn, t.typnotnull,
                   dc.collname AS domcollname, dcn.nspname AS domcollnsp,
                   pg_catalog.format_type(r.rngsubtype, NULL) AS rngsubtype,
                   \(v14 ? "pg_catalog.format_type(r.rngmultitypid, NULL)" : "NULL") AS rngmultitype,
                   opc.opcname, opcn.nspname AS opcnsp, opc.opcdefault,
                   rc.collname AS rngcollname, rcn.nspname AS rngcollnsp,
                   r.rngcanonical, r.rngcanonical::pg_catalog.oid AS rngcanonicaloid, r.rngsubdiff,
                   CASE WHEN d.detail THEN
                     ARRAY(SELECT p.oid::text || ' ' || pn.nspname FROM pg_catalog.pg_proc p
                           JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
                           WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze,
                                           COALESCE(r.rngcanonical, 0)))
                   ELSE '{}'::text[] END AS supportfuncs
            \(typeSource)
            WHERE d.detail AND \(systemSchemaFilter)
            ORDER BY t.oid
            """
        return try c.catalogRows("types", sql).map { r in
            var t = TypeRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("typname"),
                            schema: try r.string("nspname"), owner: try r.string("owner"), acl: r.optional("typacl"),
                            type: try r.char("typtype"), isDefined: try r.bool("typisdefined"), isArray: try r.bool("isarray"),
                            relationId: try r.oid("typrelid"), relationKind: try r.char("typrelkind"))
            t.length = try r.string("typlen")
            t.input = try r.string("typinput"); t.output = try r.string("typoutput")
            t.receive = try r.string("typreceive"); t.send = try r.string("typsend")
            t.typmodIn = try r.string("typmodin"); t.typmodOut = try r.string("typmodout")
            t.analyze = try r.string("typanalyze"); t.subscriptFunction = try r.string("typsubscript")
            t.inputOid = try r.oid("typinputoid"); t.outputOid = try r.oid("typoutputoid")
            t.receiveOid = try r.oid("typreceiveoid"); t.sendOid = try r.oid("typsendoid")
            t.typmodInOid = try r.oid("typmodinoid"); t.typmodOutOid = try r.oid("typmodoutoid")
            t.analyzeOid = try r.oid("typanalyzeoid"); t.subscriptOid = try r.oid("typsubscriptoid")
            t.category = try r.string("typcategory"); t.preferred = try r.bool("typispreferred")
            t.delimiter = try r.string("typdelim"); t.byValue = try r.bool("typbyval")
            t.alignment = try r.char("typalign"); t.storage = try r.char("typstorage")
            t.collatable = try r.bool("typcollatable")
            t.defaultExpression = r.optional("typdefaultbin")
            t.defaultLiteral = r.optional("typdefault")
            t.element = r.optional("typelem")
            t.domainBaseType = try r.string("domaindefn")
            t.notNull = try r.bool("typnotnull")
            if t.type == "d" {
                t.collationSchema = r.optional("domcollnsp"); t.collationName = r.optional("domcollname")
            } else if t.type == "r" {
                t.collationSchema = r.optional("rngcollnsp"); t.collationName = r.optional("rngcollname")
                t.rangeSubtype = try r.string("rngsubtype")
                t.rangeMultirange = r.optional("rngmultitype")
                t.rangeOpclassDefault = try r.bool("opcdefault")
                t.rangeOpclassSchema = try r.string("opcnsp"); t.rangeOpclassName = try r.string("opcname")
                t.rangeCanonical = try r.string("rngcanonical"); t.rangeSubtypeDiff = try r.string("rngsubdiff")
                t.rangeCanonicalOid = try r.oid("rngcanonicaloid")
            }
            t.supportFunctions = (try r.textArray("supportfuncs") ?? []).compactMap { item in
                guard let space = item.firstIndex(of: " "), let oid = UInt32(item[..<space]) else { return nil }
                return (oid, String(item[item.index(after: space)...]))
            }
            return t
        }
    }

    /// Labels of every enum type, in enumsortorder, keyed by type OID.
    public static func enumLabels(_ c: Connection) throws -> [UInt32: [String]] {
        var result: [UInt32: [String]] = [:]
        for r in try c.catalogRows("enum labels", "SELECT enumtypid, enumlabel FROM pg_catalog.pg_enum ORDER BY enumtypid, enumsortorder") {
            result[try r.oid("enumtypid"), default: []].append(try r.string("enumlabel"))
        }
        return result
    }

    /// Attributes of every standalone composite type, by type OID, in attnum order.
    public static func compositeAttributes(_ c: Connection) throws -> [UInt32: [CompositeAttributeRow]] {
        let rows = try c.catalogRows("composite type attributes", """
            SELECT ct.oid AS typeoid, a.attname, a.attnum, pg_catalog.format_type(a.atttypid, a.atttypmod) AS atttypdefn,
                   a.attisdropped, co.collname, con.nspname AS collnsp
            FROM pg_catalog.pg_type ct
            JOIN pg_catalog.pg_class cl ON cl.oid = ct.typrelid AND cl.relkind = 'c'
            JOIN pg_catalog.pg_attribute a ON a.attrelid = ct.typrelid AND a.attnum > 0
            LEFT JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_collation co ON a.attcollation <> at.typcollation AND co.oid = a.attcollation
            LEFT JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
            WHERE ct.typtype = 'c'
            ORDER BY ct.oid, a.attnum
            """)
        var result: [UInt32: [CompositeAttributeRow]] = [:]
        for r in rows {
            let a = CompositeAttributeRow(typeOid: try r.oid("typeoid"), number: try r.int("attnum"), name: try r.string("attname"),
                                          type: try r.string("atttypdefn"), isDropped: try r.bool("attisdropped"),
                                          collationSchema: r.optional("collnsp"), collationName: r.optional("collname"))
            result[a.typeOid, default: []].append(a)
        }
        return result
    }

    /// CHECK (and, from 17, NOT NULL) constraints of every domain, by domain OID, ordered by name.
    public static func domainConstraints(_ c: Connection, serverVersion: Int) throws -> [UInt32: [DomainConstraintRow]] {
        let rows = try c.catalogRows("domain constraints", """
            SELECT tableoid, oid, contypid, conname, pg_catalog.pg_get_constraintdef(oid) AS consrc, convalidated, contype
            FROM pg_catalog.pg_constraint WHERE contypid <> 0
            ORDER BY contypid, conname
            """)
        var result: [UInt32: [DomainConstraintRow]] = [:]
        for r in rows {
            let d = DomainConstraintRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), typeOid: try r.oid("contypid"),
                                        name: try r.string("conname"), definition: try r.string("consrc"),
                                        validated: try r.bool("convalidated"), kind: try r.char("contype"))
            result[d.typeOid, default: []].append(d)
        }
        return result
    }
}
