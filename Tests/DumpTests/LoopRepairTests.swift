import Catalog
@testable import Dump
import XCTest

/// One test per repairDependencyLoop case: the loop pg_dump meets, the flags and dependencies its
/// fixer leaves, and the resulting order.
final class LoopRepairTests: XCTestCase {
    func testTypeAndIOFunctionLoopMovesFunctionOntoShellType() throws {
        let g = SortTestGraph()
        let shell = g.add(.shellType, "widget")
        shell.dumpDefinition = false
        let type = g.add(.type, "widget")
        type.shellTypeDumpId = shell.dumpId
        let input = g.add(.function, "widget_in", deps: [type])
        let output = g.add(.function, "widget_out", deps: [type])
        type.dependencies = [input.dumpId, output.dumpId]
        let result = try g.result()
        XCTAssertEqual(result.objects.map(\.name).prefix(4), ["widget", "widget_in", "widget_out", "widget"])
        XCTAssertEqual(result.objects[0].kind, .shellType)
        XCTAssertEqual(input.dependencies.filter { $0 != type.dumpId }, [shell.dumpId])
        XCTAssertFalse(input.dependencies.contains(type.dumpId))
        XCTAssertTrue(shell.dumpDefinition)
        XCTAssertEqual(result.warnings, [])
    }

    func testViewAndOnSelectRuleLoopDropsRuleDependency() throws {
        let g = SortTestGraph()
        let base = g.add(.table, "base")
        base.relkind = "r"
        let view = g.add(.table, "v")
        view.relkind = "v"
        let rule = g.add(.rule, "_RETURN", deps: [view, base])
        rule.isOnSelectInsteadRule = true
        rule.parentDumpId = view.dumpId
        view.dependencies = [rule.dumpId]
        XCTAssertEqual(try g.order(), ["base", "_RETURN", "v"])
        XCTAssertEqual(rule.dependencies, [base.dumpId])
        XCTAssertFalse(rule.separate)
        XCTAssertFalse(view.dummyView)
    }

    func testViewRuleMultiLoopSplitsRuleIntoPostData() throws {
        // v's rule uses f, and f returns v's rowtype: v -> _RETURN -> f -> v.
        let g = SortTestGraph()
        let view = g.add(.table, "v")
        view.relkind = "v"
        let rule = g.add(.rule, "_RETURN")
        rule.isOnSelectInsteadRule = true
        rule.parentDumpId = view.dumpId
        let f = g.add(.function, "f", deps: [view])
        rule.dependencies = [view.dumpId, f.dumpId]
        view.dependencies = [rule.dumpId]
        let result = try g.result()
        XCTAssertTrue(view.dummyView)
        XCTAssertTrue(rule.separate)
        XCTAssertFalse(view.dependencies.contains(rule.dumpId))
        XCTAssertEqual(result.objects.map(\.name), ["v", "f", "PRE-DATA BOUNDARY", "POST-DATA BOUNDARY", "_RETURN"])
    }

    func testMatviewBoundaryLoopPostponesMatview() throws {
        // A matview depending on a unique index (GROUP BY on the key) is postponed into post-data.
        let g = SortTestGraph()
        let table = g.add(.table, "t")
        table.relkind = "r"
        let index = g.add(.index, "t_pkey", deps: [table])
        let mv = g.add(.table, "mv", deps: [index])
        mv.relkind = "m"
        let result = try g.result()
        XCTAssertTrue(mv.postponedDefinition)
        XCTAssertEqual(result.objects.map(\.name), ["t", "PRE-DATA BOUNDARY", "POST-DATA BOUNDARY", "t_pkey", "mv"])
    }

    func testMatviewStatisticsBoundaryLoopMovesStatisticsToPostData() throws {
        // pg_dump 18: a matview's statistics (data section) depend on post-data objects.
        let g = SortTestGraph()
        let table = g.add(.table, "t")
        let index = g.add(.index, "t_pkey", deps: [table])
        let stats = g.add(.relStats, "mv", deps: [index])
        stats.relkind = "m"
        stats.statisticsSection = .data
        let result = try g.result(major: 18)
        XCTAssertEqual(stats.statisticsSection, .postData)
        XCTAssertEqual(result.objects.map(\.name), ["t", "PRE-DATA BOUNDARY", "POST-DATA BOUNDARY", "t_pkey", "mv"])
    }

    func testFunctionBoundaryLoopPostponesFunction() throws {
        let g = SortTestGraph()
        let table = g.add(.table, "t")
        let index = g.add(.index, "t_pkey", deps: [table])
        let f = g.add(.function, "f", deps: [index])
        _ = try g.result()
        XCTAssertTrue(f.postponedDefinition)
    }

    func testTableAndCheckConstraintLoopKeepsConstraintInline() throws {
        let g = SortTestGraph()
        let table = g.add(.table, "t")
        let check = g.add(.constraint, "t_check", deps: [table])
        check.constraintType = "c"
        check.parentDumpId = table.dumpId
        table.dependencies = [check.dumpId]
        XCTAssertEqual(try g.order(), ["t_check", "t"])
        XCTAssertEqual(check.dependencies, [])
        XCTAssertFalse(check.separate)
    }

