import Archive
import Catalog
import DDL
import Dump
import XCTest

/// `dump --with-globals` entries on a hand-built catalog: the same statements as `dumpall -g`,
/// split so that a failing CREATE ROLE or CREATE TABLESPACE takes nothing else with it.
final class GlobalsEntriesTests: XCTestCase {
    func catalog() -> GlobalsCatalog {
        var g = GlobalsCatalog()
        g.serverVersion = 150004
        var a = RoleRow()
        a.oid = 16384
        a.name = "Alice"
        a.canLogin = true
        a.password = "SCRAM-SHA-256$x"
        a.comment = "first"
        a.settings = ["work_mem=8MB"]
        var p = RoleRow()
        p.oid = 10
        p.name = "postgres"
        p.superuser = true
        g.roles = [a, p]
        var m = RoleMembershipRow()
        m.role = "postgres"
        m.member = "Alice"
        m.grantor = "postgres"
        g.memberships = [m]
        var t = TablespaceRow()
        t.oid = 16390
        t.name = "fast"
        t.owner = "Alice"
        t.location = "/srv/fast"
        t.options = "random_page_cost=1.1"
        t.comment = "ssd"
        g.tablespaces = [t]
        return g
    }

    func testEntriesCarryDumpallsStatementsInItsOrder() throws {
        let g = catalog()
        let ctx = RenderContext(serverVersion: 150004, pgDumpMajor: 15)
        let emitter = DumpEmitter(graph: DumpGraph(), context: ctx)
        try GlobalsEntries.emit(emitter, catalog: g, options: GlobalsDDL.Options(), warn: { XCTFail($0) })
        let e = emitter.entries
        XCTAssertEqual(e.map(\.dumpId), Array(1...e.count), "the lowest dump ids, in TOC order")
        XCTAssertEqual(e.map { "\($0.desc)|\($0.tag)" }, [
            "ROLE|Alice", "ROLE ATTRIBUTES|Alice", "COMMENT|ROLE \"Alice\"", "ROLE|postgres", "ROLE ATTRIBUTES|postgres",
            "ROLE SETTINGS|Alice", "ROLE MEMBERSHIP|postgres TO Alice",
            "TABLESPACE|fast", "TABLESPACE OPTIONS|fast", "COMMENT|TABLESPACE fast",
        ])
        XCTAssertTrue(e.allSatisfy { $0.isGlobalObject && $0.owner == nil && $0.namespace == nil && $0.dropStatement == nil })
        XCTAssertEqual(e.filter { $0.section != .none }.map(\.section), Array(repeating: .preData, count: 8))
        // Concatenated, the definitions are exactly the statements of dumpall -g.
        var o = GlobalsDDL.Options()
        o.restrictKey = "k"
        let script = try GlobalsDDL.script(g, o, ctx)
        let statements = script.split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.hasPrefix("\\") && !$0.hasPrefix("SET ") }
        XCTAssertEqual(e.compactMap(\.definition).joined().split(separator: "\n"), statements)
        XCTAssertEqual(e[7].definition, "CREATE TABLESPACE fast OWNER \"Alice\" LOCATION '/srv/fast';\n",
                       "CREATE TABLESPACE alone: it cannot run in a multi-statement string's transaction")
        XCTAssertEqual(e[7].dependencies, [1], "the tablespace's owner")
        XCTAssertEqual(e[6].dependencies, [1, 4])
    }
}
