import Archive
import DDL
@testable import Dump
import XCTest

/// buildACLCommands & co. on hand-written aclitem arrays; expected texts are pg_dump 15's.
final class ACLCommandsTests: XCTestCase {
    let ctx15 = RenderContext(serverVersion: 150_000, pgDumpMajor: 15)
    let ctx17 = RenderContext(serverVersion: 170_000, pgDumpMajor: 17)

    func build(_ type: String, _ name: String, sub: String? = nil, ns: String? = "fx", acl: String?, base: String?,
               owner: String? = "alice", ctx: RenderContext? = nil) throws -> String {
        try ACLCommands.build(name: name, subname: sub, namespace: ns, type: type, acls: acl, baseACLs: base,
                              owner: owner, context: ctx ?? ctx15)
    }

    func testNullACLMeansNothing() throws {
        XCTAssertEqual(try build("TABLE", "t", acl: nil, base: "{alice=arwdDxt/alice}"), "")
        XCTAssertEqual(try build("TABLE", "t", acl: "", base: "{alice=arwdDxt/alice}"), "")
    }

    func testEmptyACLRevokesEverythingOfTheDefault() throws {
        XCTAssertEqual(try build("FUNCTION", "f(integer)", acl: "{}", base: "{=X/alice,alice=X/alice}"), """
            REVOKE ALL ON FUNCTION fx.f(integer) FROM PUBLIC;
            REVOKE ALL ON FUNCTION fx.f(integer) FROM alice;

            """)
    }

    func testEqualToDefaultGivesNothing() throws {
        XCTAssertEqual(try build("TABLE", "t", acl: "{alice=arwdDxt/alice}", base: "{alice=arwdDxt/alice}"), "")
    }

    func testPublicAndGrantOption() throws {
        let acl = "{alice=arwdDxt/alice,=r/alice,bob=r*a*w*/alice}"
        XCTAssertEqual(try build("TABLE", "t", acl: acl, base: "{alice=arwdDxt/alice}"), """
            GRANT SELECT ON TABLE fx.t TO PUBLIC;
            GRANT SELECT,INSERT,UPDATE ON TABLE fx.t TO bob WITH GRANT OPTION;

            """)
    }

    func testMixedGrantOptionSplitsTheCommand() throws {
        XCTAssertEqual(try build("TABLE", "t", acl: "{alice=arwdDxt/alice,bob=r*w/alice}", base: "{alice=arwdDxt/alice}"), """
            GRANT UPDATE ON TABLE fx.t TO bob;
            GRANT SELECT ON TABLE fx.t TO bob WITH GRANT OPTION;

            """)
    }

    func testAllPrivilegesWithAndWithoutGrantOption() throws {
        XCTAssertEqual(try build("SCHEMA", "s", ns: nil, acl: "{alice=UC/alice,bob=U*C*/alice}", base: "{alice=UC/alice}"),
                       "GRANT ALL ON SCHEMA s TO bob WITH GRANT OPTION;\n")
        XCTAssertEqual(try build("TABLE", "t", acl: "{alice=arwdDxt/alice,bob=arwdDxt/alice}", base: "{alice=arwdDxt/alice}"),
                       "GRANT ALL ON TABLE fx.t TO bob;\n")
    }

    func testQuotedRoleNames() throws {
        // Array text quotes elements holding quotes or spaces; inside, putid() quoting with "" for ".
        let acl = #"{"\"Fixture Owner\"=UC/\"Fixture Owner\"","\"fixture \"\"quoted\"\" Rôle\"=U*/\"Fixture Owner\""}"#
        XCTAssertEqual(try build("SCHEMA", "fx", ns: nil, acl: acl, base: #"{"\"Fixture Owner\"=UC/\"Fixture Owner\""}"#,
                                 owner: "Fixture Owner"),
                       "GRANT USAGE ON SCHEMA fx TO \"fixture \"\"quoted\"\" Rôle\" WITH GRANT OPTION;\n")
    }

    func testOwnerRevokingOwnRights() throws {
        let acl = #"{"\"Fixture Owner\"=arwxt/\"Fixture Owner\""}"#
        let base = #"{"\"Fixture Owner\"=arwdDxt/\"Fixture Owner\""}"#
        XCTAssertEqual(try build("TABLE", "accounts", acl: acl, base: base, owner: "Fixture Owner"), """
            REVOKE ALL ON TABLE fx.accounts FROM "Fixture Owner";
            GRANT SELECT,INSERT,REFERENCES,TRIGGER,UPDATE ON TABLE fx.accounts TO "Fixture Owner";

            """)
    }

