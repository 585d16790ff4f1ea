import Postgres

/// One pg_proc row as dumpFunc reads it (functions, procedures, window functions; aggregates
/// have an AggregateRow as well).
public struct FunctionRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var schema: String
    public var owner: String
    public var acl: String?
    /// 'f', 'p', 'w' or 'a'.
    public var kind: Character
    /// Argument types as format_type prints them (format_function_signature / the TOC tag).
    public var argumentTypes: [String]
    /// Argument type OIDs (for sort tiebreaks and dependencies).
    public var argumentTypeOids: [UInt32]
    /// Namespace and name of each argument type (pg_dump_sort's pgTypeNameCompare).
    public var argumentTypeSortKeys: [String]
    public var returnsSet: Bool
    public var source: String?
    public var binary: String?
    public var sqlBody: String?
    public var arguments: String
    public var identityArguments: String
    public var result: String?
    public var transformTypes: [String]
    public var volatility: Character
    public var isStrict: Bool
    public var securityDefiner: Bool
    public var leakproof: Bool
    public var config: [String]
    public var cost: String
    public var rows: String
    public var support: String
    public var parallel: Character
    public var language: String
    public var languageOid: UInt32
    /// Extensions the routine is marked as depending on (ALTER ... DEPENDS ON EXTENSION, pg_depend 'x').
    public var dependsOnExtensions: [String] = []

    public init(
        id: CatalogId,
        name: String,
        schema: String,
        owner: String,
        acl: String? = nil,
        kind: Character,
        argumentTypes: [String],
        argumentTypeOids: [UInt32],
        argumentTypeSortKeys: [String],
        returnsSet: Bool,
        source: String? = nil,
        binary: String? = nil,
        sqlBody: String? = nil,
        arguments: String,
        identityArguments: String,
        result: String? = nil,
        transformTypes: [String],
        volatility: Character,
        isStrict: Bool,
        securityDefiner: Bool,
        leakproof: Bool,
        config: [String],
        cost: String,
        rows: String,
        support: String,
        parallel: Character,
        language: String,
        languageOid: UInt32,
        dependsOnExtensions: [String] = []
    ) {
        self.id = id
        self.name = name
        self.schema = schema
        self.owner = owner
        self.acl = acl
        self.kind = kind
        self.argumentTypes = argumentTypes
        self.argumentTypeOids = argumentTypeOids
        self.argumentTypeSortKeys = argumentTypeSortKeys
        self.returnsSet = returnsSet
        self.source = source
        self.binary = binary
        self.sqlBody = sqlBody
        self.arguments = arguments
        self.identityArguments = identityArguments
        self.result = result
        self.transformTypes = transformTypes
        self.volatility = volatility
        self.isStrict = isStrict
        self.securityDefiner = securityDefiner
        self.leakproof = leakproof
        self.config = config
        self.cost = cost
        self.rows = rows
        self.support = support
        self.parallel = parallel
        self.language = language
        self.languageOid = languageOid
        self.dependsOnExtensions = dependsOnExtensions
    }
}

/// pg_aggregate columns as dumpAgg reads them (regproc/regtype already formatted).
public struct AggregateRow: Sendable {
    public var transitionFunction: String
    public var finalFunction: String
    public var transitionType: String
    public var initialValue: String?
    /// Sort operator's schema and name (getFormattedOperatorName), nil when none.
    public var sortOperator: (schema: String, name: String)?
    public var kind: Character
    public var movingTransitionFunction: String
    public var movingInverseFunction: String
    public var movingFinalFunction: String
    public var movingTransitionType: String
    public var finalExtra: Bool
    public var movingFinalExtra: Bool
    public var transitionSpace: String
    public var movingTransitionSpace: String
    public var movingInitialValue: String?
    public var combineFunction: String
    public var serialFunction: String
    public var deserialFunction: String
    public var finalModify: Character
    public var movingFinalModify: Character

