import Archive
import Catalog
@testable import Dump
import XCTest

/// pg_dump_sort.c: priorities, type/name order, topological sort, boundaries. Loop repairs are
/// in LoopRepairTests.
final class SortTests: XCTestCase {
    // MARK: priorities

    func testEveryKindSortsInsideItsSection() {
        // Priorities must agree with the sections addBoundaryDependencies assigns.
        for major in [15, 16, 17, 18] {
            let pre = SortPriority.level(of: .preDataBoundary, pgDumpMajor: major)
            let post = SortPriority.level(of: .postDataBoundary, pgDumpMajor: major)
            for kind in DumpObjectKind.allCases where kind != .preDataBoundary && kind != .postDataBoundary {
                let t = SortTestGraph()
                let object = t.add(kind, "x")
                if kind == .relStats { object.statisticsSection = .data }
                let (b1, b2) = SectionBoundaries.create(in: t.graph)
                SectionBoundaries.addDependencies([object], preData: b1, postData: b2, pgDumpMajor: major)
                let level = SortPriority.level(of: kind, pgDumpMajor: major)
                if b1.dependencies.contains(object.dumpId) && !b2.dependencies.contains(object.dumpId) {
                    XCTAssertLessThan(level, pre, "\(kind) in \(major) is pre-data")
                } else if b2.dependencies.contains(object.dumpId) {
                    XCTAssertTrue(pre < level && level < post, "\(kind) in \(major) is data")
                } else if object.dependencies.contains(b2.dumpId) {
                    XCTAssertGreaterThan(level, post, "\(kind) in \(major) is post-data")
                } else {
                    // rules and constraints not dumped separately live inside their parent
                    XCTAssertTrue([.rule, .constraint, .fkConstraint].contains(kind), "\(kind) has no section in \(major)")
                }
            }
        }
    }

    func testLargeObjectsMoveToDataIn17() throws {
        XCTAssertLessThan(SortPriority.level(of: .largeObject, pgDumpMajor: 16), SortPriority.level(of: .preDataBoundary, pgDumpMajor: 16))
        XCTAssertGreaterThan(SortPriority.level(of: .largeObject, pgDumpMajor: 17), SortPriority.level(of: .sequenceSet, pgDumpMajor: 17))
        for (major, expected) in [(16, ["t", "4242", "<pre>", "t", "<post>"]), (17, ["t", "<pre>", "t", "4242", "<post>"])] {
            let g = SortTestGraph()
            let table = g.add(.table, "t")
            g.add(.tableData, "t", deps: [table])
            g.add(.largeObject, "4242", schema: nil)
            XCTAssertEqual(try g.order(major: major, keepBoundaries: true), expected, "pg_dump \(major)")
        }
    }

    func testPriorityOrderOfAllKinds() throws {
        let g = SortTestGraph()
        for kind in DumpObjectKind.allCases.reversed() where kind != .preDataBoundary && kind != .postDataBoundary {
            let o = g.add(kind, "\(kind)")
            if kind == .rule || kind == .constraint || kind == .fkConstraint { o.separate = true }
            if kind == .relStats { o.statisticsSection = .data }
        }
        let order = try g.order(major: 18, keepBoundaries: true)
        XCTAssertEqual(order, [
            "namespace", "procLang", "collation", "transform", "extension", "shellType", "type", "cast", "function",
            "aggregate", "accessMethod", "operator", "opclass", "opfamily", "conversion", "tsParser", "tsTemplate",
            "tsDict", "tsConfig", "fdw", "foreignServer", "table", "tableAttach", "dummyType", "attrDef", "<pre>",
            "tableData", "sequenceSet", "largeObject", "largeObjectData", "relStats", "<post>", "constraint", "index",
            "indexAttach", "statsExt", "rule", "trigger", "fkConstraint", "policy", "publication", "publicationRel",
            "publicationTableInSchema", "subscription", "subscriptionRel", "defaultACL", "eventTrigger", "refreshMatview",
        ])
    }

    // MARK: type/name order