    func testOwnersGrantsComeFirst() throws {
        // An old server may list PUBLIC before the owner; the owner's grant is still printed first.
        let acl = "{=r/alice,alice=r/alice}"
        XCTAssertEqual(try build("TABLE", "t", acl: acl, base: "{alice=arwdDxt/alice}"), """
            REVOKE ALL ON TABLE fx.t FROM alice;
            GRANT SELECT ON TABLE fx.t TO alice;
            GRANT SELECT ON TABLE fx.t TO PUBLIC;

            """)
    }

    func testGrantorOtherThanOwner() throws {
        let acl = "{app=arwdDxt/app,writer=r*a*w*/app,reader=ra/writer}"
        XCTAssertEqual(try build("TABLE", "orders", acl: acl, base: "{app=arwdDxt/app}", owner: "app"), """
            GRANT SELECT,INSERT,UPDATE ON TABLE fx.orders TO writer WITH GRANT OPTION;
            SET SESSION AUTHORIZATION writer;
            GRANT SELECT,INSERT ON TABLE fx.orders TO reader;
            RESET SESSION AUTHORIZATION;

            """)
    }

    func testColumnPrivileges() throws {
        let acl = #"{reader=rw/alice,"\"x y\"=a/alice"}"#
        XCTAssertEqual(try build("TABLE", "t", sub: "\"order\"", acl: acl, base: "{}"), """
            GRANT SELECT("order"),UPDATE("order") ON TABLE fx.t TO reader;
            GRANT INSERT("order") ON TABLE fx.t TO "x y";

            """)
        // Every column privilege: ALL(col).
        XCTAssertEqual(try build("TABLE", "t", sub: "c", acl: "{bob=arwx/alice}", base: "{}"),
                       "GRANT ALL(c) ON TABLE fx.t TO bob;\n")
    }

    func testInitPrivilegesAsBase() throws {
        // An extension function whose PUBLIC EXECUTE was revoked after creation.
        XCTAssertEqual(try build("FUNCTION", "similarity(text, text)", ns: "fx_ext", acl: "{postgres=X/postgres,reader=X/postgres}",
                                 base: "{=X/postgres,postgres=X/postgres}", owner: "postgres"), """
            REVOKE ALL ON FUNCTION fx_ext.similarity(text, text) FROM PUBLIC;
            GRANT ALL ON FUNCTION fx_ext.similarity(text, text) TO reader;

            """)
    }

    func testSequenceAndLargeObjectAndOtherTypes() throws {
        XCTAssertEqual(try build("SEQUENCE", "s", acl: "{alice=rwU/alice,r=U/alice,w=rw/alice}", base: "{alice=rwU/alice}"), """
            GRANT USAGE ON SEQUENCE fx.s TO r;
            GRANT SELECT,UPDATE ON SEQUENCE fx.s TO w;

            """)
        XCTAssertEqual(try build("LARGE OBJECT", "4244", ns: nil, acl: "{alice=rw/alice,w=r*w*/alice}", base: "{alice=rw/alice}"),
                       "GRANT ALL ON LARGE OBJECT 4244 TO w WITH GRANT OPTION;\n")
        XCTAssertEqual(try build("FOREIGN SERVER", "srv", ns: nil, acl: "{alice=U/alice,r=U/alice}", base: "{alice=U/alice}"),
                       "GRANT ALL ON FOREIGN SERVER srv TO r;\n")
        XCTAssertEqual(try build("DATABASE", "db", ns: nil, acl: "{=Tc/alice,alice=CTc/alice,r=c/alice}", base: "{=Tc/alice,alice=CTc/alice}"),
                       "GRANT CONNECT ON DATABASE db TO r;\n")
    }

    func testMaintainFrom17() throws {
        let acl = "{alice=arwdDxtm/alice,bob=arwdDxtm/alice}"
        XCTAssertEqual(try build("TABLE", "t", acl: acl, base: "{alice=arwdDxtm/alice}", ctx: ctx17), "GRANT ALL ON TABLE fx.t TO bob;\n")
        XCTAssertEqual(try build("TABLE", "t", acl: "{alice=arwdDxtm/alice,bob=rm/alice}", base: "{alice=arwdDxtm/alice}", ctx: ctx17),
                       "GRANT SELECT,MAINTAIN ON TABLE fx.t TO bob;\n")
    }