    public init(
        transitionFunction: String,
        finalFunction: String,
        transitionType: String,
        initialValue: String? = nil,
        sortOperator: (schema: String, name: String)? = nil,
        kind: Character,
        movingTransitionFunction: String,
        movingInverseFunction: String,
        movingFinalFunction: String,
        movingTransitionType: String,
        finalExtra: Bool,
        movingFinalExtra: Bool,
        transitionSpace: String,
        movingTransitionSpace: String,
        movingInitialValue: String? = nil,
        combineFunction: String,
        serialFunction: String,
        deserialFunction: String,
        finalModify: Character,
        movingFinalModify: Character
    ) {
        self.transitionFunction = transitionFunction
        self.finalFunction = finalFunction
        self.transitionType = transitionType
        self.initialValue = initialValue
        self.sortOperator = sortOperator
        self.kind = kind
        self.movingTransitionFunction = movingTransitionFunction
        self.movingInverseFunction = movingInverseFunction
        self.movingFinalFunction = movingFinalFunction
        self.movingTransitionType = movingTransitionType
        self.finalExtra = finalExtra
        self.movingFinalExtra = movingFinalExtra
        self.transitionSpace = transitionSpace
        self.movingTransitionSpace = movingTransitionSpace
        self.movingInitialValue = movingInitialValue
        self.combineFunction = combineFunction
        self.serialFunction = serialFunction
        self.deserialFunction = deserialFunction
        self.finalModify = finalModify
        self.movingFinalModify = movingFinalModify
    }
}