    func testNamesCompareAsBytesAndNullSchemaLast() throws {
        let g = SortTestGraph()
        g.add(.table, "b", schema: "s2")
        g.add(.table, "é", schema: "s1")
        g.add(.table, "a", schema: "s1")
        g.add(.table, "B", schema: "s1")
        g.add(.table, "zz", schema: nil)
        XCTAssertEqual(try g.order(), ["B", "a", "é", "b", "zz"])
    }

    func testOpclassSortsBeforeOpfamilyOfTheSameNameThenByAccessMethod() throws {
        let g = SortTestGraph()
        g.add(.opfamily, "ops", tiebreak: SortTiebreak.accessMethod("btree"))
        g.add(.opclass, "ops", oid: 90, tiebreak: SortTiebreak.accessMethod("hash"))
        g.add(.opclass, "ops", oid: 91, tiebreak: SortTiebreak.accessMethod("btree"))
        let order = try g.result().objects.filter { $0.kind == .opclass || $0.kind == .opfamily }
        XCTAssertEqual(order.map { "\($0.kind) \($0.sortTiebreak[0])" }, ["opclass btree", "opclass hash", "opfamily btree"])
    }

    func testFunctionsTieOnArgumentCountThenArgumentTypes() throws {
        let int4 = SortTiebreak.TypeName(namespace: "pg_catalog", name: "int4")
        let text = SortTiebreak.TypeName(namespace: "pg_catalog", name: "text")
        let mine = SortTiebreak.TypeName(namespace: "app", name: "zz")
        let g = SortTestGraph()
        g.add(.function, "f", oid: 1, tiebreak: SortTiebreak.function(argumentTypes: [text]))
        g.add(.function, "f", oid: 2, tiebreak: SortTiebreak.function(argumentTypes: [int4, int4]))
        g.add(.function, "f", oid: 3, tiebreak: SortTiebreak.function(argumentTypes: [int4]))
        g.add(.function, "f", oid: 4, tiebreak: SortTiebreak.function(argumentTypes: []))
        g.add(.function, "f", oid: 5, tiebreak: SortTiebreak.function(argumentTypes: [mine]))
        let oids = try g.result().objects.filter { $0.kind == .function }.map(\.catalogId.oid)
        XCTAssertEqual(oids, [4, 5, 3, 1, 2])
    }

    func testOperatorsTieOnKindPrefixBeforeInfixThenOperandTypes() throws {
        let int4 = SortTiebreak.TypeName(namespace: "pg_catalog", name: "int4")
        let int8 = SortTiebreak.TypeName(namespace: "pg_catalog", name: "int8")
        let g = SortTestGraph()
        g.add(.operator, "+", oid: 1, tiebreak: SortTiebreak.operator(kind: "b", left: int8, right: int4))
        g.add(.operator, "+", oid: 2, tiebreak: SortTiebreak.operator(kind: "b", left: int4, right: int8))
        g.add(.operator, "+", oid: 3, tiebreak: SortTiebreak.operator(kind: "l", left: nil, right: int8))
        g.add(.operator, "+", oid: 4, tiebreak: SortTiebreak.operator(kind: "b", left: int4, right: int4))
        let oids = try g.result().objects.filter { $0.kind == .operator }.map(\.catalogId.oid)
        XCTAssertEqual(oids, [3, 4, 2, 1])
    }

