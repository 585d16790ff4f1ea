import Archive
import Dump
import Foundation
import Postgres
import TestSupport
import XCTest

/// The dependencies RelationsProvider adds by hand (pg_dump's addObjectDependency calls and the
/// deps of auxiliary entries) must appear among the dependencies of pg_dump's matching entries
/// (entries matched by desc, namespace and tag, dump ids translated through those keys).
final class DependencyOracleTests: XCTestCase {
    func testHandAddedDependenciesMatchPgDump15() throws { try compare(major: 15) }
    func testHandAddedDependenciesMatchPgDump18() throws { try compare(major: 18) }

    func compare(major: Int) throws {
        guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("PostgreSQL \(major) is not installed") }
        let server = try TestServer.shared(major: major)
        let db = try RelationsOracleTests.loadFixture(server)
        _ = try server.psql(EdgeCases.sql, database: db)
        let dir = try Fixtures.temporaryDirectory("relations-deps")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("theirs.dump").path
        let out = try server.runTool("pg_dump", args: ["-Fc", "-f", path, "-d", server.conninfo(database: db)])
        XCTAssertEqual(out.status, 0, out.stderr.text)
        let theirs = try ArchiveReader(path: path).entries
        let connection = try server.connect(database: db)
        defer { connection.close() }
        let emitter = try RelationsOracleTests.runProvider(connection, major: major)

        var theirByKey: [String: TocEntry] = [:]
        for e in theirs { theirByKey[RelationsOracleTests.key(e)] = e }
        var ourKey: [Int: String] = [:]
        for e in emitter.entries { ourKey[e.dumpId] = RelationsOracleTests.key(e) }

        var checked = 0
        var problems: [String] = []
        for e in emitter.entries where e.desc != "COMMENT" && e.desc != "SECURITY LABEL" {
            let objectDeps = emitter.graph.object(dumpId: e.dumpId)?.dependencies ?? []
            guard let mine = theirByKey[RelationsOracleTests.key(e)] else { continue }
            for dep in Set(objectDeps + e.dependencies) {
                guard let depKey = ourKey[dep], let target = theirByKey[depKey] else { continue }
                checked += 1
                if !mine.dependencies.contains(target.dumpId) {
                    problems.append("\(RelationsOracleTests.key(e)) -> \(depKey): not a dependency in pg_dump's archive")
                }
            }
        }
        print("pg_dump \(major): \(checked - problems.count)/\(checked) hand-added dependencies found in pg_dump's archive")
        XCTAssertGreaterThan(checked, 50)
        XCTAssertTrue(problems.isEmpty, problems.joined(separator: "\n"))
    }
}
