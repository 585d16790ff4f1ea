import Archive
import Catalog
import DDL
@testable import Dump
import XCTest

/// The pure parts of the DEFAULT ACL and large-object providers.
final class PrivilegeProvidersTests: XCTestCase {
    func lo(_ oid: UInt32, owner: UInt32 = 10, acl: String? = nil) -> LargeObjectMetadata {
        LargeObjectMetadata(oid: oid, ownerOid: owner, owner: "r\(owner)", acl: acl, defaultACL: "{}")
    }

    func testLargeObjectGroupsShareOwnerAndACLAndHoldAtMost1000() {
        var objects = (1...1001).map { lo(UInt32($0)) }
        objects += [lo(5000, acl: "{a=r/b}"), lo(5001, acl: "{a=r/b}"), lo(6000, owner: 11), lo(6001, owner: 11, acl: "{}")]
        let groups = LargeObjectsProvider.groups(objects).map { $0.map(\.oid) }
        XCTAssertEqual(groups.map(\.count), [1000, 1, 2, 1, 1])
        XCTAssertEqual(groups[1], [1001])
        XCTAssertEqual(groups[2], [5000, 5001])
        XCTAssertTrue(LargeObjectsProvider.groups([]).isEmpty)
    }

    func testDefaultPrivilegesEntry() throws {
        let row = DefaultPrivilege(catalogId: CatalogId(tableOid: SystemCatalog.pgDefaultAcl, oid: 99), role: "Fixture Owner",
                                   namespace: "fx", objectType: "S",
                                   acl: #"{"reader=U/\"Fixture Owner\""}"#, defaultACL: "{}")
        let emitter = DumpEmitter(graph: DumpGraph(), context: RenderContext(serverVersion: 180_000, pgDumpMajor: 18))
        try emitter.emitDefaultPrivileges(row, dumpId: 42)
        let e = try XCTUnwrap(emitter.entries.first)
        XCTAssertEqual([e.desc, e.tag, e.namespace, e.owner], ["DEFAULT ACL", "DEFAULT PRIVILEGES FOR SEQUENCES", "fx", "Fixture Owner"])
        XCTAssertEqual(e.section, .postData)
        XCTAssertEqual([e.dumpId, Int(e.tableOid), Int(e.oid)], [42, 826, 99])
        XCTAssertEqual(e.definition,
                       "ALTER DEFAULT PRIVILEGES FOR ROLE \"Fixture Owner\" IN SCHEMA fx GRANT USAGE ON SEQUENCES TO reader;\n")

        let unknown = DefaultPrivilege(catalogId: .none, role: "x", namespace: nil, objectType: "?", acl: "{}", defaultACL: "{}")
        XCTAssertThrowsError(try emitter.emitDefaultPrivileges(unknown, dumpId: 43)) { XCTAssertTrue($0 is UnknownDefaultPrivilegeType) }

        var dataOnly = RenderContext(serverVersion: 180_000, pgDumpMajor: 18)
        dataOnly.dataOnly = true
        let skipped = DumpEmitter(graph: DumpGraph(), context: dataOnly)
        try skipped.emitDefaultPrivileges(row, dumpId: 1)
        XCTAssertTrue(skipped.entries.isEmpty)
    }

    func testHexDecoding() {
        XCTAssertEqual(LargeObjectContents.decodeHex(Array("00ff7fA0".utf8)), [0, 255, 127, 160])
        XCTAssertEqual(LargeObjectContents.decodeHex([]), [])
        XCTAssertNil(LargeObjectContents.decodeHex(Array("0".utf8)))
        XCTAssertNil(LargeObjectContents.decodeHex(Array("zz".utf8)))
    }
}