    func testSubObjectTiebreaks() throws {
        let g = SortTestGraph()
        // attribute defaults are named after their table: column number decides
        g.add(.attrDef, "t", oid: 1, tiebreak: SortTiebreak.attrDef(columnNumber: 10))
        g.add(.attrDef, "t", oid: 2, tiebreak: SortTiebreak.attrDef(columnNumber: 2))
        // triggers of the same name on two tables: the table name decides
        g.add(.trigger, "trg", oid: 3, tiebreak: SortTiebreak.parentTable("zeta"))
        g.add(.trigger, "trg", oid: 4, tiebreak: SortTiebreak.parentTable("alpha"))
        // constraints: domain constraints first, then by table
        for (oid, tb) in [(5, SortTiebreak.constraint(domain: nil, table: "a")), (6, SortTiebreak.constraint(domain: "zdom", table: nil)),
                          (7, SortTiebreak.constraint(domain: "adom", table: nil))] {
            g.add(.constraint, "c", oid: UInt32(oid), tiebreak: tb).separate = true
        }
        // collations by encoding (-1 = any first), default ACLs by role, then OID as a last resort
        g.add(.collation, "coll", oid: 8, tiebreak: SortTiebreak.collation(encoding: 6))
        g.add(.collation, "coll", oid: 9, tiebreak: SortTiebreak.collation(encoding: -1))
        g.add(.defaultACL, "r", schema: nil, oid: 10, tiebreak: SortTiebreak.defaultACL(role: "zed"))
        g.add(.defaultACL, "r", schema: nil, oid: 11, tiebreak: SortTiebreak.defaultACL(role: "amy"))
        g.add(.publicationRel, "t", oid: 12, tiebreak: SortTiebreak.publication("pub_b"))
        g.add(.publicationRel, "t", oid: 13, tiebreak: SortTiebreak.publication("pub_a"))
        g.add(.policy, "p", oid: 15)
        g.add(.policy, "p", oid: 14)
        let oids = try g.result().objects.map(\.catalogId.oid).filter { $0 != 0 }
        XCTAssertEqual(oids, [9, 8, 2, 1, 7, 6, 5, 4, 3, 14, 15, 13, 12, 11, 10])
    }

    // MARK: topological sort

    func testDependencySortMovesOnlyWhatItMust() throws {
        let g = SortTestGraph()
        let a = g.add(.table, "A"), b = g.add(.table, "B"), c = g.add(.table, "C"), d = g.add(.table, "D")
        a.dependencies = [d.dumpId]
        // Working backwards, pg_dump places C, B, then A; only then is D free: it goes before A.
        XCTAssertEqual(try g.topoOrder([a, b, c, d]), ["D", "A", "B", "C"])
        // A chain pulls its whole prefix up, keeping independent objects in input order after it.
        b.dependencies = [d.dumpId]
        c.dependencies = [a.dumpId]
        XCTAssertEqual(try g.topoOrder([a, b, c, d]), ["D", "A", "B", "C"])
        a.dependencies = []
        XCTAssertEqual(try g.topoOrder([a, b, c, d]), ["A", "D", "B", "C"])
    }

    func testDependencySortPrefersLaterInputWhenWorkingBackwards() throws {
        // x1 and x2 both depend on y; y is placed directly before the earliest of its dependents.
        let g = SortTestGraph()
        let p = g.add(.function, "p"), x1 = g.add(.function, "x1"), q = g.add(.function, "q")
        let x2 = g.add(.function, "x2"), y = g.add(.function, "y")
        x1.dependencies = [y.dumpId]
        x2.dependencies = [y.dumpId]
        XCTAssertEqual(try g.topoOrder([p, x1, q, x2, y]), ["p", "y", "x1", "q", "x2"])
    }

    func testDependenciesOnObjectsOutsideTheSortAreIgnored() throws {
        let g = SortTestGraph()
        let a = g.add(.table, "A"), b = g.add(.table, "B")
        a.dependencies = [999]
        XCTAssertEqual(try g.topoOrder([a, b]), ["A", "B"])
    }

    func testBoundariesKeepSectionsApartAgainstDependencies() throws {
        let g = SortTestGraph()
        let table = g.add(.table, "t")
        let index = g.add(.index, "t_idx", deps: [table])
        g.add(.tableData, "t", deps: [table])
        // a function depending on a post-data index cannot be pre-data: the loop is repaired by
        // postponing the function (repairFunctionBoundaryMultiLoop)
        let f = g.add(.function, "f", deps: [index])
        let result = try g.result()
        XCTAssertEqual(result.objects.map(\.name), ["t", "PRE-DATA BOUNDARY", "t", "POST-DATA BOUNDARY", "t_idx", "f"])
        XCTAssertTrue(f.postponedDefinition)
        XCTAssertEqual(result.warnings, [])
    }
}
