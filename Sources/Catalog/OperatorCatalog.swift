import Postgres

/// A pg_operator row as dumpOpr reads it (regprocedure/regtype columns as the server prints them).
public struct OperatorRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    /// 'b' (infix), 'l' (prefix) or 'r' (postfix, before 14).
    public var kind: Character
    public var code: String
    public var codeOid: UInt32
    public var left: String
    public var right: String
    /// Namespace and name of the argument types (pg_dump_sort's pgTypeNameCompare), "" for none.
    public var leftSortKey: String
    public var rightSortKey: String
    public var commutator: (schema: String, name: String)?
    public var negator: (schema: String, name: String)?
    public var restrict: String
    public var join: String
    public var canMerge: Bool
    public var canHash: Bool

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        kind: Character,
        code: String,
        codeOid: UInt32,
        left: String,
        right: String,
        leftSortKey: String,
        rightSortKey: String,
        commutator: (schema: String, name: String)? = nil,
        negator: (schema: String, name: String)? = nil,
        restrict: String,
        join: String,
        canMerge: Bool,
        canHash: Bool
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.kind = kind
        self.code = code
        self.codeOid = codeOid
        self.left = left
        self.right = right
        self.leftSortKey = leftSortKey
        self.rightSortKey = rightSortKey
        self.commutator = commutator
        self.negator = negator
        self.restrict = restrict
        self.join = join
        self.canMerge = canMerge
        self.canHash = canHash
    }
}

/// An operator or support function inside an operator class or family (pg_amop / pg_amproc
/// rows tied to it by pg_depend), as dumpOpclass / dumpOpfamily list them.
public struct OperatorClassMember: Sendable {
    public enum Kind: Sendable { case `operator`, function }
    public var kind: Kind
    public var number: Int
    /// regoperator or regprocedure text.
    public var object: String
    /// Operators: the sort family (FOR ORDER BY), as (schema, name).
    public var sortFamily: (schema: String, name: String)?
    /// Functions: left and right types (regtype), "" when not set.
    public var leftType: String = ""
    public var rightType: String = ""

    public init(
        kind: Kind,
        number: Int,
        object: String,
        sortFamily: (schema: String, name: String)? = nil,
        leftType: String = "",
        rightType: String = ""
    ) {
        self.kind = kind
        self.number = number
        self.object = object
        self.sortFamily = sortFamily
        self.leftType = leftType
        self.rightType = rightType
    }
}

public struct OperatorClassRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    public var accessMethod: String
    public var inputType: String
    public var keyType: String
    public var isDefault: Bool
    public var familyName: String?
    public var familySchema: String?
    public var members: [OperatorClassMember] = []

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        accessMethod: String,
        inputType: String,
        keyType: String,
        isDefault: Bool,
        familyName: String? = nil,
        familySchema: String? = nil,
        members: [OperatorClassMember] = []
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.accessMethod = accessMethod
        self.inputType = inputType
        self.keyType = keyType
        self.isDefault = isDefault
        self.familyName = familyName
        self.familySchema = familySchema
        self.members = members
    }
}

public struct OperatorFamilyRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    public var accessMethod: String
    public var members: [OperatorClassMember] = []

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        accessMethod: String,
        members: [OperatorClassMember] = []
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.accessMethod = accessMethod
        self.members = members
    }
}

public struct CollationRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    public var encoding: Int
    public var provider: Character
    public var version: String?
    public var deterministic: Bool
    public var collate: String?
    public var ctype: String?
    /// colliculocale (15, 16) / colllocale (17+).
    public var locale: String?
    /// collicurules (16+).
    public var icuRules: String?

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        encoding: Int,
        provider: Character,
        version: String? = nil,
        deterministic: Bool,
        collate: String? = nil,
        ctype: String? = nil,
        locale: String? = nil,
        icuRules: String? = nil
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.encoding = encoding
        self.provider = provider
        self.version = version
        self.deterministic = deterministic
        self.collate = collate
        self.ctype = ctype
        self.locale = locale
        self.icuRules = icuRules
    }
}

public struct ConversionRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    public var forEncoding: String
    public var toEncoding: String
    public var function: String
    public var isDefault: Bool

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        forEncoding: String,
        toEncoding: String,
        function: String,
        isDefault: Bool
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.forEncoding = forEncoding
        self.toEncoding = toEncoding
        self.function = function
        self.isDefault = isDefault
    }
}

public enum OperatorCatalog {
    static let filter = TypeCatalog.systemSchemaFilter

