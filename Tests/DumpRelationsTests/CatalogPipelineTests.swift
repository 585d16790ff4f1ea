import Archive
import Catalog
import Dump
import Foundation
import Postgres
import TestSupport
import XCTest

/// The dump's catalog phase runs pipelined (DumpRunner.buildEntries): every statement it sends
/// must have been announced, in the order it is asked for, and every announced one used.
/// Otherwise the output is still right, but results are held in memory or a statement waits for
/// all the others; this test catches a catalog read whose sending depends on another's result.
final class CatalogPipelineTests: XCTestCase {
    func testEveryCatalogStatementIsSentAheadInOrder15() throws { try check(major: 15) }
    func testEveryCatalogStatementIsSentAheadInOrder18() throws { try check(major: 18) }

    func check(major: Int) throws {
        guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("PostgreSQL \(major) is not installed") }
        let server = try TestServer.shared(major: major)
        let db = try RelationsOracleTests.loadFixture(server)
        defer { try? server.dropDatabase(db) }
        var variants: [(String, DumpOptions)] = []
        variants.append(("default", DumpOptions()))
        var schemaOnly = DumpOptions()
        schemaOnly.selection.schemaOnly = true
        variants.append(("-s", schemaOnly))
        var dataOnly = DumpOptions()
        dataOnly.selection.dataOnly = true
        variants.append(("-a", dataOnly))
        var oneSchema = DumpOptions()
        oneSchema.selection.schemas = ["fx"]
        variants.append(("-n fx", oneSchema))
        var globals = DumpOptions()
        globals.withGlobals = true
        variants.append(("--with-globals", globals))
        var older = DumpOptions()
        older.pgDumpMajor = 15
        variants.append(("release 15", older))
        for (label, options) in variants {
            let connection = try server.connect(database: db)
            defer { connection.close() }
            let runner = try DumpRunner(connection: connection, options: options)
            let emitter = try runner.buildEntries()
            let stats = connection.pipelineStatistics
            XCTAssertFalse(connection.inPipeline, "\(major) \(label)")
            XCTAssertGreaterThan(stats.announced, 40, "\(major) \(label): \(stats)")
            XCTAssertEqual(stats.inOrder, stats.announced, "\(major) \(label): \(stats)")
            XCTAssertEqual(stats.outOfOrder, 0, "\(major) \(label): \(stats)")
            XCTAssertEqual(stats.unannounced, 0, "\(major) \(label): \(stats)")
            XCTAssertEqual(stats.unused, 0, "\(major) \(label): \(stats)")
            XCTAssertGreaterThan(emitter.entries.count, label == "-a" ? 10 : 100, "\(major) \(label)")
            try connection.execute("ROLLBACK")
        }
    }
}