    func testDefaultPrivileges() throws {
        // pg_dump 15 prints the empty object name between two spaces; 16+ does not.
        let tables = #"{"reader=r/\"Fixture Owner\""}"#
        XCTAssertEqual(try ACLCommands.buildDefault(type: "TABLES", namespace: "fx", acls: tables,
                                                    defaultACL: "{}", owner: "Fixture Owner", context: ctx15),
                       "ALTER DEFAULT PRIVILEGES FOR ROLE \"Fixture Owner\" IN SCHEMA fx GRANT SELECT ON TABLES  TO reader;\n")
        XCTAssertEqual(try ACLCommands.buildDefault(type: "TABLES", namespace: "fx", acls: tables,
                                                    defaultACL: "{}", owner: "Fixture Owner", context: ctx17),
                       "ALTER DEFAULT PRIVILEGES FOR ROLE \"Fixture Owner\" IN SCHEMA fx GRANT SELECT ON TABLES TO reader;\n")
        XCTAssertEqual(try ACLCommands.buildDefault(type: "FUNCTIONS", namespace: nil, acls: "{alice=X/alice}",
                                                    defaultACL: "{=X/alice,alice=X/alice}", owner: "alice", context: ctx15),
                       "ALTER DEFAULT PRIVILEGES FOR ROLE alice REVOKE ALL ON FUNCTIONS  FROM PUBLIC;\n")
    }

    func testParseErrors() {
        XCTAssertThrowsError(try build("TABLE", "t", acl: "{bob}", base: "{}")) { error in
            XCTAssertTrue(error is ACLParseError)
        }
        XCTAssertThrowsError(try build("TABLE", "t", acl: "not an array", base: "{}"))
        XCTAssertThrowsError(try build("NOT A TYPE", "t", acl: "{bob=r/alice}", base: "{}"))
    }