    func testTableCheckMultiLoopSplitsConstraintIntoPostData() throws {
        // CHECK (f(t)) where f takes t's rowtype: t -> t_check -> f -> t.
        let g = SortTestGraph()
        let table = g.add(.table, "t")
        let f = g.add(.function, "f", deps: [table])
        let check = g.add(.constraint, "t_check", deps: [table, f])
        check.constraintType = "c"
        check.parentDumpId = table.dumpId
        table.dependencies = [check.dumpId]
        let result = try g.result()
        XCTAssertTrue(check.separate)
        XCTAssertEqual(result.objects.map(\.name), ["t", "f", "PRE-DATA BOUNDARY", "POST-DATA BOUNDARY", "t_check"])
    }

    func testTableAndDefaultLoops() throws {
        let g = SortTestGraph()
        let table = g.add(.table, "t")
        let def = g.add(.attrDef, "t", deps: [table])
        def.parentDumpId = table.dumpId
        table.dependencies = [def.dumpId]
        _ = try g.result()
        XCTAssertEqual(def.dependencies, [])
        XCTAssertFalse(def.separate)

        // DEFAULT f() where f returns t's rowtype: t -> default -> f -> t; the default is split
        // off but stays pre-data.
        let h = SortTestGraph()
        let t2 = h.add(.table, "t")
        let f = h.add(.function, "f", deps: [t2])
        let d2 = h.add(.attrDef, "t", deps: [t2, f])
        d2.parentDumpId = t2.dumpId
        t2.dependencies = [d2.dumpId]
        let result = try h.result()
        XCTAssertTrue(d2.separate)
        XCTAssertEqual(result.objects.map { "\($0.kind)" }, ["table", "function", "attrDef", "preDataBoundary", "postDataBoundary"])
    }

    func testPartitionedIndexLoop() throws {
        let g = SortTestGraph()
        let parent = g.add(.index, "p_idx", oid: 500)
        let child = g.add(.index, "c_idx", oid: 501, deps: [parent])
        child.parentIndexOid = 500
        parent.dependencies = [child.dumpId]
        // pg_dump's repairIndexLoop drops the partition index's dependency on the partitioned one
        XCTAssertEqual(try g.order(), ["c_idx", "p_idx"])
        XCTAssertEqual(child.dependencies.filter { $0 == parent.dumpId }, [])
        XCTAssertEqual(parent.dependencies.filter { $0 == child.dumpId }, [child.dumpId])
    }

    func testDomainConstraintLoops() throws {
        let g = SortTestGraph()
        let domain = g.add(.type, "d")
        let check = g.add(.constraint, "d_check", deps: [domain])
        check.constraintType = "c"
        check.parentDumpId = domain.dumpId
        domain.dependencies = [check.dumpId]
        _ = try g.result()
        XCTAssertEqual(check.dependencies, [])

        let h = SortTestGraph()
        let d2 = h.add(.type, "d")
        let f = h.add(.function, "f", deps: [d2])
        let c2 = h.add(.constraint, "d_check", deps: [d2, f])
        c2.constraintType = "c"
        c2.parentDumpId = d2.dumpId
        d2.dependencies = [c2.dumpId]
        let result = try h.result()
        XCTAssertTrue(c2.separate)
        XCTAssertEqual(result.objects.map(\.name), ["d", "f", "PRE-DATA BOUNDARY", "POST-DATA BOUNDARY", "d_check"])
    }

    func testTableDependingOnItselfIsIgnored() throws {
        let g = SortTestGraph()
        let t = g.add(.table, "t")
        t.dependencies = [t.dumpId]
        XCTAssertEqual(try g.order(), ["t"])
        XCTAssertEqual(try g.result().warnings, [])
    }

    func testCircularForeignKeysInTableDataWarn() throws {
        let g = SortTestGraph()
        let a = g.add(.tableData, "a"), b = g.add(.tableData, "b")
        a.dependencies = [b.dumpId]
        b.dependencies = [a.dumpId]
        let result = try DumpSort.sortByDependencies([a, b], preDataBoundary: 0, postDataBoundary: 0)
        XCTAssertEqual(result.objects.map(\.name), ["a", "b"])
        XCTAssertEqual(result.warnings, [
            "there are circular foreign-key constraints among these tables:", "a", "b",
            "You might not be able to restore the dump without using --disable-triggers or temporarily dropping the constraints.",
            "Consider using a full dump instead of a --data-only dump to avoid this problem.",
        ])
    }

    func testUnknownLoopIsBrokenArbitrarilyWithWarning() throws {
        let g = SortTestGraph()
        let a = g.add(.function, "a"), b = g.add(.function, "b")
        a.dependencies = [b.dumpId]
        b.dependencies = [a.dumpId]
        let result = try DumpSort.sortByDependencies([a, b], preDataBoundary: 0, postDataBoundary: 0)
        XCTAssertEqual(result.warnings, ["could not resolve dependency loop among these items:",
                                         "FUNCTION a  (ID 1 OID 1)", "FUNCTION b  (ID 2 OID 2)"])
        XCTAssertEqual(a.dependencies, [])
        XCTAssertEqual(result.objects.map(\.name), ["a", "b"])
    }
}
