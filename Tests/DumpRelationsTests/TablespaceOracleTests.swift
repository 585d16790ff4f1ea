import Foundation
import TestSupport
import XCTest

/// Relations and indexes in a non-default tablespace: the TOC's tablespace field.
final class TablespaceOracleTests: XCTestCase {
    func testTablespacesMatchPgDump15() throws { try compare(major: 15) }
    func testTablespacesMatchPgDump18() throws { try compare(major: 18) }

    func compare(major: Int) throws {
        guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("PostgreSQL \(major) is not installed") }
        let server = try TestServer.shared(major: major)
        // The tablespace directory must belong to the server's OS user (the data directory's owner).
        let owner = try FileManager.default.attributesOfItem(atPath: server.dataDirectory.path)
        let dir = server.directory.appendingPathComponent("ts_\(getpid())_\(major)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if let uid = owner[.ownerAccountID] as? NSNumber, let gid = owner[.groupOwnerAccountID] as? NSNumber {
            XCTAssertEqual(chown(dir.path, uid_t(uid.uint32Value), gid_t(gid.uint32Value)), 0)
        }
        let name = "rel_ts_\(getpid())"
        _ = try server.psql("CREATE TABLESPACE \(name) LOCATION '\(dir.path)'")
        var databases: [String] = []
        defer {
            for db in databases { try? server.dropDatabase(db) }
            _ = try? server.psql("DROP TABLESPACE IF EXISTS \(name)")
        }
        let sql = """
            CREATE SCHEMA tsx;
            CREATE TABLE tsx.t (id int, v text, CONSTRAINT t_pk PRIMARY KEY (id) USING INDEX TABLESPACE \(name)) TABLESPACE \(name);
            CREATE INDEX t_v ON tsx.t (v) TABLESPACE \(name);
            CREATE TABLE tsx.p (id int) PARTITION BY RANGE (id) TABLESPACE \(name);
            CREATE TABLE tsx.p1 PARTITION OF tsx.p FOR VALUES FROM (0) TO (10);
            CREATE MATERIALIZED VIEW tsx.mv TABLESPACE \(name) AS SELECT 1 AS one;
            CREATE SEQUENCE tsx.s;
            """
        try RelationsOracleTests.compare(major: major, extraSQL: sql, databases: &databases)
    }
}