public enum RoutineCatalog {
    /// Every routine outside the system schemas; `aggregates` holds pg_aggregate data of the
    /// aggregates among them, keyed by OID.
    public static func routines(_ c: Connection, serverVersion: Int) throws -> (functions: [FunctionRow], aggregates: [UInt32: AggregateRow]) {
        let v = serverVersion
        let rows = try c.catalogRows("functions", """
            SELECT p.tableoid, p.oid, p.proname, n.nspname, pg_catalog.pg_get_userbyid(p.proowner) AS owner, p.proacl,
                   \(v >= 110000 ? "p.prokind" : "CASE WHEN p.proisagg THEN 'a' WHEN p.proiswindow THEN 'w' ELSE 'f' END") AS prokind,
                   ARRAY(SELECT pg_catalog.format_type(t, NULL) FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY AS a(t, i) ORDER BY i) AS argtypes,
                   ARRAY(SELECT tn.nspname || E'\\x01' || ty.typname
                         FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY AS a(t, i)
                         LEFT JOIN pg_catalog.pg_type ty ON ty.oid = a.t LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace
                         ORDER BY i) AS argsortkeys,
                   p.proargtypes::text AS argtypeoids,
                   p.proretset, p.prosrc, p.probin,
                   \(v >= 140000 ? "pg_catalog.pg_get_function_sqlbody(p.oid)" : "NULL") AS prosqlbody,
                   pg_catalog.pg_get_function_arguments(p.oid) AS funcargs,
                   pg_catalog.pg_get_function_identity_arguments(p.oid) AS funciargs,
                   pg_catalog.pg_get_function_result(p.oid) AS funcresult,
                   ARRAY(SELECT pg_catalog.format_type(t, NULL) FROM pg_catalog.unnest(p.protrftypes) WITH ORDINALITY AS a(t, i) ORDER BY i) AS trftypes,
                   p.provolatile, p.proisstrict, p.prosecdef, p.proleakproof, p.proconfig, p.procost, p.prorows,
                   \(v >= 120000 ? "p.prosupport" : "'-'") AS prosupport, p.proparallel, l.lanname, p.prolang,
                   ARRAY(SELECT e.extname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                         WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'x'
                           AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass) AS dependsonext
            FROM pg_catalog.pg_proc p
            JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_catalog.pg_language l ON l.oid = p.prolang
            WHERE \(TypeCatalog.systemSchemaFilter)
              -- internally dependent functions (range constructors, ...) come with their owner (getFuncs)
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                              AND d.objid = p.oid AND d.deptype = 'i')
            ORDER BY p.oid
            """)
        var functions: [FunctionRow] = []
        for r in rows {
            let oids = PGArray.oidVector(r.optional("argtypeoids"))
            functions.append(FunctionRow(
                id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("proname"),
                schema: try r.string("nspname"), owner: try r.string("owner"), acl: r.optional("proacl"), kind: try r.char("prokind"),
                argumentTypes: try r.textArray("argtypes") ?? [], argumentTypeOids: oids,
                argumentTypeSortKeys: try r.textArray("argsortkeys") ?? [], returnsSet: try r.bool("proretset"),
                source: r.optional("prosrc"), binary: r.optional("probin"), sqlBody: r.optional("prosqlbody"),
                arguments: r.optional("funcargs") ?? "", identityArguments: r.optional("funciargs") ?? "",
                result: r.optional("funcresult"), transformTypes: try r.textArray("trftypes") ?? [],
                volatility: try r.char("provolatile"), isStrict: try r.bool("proisstrict"), securityDefiner: try r.bool("prosecdef"),
                leakproof: try r.bool("proleakproof"), config: try r.textArray("proconfig") ?? [], cost: try r.string("procost"),
                rows: try r.string("prorows"), support: try r.string("prosupport"), parallel: try r.char("proparallel"),
                language: try r.string("lanname"), languageOid: try r.oid("prolang"),
                dependsOnExtensions: try r.textArray("dependsonext") ?? []))
        }
        let aggRows = try c.catalogRows("aggregates", """
            SELECT a.aggfnoid::pg_catalog.oid AS oid, a.aggtransfn, a.aggfinalfn, a.aggtranstype::pg_catalog.regtype AS aggtranstype,
                   a.agginitval,
                   so.oprname AS sortopname, son.nspname AS sortopnsp,
                   a.aggkind, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn, a.aggmtranstype::pg_catalog.regtype AS aggmtranstype,
                   a.aggfinalextra, a.aggmfinalextra, a.aggtransspace, a.aggmtransspace, a.aggminitval,
                   a.aggcombinefn, a.aggserialfn, a.aggdeserialfn,
                   \(v >= 110000 ? "a.aggfinalmodify, a.aggmfinalmodify" : "'0' AS aggfinalmodify, '0' AS aggmfinalmodify")
            FROM pg_catalog.pg_aggregate a
            JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
            JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            LEFT JOIN pg_catalog.pg_operator so ON so.oid = a.aggsortop
            LEFT JOIN pg_catalog.pg_namespace son ON son.oid = so.oprnamespace
            WHERE \(TypeCatalog.systemSchemaFilter)
            """)
        var aggregates: [UInt32: AggregateRow] = [:]
        for r in aggRows {
            aggregates[try r.oid("oid")] = AggregateRow(
                transitionFunction: try r.string("aggtransfn"), finalFunction: try r.string("aggfinalfn"),
                transitionType: try r.string("aggtranstype"), initialValue: r.optional("agginitval"), sortOperator: r.optional("sortopname").map { (r.optional("sortopnsp") ?? "", $0) },
                kind: try r.char("aggkind"), movingTransitionFunction: try r.string("aggmtransfn"),
                movingInverseFunction: try r.string("aggminvtransfn"), movingFinalFunction: try r.string("aggmfinalfn"),
                movingTransitionType: try r.string("aggmtranstype"), finalExtra: try r.bool("aggfinalextra"),
                movingFinalExtra: try r.bool("aggmfinalextra"), transitionSpace: try r.string("aggtransspace"),
                movingTransitionSpace: try r.string("aggmtransspace"), movingInitialValue: r.optional("aggminitval"),
                combineFunction: try r.string("aggcombinefn"), serialFunction: try r.string("aggserialfn"),
                deserialFunction: try r.string("aggdeserialfn"), finalModify: try r.char("aggfinalmodify"),
                movingFinalModify: try r.char("aggmfinalmodify"))
        }
        return (functions, aggregates)
    }
}
