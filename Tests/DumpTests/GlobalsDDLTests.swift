import Catalog
import DDL
import XCTest

/// GlobalsDDL's renderers on hand-built catalogs: the cases a live server rarely produces.
final class GlobalsDDLTests: XCTestCase {
    func membership(_ role: String?, _ member: String?, grantor: String?, grantorId: String, admin: Bool = false) -> RoleMembershipRow {
        var m = RoleMembershipRow()
        m.role = role
        m.member = member
        m.grantor = grantor
        m.grantorId = grantorId
        m.roleId = "100"
        m.memberId = "200"
        m.adminOption = admin
        m.inheritOption = true
        m.setOption = true
        return m
    }

    func testSixteenOrdersGrantsAfterTheirGrantorsAdminOption() throws {
        var g = GlobalsCatalog()
        g.serverVersion = 160004
        g.memberships = [
            membership("r", "a", grantor: "c", grantorId: "300"),
            membership("r", "b", grantor: "a", grantorId: "301", admin: true),
            membership("r", "c", grantor: "b", grantorId: "302", admin: true),
            membership("r", "a", grantor: "postgres", grantorId: "10", admin: true),
        ]
        // Rows arrive sorted by role, member, grantor; here deliberately not, to force passes.
        let ctx = RenderContext(serverVersion: 160004, pgDumpMajor: 16)
        var warnings: [String] = []
        let text = try GlobalsDDL.memberships(g, ctx, warn: { warnings.append($0) })
        XCTAssertEqual(text, """
            --
            -- Role memberships
            --

            GRANT r TO a WITH ADMIN OPTION, INHERIT TRUE GRANTED BY postgres;
            GRANT r TO b WITH ADMIN OPTION, INHERIT TRUE GRANTED BY a;
            GRANT r TO c WITH ADMIN OPTION, INHERIT TRUE GRANTED BY b;
            GRANT r TO a WITH INHERIT TRUE GRANTED BY c;


            
            """)
        XCTAssertEqual(warnings, [])
    }

    func testSixteenReportsAnImpossibleOrderAndUnknownGrantors() throws {
        var g = GlobalsCatalog()
        g.serverVersion = 170000
        g.memberships = [membership("r", "a", grantor: "b", grantorId: "300")]
        let ctx = RenderContext(serverVersion: 170000, pgDumpMajor: 17)
        XCTAssertThrowsError(try GlobalsDDL.memberships(g, ctx))
        g.memberships = [membership("r", "a", grantor: nil, grantorId: "999"), membership("r", nil, grantor: nil, grantorId: "10")]
        var warnings: [String] = []
        let text = try GlobalsDDL.memberships(g, ctx, warn: { warnings.append($0) })
        XCTAssertTrue(text.contains("GRANT r TO a WITH INHERIT TRUE;\n"), text)
        XCTAssertEqual(warnings.count, 2)
    }

    func testFifteenGrantsAndInPlaceTablespaces() throws {
        var g = GlobalsCatalog()
        g.serverVersion = 150018
        g.memberships = [membership("r", "a", grantor: "postgres", grantorId: "10", admin: true),
                         membership("r", "b", grantor: nil, grantorId: "999")]
        var t = TablespaceRow()
        t.name = "in place"
        t.owner = "postgres"
        t.location = "pg_tblspc/16384"
        g.tablespaces = [t]
        let ctx15 = RenderContext(serverVersion: 150018, pgDumpMajor: 15)
        XCTAssertTrue(try GlobalsDDL.memberships(g, ctx15).contains(
            "GRANT r TO a WITH ADMIN OPTION GRANTED BY postgres;\nGRANT r TO b;\n"))
        let opts = GlobalsDDL.Options()
        XCTAssertTrue(try GlobalsDDL.tablespaces(g, opts, ctx15).contains("LOCATION 'pg_tblspc/16384';"))
        let ctx18 = RenderContext(serverVersion: 180001, pgDumpMajor: 18)
        XCTAssertTrue(try GlobalsDDL.tablespaces(g, opts, ctx18).contains(
            "CREATE TABLESPACE \"in place\" OWNER postgres LOCATION '';\n"))
    }
}
