import Catalog
import DDL
import XCTest

/// Renderer cases the fixture database does not reach; pure, no server.
final class NonRelationDDLTests: XCTestCase {
    let ctx = RenderContext(serverVersion: 150004, pgDumpMajor: 15)
    let id = CatalogId(tableOid: 1255, oid: 20000)

    func function(_ edit: (inout FunctionRow) -> Void = { _ in }) -> FunctionRow {
        var f = FunctionRow(id: id, name: "f", schema: "s", owner: "o", acl: nil, kind: "f", argumentTypes: ["integer"],
                            argumentTypeOids: [23], argumentTypeSortKeys: ["pg_catalog\u{1}int4"], returnsSet: false, source: "SELECT 1",
                            binary: nil, sqlBody: nil, arguments: "x integer", identityArguments: "x integer", result: "integer",
                            transformTypes: [], volatility: "v", isStrict: false, securityDefiner: false, leakproof: false,
                            config: [], cost: "100", rows: "0", support: "-", parallel: "u", language: "sql", languageOid: 14)
        edit(&f)
        return f
    }

    func testDollarQuoteAvoidsDelimitersInBody() {
        XCTAssertEqual(ctx.dollarQuoted("a"), "$$a$$")
        XCTAssertEqual(ctx.dollarQuoted("$$"), "$_$$$$_$")
        XCTAssertEqual(ctx.dollarQuoted("$_$ and $$"), "$_X$$_$ and $$$_X$")
    }

    func testSplitGUCList() {
        XCTAssertEqual(splitGUCList("pg_catalog, pg_temp"), ["pg_catalog", "pg_temp"])
        XCTAssertEqual(splitGUCList("\"My \"\"S\"\"\", public"), ["My \"S\"", "public"])
        XCTAssertEqual(splitGUCList("  "), [])
        XCTAssertTrue(gucIsListQuoted("Search_Path"))
        XCTAssertFalse(gucIsListQuoted("work_mem"))
    }

    func testPGArrayParsing() {
        XCTAssertEqual(PGArray.parse("{}"), [])
        XCTAssertEqual(PGArray.parse("{a,\"b c\",\"d\\\"e\"}"), ["a", "b c", "d\"e"])
        XCTAssertEqual(PGArray.parse("{search_path=pg_catalog,\"DateStyle=ISO, DMY\"}"), ["search_path=pg_catalog", "DateStyle=ISO, DMY"])
        XCTAssertNil(PGArray.parse("[0:0]={1}"))
    }

    func testFunctionAttributesAndSetClauses() {
        let f = function {
            $0.kind = "w"; $0.volatility = "s"; $0.isStrict = true; $0.securityDefiner = true; $0.leakproof = true
            $0.cost = "7"; $0.returnsSet = true; $0.rows = "5"; $0.result = "SETOF integer"; $0.parallel = "r"
            $0.transformTypes = ["hstore", "integer"]
            $0.config = ["search_path=\"a b\", public", "work_mem=8MB", "bogus"]
        }
        XCTAssertEqual(RoutineDDL.function(f, ctx).create, """
            CREATE FUNCTION s.f(x integer) RETURNS SETOF integer
                LANGUAGE sql TRANSFORM FOR TYPE hstore, FOR TYPE integer WINDOW STABLE STRICT SECURITY DEFINER LEAKPROOF COST 7 ROWS 5 PARALLEL RESTRICTED
                SET search_path TO 'a b', 'public'
                SET work_mem TO '8MB'
                AS $$SELECT 1$$;

            """)
        XCTAssertEqual(RoutineDDL.function(f, ctx).drop, "DROP FUNCTION s.f(x integer);\n")
        XCTAssertEqual(RoutineDDL.tag(f), "f(integer)")
    }

    func testCFunctionSourceQuoting() {
        let plain = function { $0.language = "c"; $0.binary = "$libdir/x"; $0.source = "x_in"; $0.cost = "1" }
        XCTAssertTrue(RoutineDDL.function(plain, ctx).create.hasSuffix("LANGUAGE c\n    AS '$libdir/x', 'x_in';\n"))
        let quoted = function { $0.language = "c"; $0.binary = "$libdir/x"; $0.source = "it's"; $0.cost = "1" }
        XCTAssertTrue(RoutineDDL.function(quoted, ctx).create.hasSuffix("AS '$libdir/x', $$it's$$;\n"))
    }

    func testProcedureHasNoReturnsClause() {
        let p = function { $0.kind = "p"; $0.result = nil }
        XCTAssertEqual(RoutineDDL.function(p, ctx).create, "CREATE PROCEDURE s.f(x integer)\n    LANGUAGE sql\n    AS $$SELECT 1$$;\n")
    }

    func testZeroArgumentHypotheticalAggregate() {
        let f = function { $0.kind = "a"; $0.argumentTypes = []; $0.arguments = ""; $0.identityArguments = ""; $0.parallel = "s" }
        let a = AggregateRow(transitionFunction: "s.step", finalFunction: "s.fin", transitionType: "internal", initialValue: nil,
                             sortOperator: nil, kind: "h", movingTransitionFunction: "-", movingInverseFunction: "-",
                             movingFinalFunction: "-", movingTransitionType: "-", finalExtra: true, movingFinalExtra: false,
                             transitionSpace: "16", movingTransitionSpace: "0", movingInitialValue: nil, combineFunction: "-",
                             serialFunction: "-", deserialFunction: "-", finalModify: "s", movingFinalModify: "0")
        let ddl = RoutineDDL.aggregate(f, a, ctx)
        XCTAssertEqual(ddl.create, """
            CREATE AGGREGATE s.f(*) (
                SFUNC = s.step,
                STYPE = internal,
                SSPACE = 16,
                FINALFUNC = s.fin,
                FINALFUNC_EXTRA,
                FINALFUNC_MODIFY = SHAREABLE,
                HYPOTHETICAL,
                PARALLEL = safe
            );

            """)
        XCTAssertEqual(ddl.tag, "f(*)")
        XCTAssertEqual(ddl.drop, "DROP AGGREGATE s.f(*);\n")
    }