    func testArrayAndNameQuoting() {
        XCTAssertEqual(ACLCommands.parsePGArray("{}"), [])
        XCTAssertEqual(ACLCommands.parsePGArray(#"{a=r/b,"x y=r/b","q\"z=r/b"}"#), ["a=r/b", "x y=r/b", "q\"z=r/b"])
        XCTAssertNil(ACLCommands.parsePGArray("{a,"))
        XCTAssertEqual(ACLCommands.quoteUserName("pg_database_owner"), "pg_database_owner")
        XCTAssertEqual(ACLCommands.quoteUserName("Fixture Owner"), "\"Fixture Owner\"")
        XCTAssertEqual(ACLCommands.quoteUserName("a\"b"), "\"a\"\"b\"")
        XCTAssertEqual(ACLCommands.quoteUserName("rôle"), "\"rôle\"")
        XCTAssertEqual(ACLCommands.dequoteUserName(#""fixture ""quoted"" Rôle"=U/x"#), "fixture \"quoted\" Rôle")
        XCTAssertEqual(ACLCommands.publicSchemaInitPrivileges(owner: "pg_database_owner"),
                       "{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}")
        XCTAssertEqual(ACLCommands.publicSchemaInitPrivileges(owner: "Fixture Owner"),
                       #"{"\"Fixture Owner\"=UC/\"Fixture Owner\"","=U/\"Fixture Owner\""}"#)
    }
}

/// emitACL's entry shape and the rules it applies (no-privileges, data-only, NULL ACLs).
final class ACLEmissionTests: XCTestCase {
    func emitter(_ configure: (inout RenderContext) -> Void = { _ in }) -> DumpEmitter {
        var ctx = RenderContext(serverVersion: 150_000, pgDumpMajor: 15)
        configure(&ctx)
        return DumpEmitter(graph: DumpGraph(), context: ctx)
    }

    func testTableAndColumnEntries() throws {
        let e = emitter()
        let tableACL = try e.emitACL(type: "TABLE", name: "customers", subname: nil, namespace: "fx", owner: "o",
                                     acl: "{o=arwdDxt/o,=r/o}", defaultACL: "{o=arwdDxt/o}", initPrivileges: nil, parent: 7)
        let columnACL = try e.emitACL(type: "TABLE", name: "customers", subname: "\"order\"", namespace: "fx", owner: "o",
                                      acl: "{r=w/o}", defaultACL: "{}", initPrivileges: nil, parent: 7,
                                      extraDependencies: [tableACL!])
        XCTAssertNotNil(columnACL)
        XCTAssertEqual(e.entries.count, 2)
        let t = e.entries[0], c = e.entries[1]
        XCTAssertEqual([t.desc, t.tag, t.namespace, t.owner], ["ACL", "TABLE customers", "fx", "o"])
        XCTAssertEqual(t.section, .none)
        XCTAssertEqual(t.definition, "GRANT SELECT ON TABLE fx.customers TO PUBLIC;\n")
        XCTAssertEqual(t.dependencies, [7])
        XCTAssertEqual(c.tag, "COLUMN customers.\"order\"")
        XCTAssertEqual(c.definition, "GRANT UPDATE(\"order\") ON TABLE fx.customers TO r;\n")
        XCTAssertEqual(c.dependencies, [7, tableACL!])
    }

    func testNothingForNullOrUnchangedACL() throws {
        let e = emitter()
        XCTAssertNil(try e.emitACL(type: "TABLE", name: "t", subname: nil, namespace: "fx", owner: "o", acl: nil,
                                   defaultACL: "{o=arwdDxt/o}", initPrivileges: nil, parent: 1))
        // A NULL ACL with init privileges is not an ACL component, except for columns and public.
        XCTAssertNil(try e.emitACL(type: "FUNCTION", name: "f()", subname: nil, namespace: "fx", owner: "o", acl: nil,
                                   defaultACL: "{=X/o,o=X/o}", initPrivileges: "{o=X/o}", parent: 1))
        XCTAssertNil(try e.emitACL(type: "TABLE", name: "t", subname: nil, namespace: "fx", owner: "o", acl: "{o=arwdDxt/o}",
                                   defaultACL: "{o=arwdDxt/o}", initPrivileges: nil, parent: 1))
        XCTAssertTrue(e.entries.isEmpty)
    }

    func testPublicSchemaAndColumnInitPrivileges() throws {
        let e = emitter()
        let owner = "pg_database_owner"
        let initial = ACLCommands.publicSchemaInitPrivileges(owner: owner)
        try e.emitACL(type: "SCHEMA", name: "public", subname: nil, namespace: nil, owner: owner,
                      acl: "{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner,app=C/pg_database_owner}",
                      defaultACL: "{pg_database_owner=UC/pg_database_owner}", initPrivileges: initial, parent: 3)
        // The public schema with a NULL ACL: the default, dumped relative to the synthesized start.
        try e.emitACL(type: "SCHEMA", name: "public", subname: nil, namespace: nil, owner: owner, acl: nil,
                      defaultACL: "{pg_database_owner=UC/pg_database_owner}", initPrivileges: initial, parent: 3)
        // A column whose initial privileges were removed.
        try e.emitACL(type: "TABLE", name: "t", subname: "c", namespace: "x", owner: "o", acl: nil, defaultACL: "{}",
                      initPrivileges: "{r=r/o}", parent: 4)
        XCTAssertEqual(e.entries.map(\.definition), [
            "GRANT CREATE ON SCHEMA public TO app;\n",
            "REVOKE USAGE ON SCHEMA public FROM PUBLIC;\n",
            "REVOKE SELECT(c) ON TABLE x.t FROM r;\n",
        ])
        XCTAssertEqual(e.entries.map(\.tag), ["SCHEMA public", "SCHEMA public", "COLUMN t.c"])
    }

    func testOptionsAndLargeObjectTag() throws {
        let none = emitter { $0.noPrivileges = true }
        XCTAssertNil(try none.emitACL(type: "SCHEMA", name: "s", subname: nil, namespace: nil, owner: "o", acl: "{}",
                                      defaultACL: "{o=UC/o}", initPrivileges: nil, parent: 1))
        let dataOnly = emitter { $0.dataOnly = true }
        XCTAssertNil(try dataOnly.emitACL(type: "SCHEMA", name: "s", subname: nil, namespace: nil, owner: "o", acl: "{}",
                                          defaultACL: "{o=UC/o}", initPrivileges: nil, parent: 1))
        let id = try dataOnly.emitACL(type: "LARGE OBJECT", name: "10", subname: nil, tag: "LARGE OBJECTS 10..12",
                                      namespace: nil, owner: "o", acl: "{o=rw/o,r=r/o}", defaultACL: "{o=rw/o}",
                                      initPrivileges: nil, parent: 2)
        XCTAssertNotNil(id)
        XCTAssertEqual(dataOnly.entries.first?.tag, "LARGE OBJECTS 10..12")
        XCTAssertEqual(dataOnly.entries.first?.definition, "GRANT SELECT ON LARGE OBJECT 10 TO r;\n")
    }
}