    public static func operators(_ c: Connection) throws -> [OperatorRow] {
        try c.catalogRows("operators", """
            SELECT o.tableoid, o.oid, o.oprname, n.nspname, pg_catalog.pg_get_userbyid(o.oprowner) AS owner, o.oprkind,
                   o.oprcode::pg_catalog.regprocedure AS oprcode, o.oprcode::pg_catalog.oid AS oprcodeoid,
                   o.oprleft::pg_catalog.regtype AS oprleft, o.oprright::pg_catalog.regtype AS oprright,
                   COALESCE((SELECT tn.nspname || E'\\x01' || t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace WHERE t.oid = o.oprleft), '') AS leftkey,
                   COALESCE((SELECT tn.nspname || E'\\x01' || t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace WHERE t.oid = o.oprright), '') AS rightkey,
                   co.oprname AS comname, con.nspname AS comnsp, ng.oprname AS negname, ngn.nspname AS negnsp,
                   o.oprrest::pg_catalog.regprocedure AS oprrest, o.oprjoin::pg_catalog.regprocedure AS oprjoin,
                   o.oprcanmerge, o.oprcanhash
            FROM pg_catalog.pg_operator o
            JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
            LEFT JOIN pg_catalog.pg_operator co ON co.oid = o.oprcom LEFT JOIN pg_catalog.pg_namespace con ON con.oid = co.oprnamespace
            LEFT JOIN pg_catalog.pg_operator ng ON ng.oid = o.oprnegate LEFT JOIN pg_catalog.pg_namespace ngn ON ngn.oid = ng.oprnamespace
            WHERE \(filter)
            ORDER BY o.oid
            """).map { r in
            OperatorRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("oprname"),
                        schema: try r.string("nspname"), owner: try r.string("owner"), kind: try r.char("oprkind"),
                        code: try r.string("oprcode"), codeOid: try r.oid("oprcodeoid"), left: try r.string("oprleft"),
                        right: try r.string("oprright"), leftSortKey: try r.string("leftkey"), rightSortKey: try r.string("rightkey"),
                        commutator: r.optional("comname").map { (r.optional("comnsp") ?? "", $0) },
                        negator: r.optional("negname").map { (r.optional("negnsp") ?? "", $0) },
                        restrict: try r.string("oprrest"), join: try r.string("oprjoin"),
                        canMerge: try r.bool("oprcanmerge"), canHash: try r.bool("oprcanhash"))
        }
    }

    /// Members of every operator class (refclassid pg_opclass) and family (pg_opfamily), keyed
    /// by the owner's catalog id; operators first by strategy, then functions by number.
    static func members(_ c: Connection) throws -> [CatalogId: [OperatorClassMember]] {
        var result: [CatalogId: [OperatorClassMember]] = [:]
        // dumpOpclass only lists operators of the class's own family (amopfamily = opcfamily).
        let ops = try c.catalogRows("operator class operators", """
            SELECT d.refclassid, d.refobjid, ao.amopstrategy, ao.amopopr::pg_catalog.regoperator AS amopopr,
                   f.opfname AS sortfamily, sn.nspname AS sortfamilynsp
            FROM pg_catalog.pg_amop ao
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amop'::pg_catalog.regclass AND d.objid = ao.oid
            LEFT JOIN pg_catalog.pg_opfamily f ON f.oid = ao.amopsortfamily
            LEFT JOIN pg_catalog.pg_namespace sn ON sn.oid = f.opfnamespace
            WHERE (d.refclassid = 'pg_catalog.pg_opclass'::pg_catalog.regclass
                   AND ao.amopfamily = (SELECT opcfamily FROM pg_catalog.pg_opclass WHERE oid = d.refobjid))
               OR (d.refclassid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND ao.amopfamily = d.refobjid)
            ORDER BY d.refclassid, d.refobjid, ao.amopstrategy
            """)
        for r in ops {
            let owner = CatalogId(tableOid: try r.oid("refclassid"), oid: try r.oid("refobjid"))
            result[owner, default: []].append(OperatorClassMember(
                kind: .operator, number: try r.int("amopstrategy"), object: try r.string("amopopr"),
                sortFamily: r.optional("sortfamily").map { (r.optional("sortfamilynsp") ?? "", $0) }))
        }
        let procs = try c.catalogRows("operator class functions", """
            SELECT d.refclassid, d.refobjid, ap.amprocnum, ap.amproc::pg_catalog.regprocedure AS amproc,
                   ap.amproclefttype::pg_catalog.regtype AS amproclefttype, ap.amprocrighttype::pg_catalog.regtype AS amprocrighttype
            FROM pg_catalog.pg_amproc ap
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amproc'::pg_catalog.regclass AND d.objid = ap.oid
            WHERE d.refclassid IN ('pg_catalog.pg_opclass'::pg_catalog.regclass, 'pg_catalog.pg_opfamily'::pg_catalog.regclass)
            ORDER BY d.refclassid, d.refobjid, ap.amprocnum
            """)
        for r in procs {
            let owner = CatalogId(tableOid: try r.oid("refclassid"), oid: try r.oid("refobjid"))
            result[owner, default: []].append(OperatorClassMember(
                kind: .function, number: try r.int("amprocnum"), object: try r.string("amproc"), sortFamily: nil,
                leftType: r.optional("amproclefttype") ?? "", rightType: r.optional("amprocrighttype") ?? ""))
        }
        return result
    }

    public static func classesAndFamilies(_ c: Connection) throws -> (classes: [OperatorClassRow], families: [OperatorFamilyRow]) {
        let members = try members(c)
        let classes = try c.catalogRows("operator classes", """
            SELECT c.tableoid, c.oid, c.opcname, n.nspname, pg_catalog.pg_get_userbyid(c.opcowner) AS owner,
                   c.opcintype::pg_catalog.regtype AS opcintype, c.opckeytype::pg_catalog.regtype AS opckeytype, c.opcdefault,
                   f.opfname AS opcfamilyname, fn.nspname AS opcfamilynsp,
                   (SELECT amname FROM pg_catalog.pg_am WHERE oid = c.opcmethod) AS amname
            FROM pg_catalog.pg_opclass c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace
            LEFT JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily
            LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace
            WHERE \(filter) ORDER BY c.oid
            """).map { r in
            let id = CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid"))
            return OperatorClassRow(id: id, name: try r.string("opcname"), schema: try r.string("nspname"), owner: try r.string("owner"),
                                    accessMethod: try r.string("amname"), inputType: try r.string("opcintype"),
                                    keyType: try r.string("opckeytype"), isDefault: try r.bool("opcdefault"),
                                    familyName: r.optional("opcfamilyname"), familySchema: r.optional("opcfamilynsp"),
                                    members: members[id] ?? [])
        }
        let families = try c.catalogRows("operator families", """
            SELECT f.tableoid, f.oid, f.opfname, n.nspname, pg_catalog.pg_get_userbyid(f.opfowner) AS owner,
                   (SELECT amname FROM pg_catalog.pg_am WHERE oid = f.opfmethod) AS amname
            FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
            WHERE \(filter) ORDER BY f.oid
            """).map { r in
            let id = CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid"))
            return OperatorFamilyRow(id: id, name: try r.string("opfname"), schema: try r.string("nspname"), owner: try r.string("owner"),
                                     accessMethod: try r.string("amname"), members: members[id] ?? [])
        }
        return (classes, families)
    }

    public static func collations(_ c: Connection, serverVersion v: Int) throws -> [CollationRow] {
        let locale = v >= 170000 ? "c.colllocale" : v >= 150000 ? "c.colliculocale" : "NULL"
        return try c.catalogRows("collations", """
            SELECT c.tableoid, c.oid, c.collname, n.nspname, pg_catalog.pg_get_userbyid(c.collowner) AS owner, c.collencoding,
                   c.collprovider, c.collversion, \(v >= 120000 ? "c.collisdeterministic" : "true") AS collisdeterministic,
                   c.collcollate, c.collctype, \(locale) AS locale, \(v >= 160000 ? "c.collicurules" : "NULL") AS icurules
            FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
            WHERE \(filter) ORDER BY c.oid
            """).map { r in
            var collate = r.optional("collcollate"), ctype = r.optional("collctype")
            if v < 150000 {
                if collate == "" { collate = nil }
                if ctype == "" { ctype = nil }
            }
            return CollationRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("collname"),
                                schema: try r.string("nspname"), owner: try r.string("owner"), encoding: try r.int("collencoding"),
                                provider: try r.char("collprovider"), version: r.optional("collversion"),
                                deterministic: try r.bool("collisdeterministic"), collate: collate, ctype: ctype,
                                locale: r.optional("locale"), icuRules: r.optional("icurules"))
        }
    }

    public static func conversions(_ c: Connection) throws -> [ConversionRow] {
        try c.catalogRows("conversions", """
            SELECT c.tableoid, c.oid, c.conname, n.nspname, pg_catalog.pg_get_userbyid(c.conowner) AS owner,
                   pg_catalog.pg_encoding_to_char(c.conforencoding) AS conforencoding,
                   pg_catalog.pg_encoding_to_char(c.contoencoding) AS contoencoding, c.conproc, c.condefault
            FROM pg_catalog.pg_conversion c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace
            WHERE \(filter) ORDER BY c.oid
            """).map { r in
            ConversionRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("conname"),
                          schema: try r.string("nspname"), owner: try r.string("owner"), forEncoding: try r.string("conforencoding"),
                          toEncoding: try r.string("contoencoding"), function: try r.string("conproc"), isDefault: try r.bool("condefault"))
        }
    }
}