    func testPrefixOperatorAndRegprocReferences() {
        XCTAssertEqual(OperatorDDL.regprocReference("s.\"f(x\"(integer)"), "s.\"f(x\"")
        XCTAssertNil(OperatorDDL.regprocReference("-"))
        let op = OperatorRow(id: id, name: "!!", schema: "s", owner: "o", kind: "l", code: "s.neg(integer)", codeOid: 1, left: "-",
                             right: "integer", leftSortKey: "", rightSortKey: "", commutator: nil, negator: nil, restrict: "-",
                             join: "-", canMerge: false, canHash: false)
        let ddl = OperatorDDL.operator(op, ctx)
        XCTAssertEqual(ddl?.create, "CREATE OPERATOR s.!! (\n    FUNCTION = s.neg,\n    RIGHTARG = integer\n);\n")
        XCTAssertEqual(ddl?.drop, "DROP OPERATOR s.!! (NONE, integer);\n")
        var noCode = op
        noCode.codeOid = 0
        XCTAssertNil(OperatorDDL.operator(noCode, ctx))
    }

    func testOperatorClassWithoutMembersStoresInputType() {
        let oc = OperatorClassRow(id: id, name: "c", schema: "s", owner: "o", accessMethod: "gist", inputType: "s.t", keyType: "-",
                                  isDefault: false, familyName: nil, familySchema: nil,
                                  members: [])
        XCTAssertEqual(OperatorDDL.operatorClass(oc, ctx).create, "CREATE OPERATOR CLASS s.c\n    FOR TYPE s.t USING gist AS\n    STORAGE s.t;\n")
        var ordered = oc
        ordered.members = [OperatorClassMember(kind: .operator, number: 15, object: "<->(point,point)", sortFamily: ("pg_catalog", "float_ops"))]
        XCTAssertTrue(OperatorDDL.operatorClass(ordered, ctx).create.contains("OPERATOR 15 <->(point,point) FOR ORDER BY pg_catalog.float_ops;"))
    }

    func testCollationProviders() {
        var c = CollationRow(id: id, name: "c", schema: "s", owner: "o", encoding: -1, provider: "c", version: nil, deterministic: true,
                             collate: "C", ctype: "POSIX", locale: nil, icuRules: nil)
        XCTAssertEqual(OperatorDDL.collation(c, ctx).create, "CREATE COLLATION s.c (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');\n")
        c.provider = "i"; c.collate = nil; c.ctype = nil; c.locale = "und-u-ks-level2"; c.deterministic = false; c.version = "153.1"
        XCTAssertEqual(OperatorDDL.collation(c, ctx).create,
                       "CREATE COLLATION s.c (provider = icu, deterministic = false, locale = 'und-u-ks-level2');\n")
    }

    func testEventTriggerEnableAlwaysAndSubscriptionOptions() {
        let e = EventTriggerRow(id: id, name: "e", owner: "o", event: "ddl_command_start", tags: "", function: "s.f", enabled: "A")
        XCTAssertEqual(PublicationDDL.eventTrigger(e, ctx).create,
                       "CREATE EVENT TRIGGER e ON ddl_command_start\n   EXECUTE FUNCTION s.f();\n\nALTER EVENT TRIGGER e ENABLE ALWAYS;\n")
        let s = SubscriptionRow(id: id, name: "sub", owner: "o", connectionInfo: "dbname=x", slotName: "slot", synchronousCommit: "local",
                                publications: ["p"], binary: false, stream: "f", twoPhaseState: "p", disableOnError: true, origin: "none",
                                passwordRequired: true, runAsOwner: false, failover: false)
        XCTAssertEqual(PublicationDDL.subscription(s, ctx).create,
                       "CREATE SUBSCRIPTION sub CONNECTION 'dbname=x' PUBLICATION p WITH (connect = false, slot_name = 'slot', two_phase = on, disable_on_error = true, synchronous_commit = local);\n")
    }

    func testTextSearchParserWithoutHeadlineAndLanguageWithoutDumpedHandler() {
        let p = TSParserRow(id: id, name: "p", schema: "s", start: "a", getToken: "b", end: "c", lexTypes: "d", headline: nil)
        XCTAssertEqual(TextSearchDDL.parser(p, ctx).create, "CREATE TEXT SEARCH PARSER s.p (\n    START = a,\n    GETTOKEN = b,\n    END = c,\n    LEXTYPES = d );\n")
        let l = LanguageRow(id: id, name: "pl", trusted: true, handler: 1, inline: 2, validator: 0, owner: "o", acl: nil)
        XCTAssertEqual(ExtensionDDL.language(l, handler: "s.h", inline: nil, validator: nil, ctx).create, "CREATE OR REPLACE PROCEDURAL LANGUAGE pl;\n")
        XCTAssertEqual(ExtensionDDL.language(l, handler: "s.h", inline: "s.i", validator: nil, ctx).create,
                       "CREATE TRUSTED PROCEDURAL LANGUAGE pl HANDLER s.h INLINE s.i;\n")
    }
}
