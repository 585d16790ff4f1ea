import Foundation
import XCTest
@testable import GPBackup

/// The two real gpbackup sets, read in place.
final class SampleSetTests: XCTestCase {
    let tables = ["schemaone.tableone", "schemaone.tabletwo", "schemaone.tablethree", "schemaone.tablefour",
                  "schematwo.tableone", "schematwo.tabletwo", "schematwo.tablethree", "schematwo.tablefour"]

    func testDiscoversFilePerTableSet() throws {
        let set = try BackupSet.discover(backupDir: Fixtures.multiFileSet)
        XCTAssertEqual(set.timestamp, "20220908150145")
        XCTAssertTrue(set.timestampWasChosenAutomatically)
        XCTAssertEqual(set.notes.first, "no timestamp given: using the only backup 20220908150145")
        XCTAssertEqual(set.segmentCount, 2)
        XCTAssertFalse(set.segmentCountWasInferred)
        XCTAssertEqual(set.coordinatorDirectory.lastPathComponent, "20220908150145")
        XCTAssertEqual(set.coordinatorDirectory.pathComponents.suffix(4), ["demoDataDir-1", "backups", "20220908", "20220908150145"])
        XCTAssertEqual(set.config.compression, .gzip)
        XCTAssertEqual(set.restorePlan.count, 1)
        XCTAssertEqual(set.restorePlan[0].dataEntries.map(\.fqn), tables)
        guard case let .filePerTable(files)? = set.chain[set.timestamp]?.layout else { return XCTFail("layout") }
        XCTAssertEqual(files.count, 16)
        XCTAssertEqual(files[TableFileKey(content: 1, oid: 16409)]?.url.lastPathComponent, "gpbackup_1_20220908150145_16409.gz")
    }

    func testDiscoversSingleDataFileSet() throws {
        let set = try BackupSet.discover(backupDir: Fixtures.singleFileSet, timestamp: "20220908150159")
        XCTAssertFalse(set.timestampWasChosenAutomatically)
        XCTAssertEqual(set.segmentCount, 2)
        guard case let .singleDataFile(files, tocs, _)? = set.chain[set.timestamp]?.layout else { return XCTFail("layout") }
        XCTAssertEqual(files.keys.sorted(), [0, 1])
        XCTAssertEqual(tocs[0]?.dataentries[16397], SegmentTOC.Range(startbyte: 2127, endbyte: 26626))
        XCTAssertEqual(tocs[0]?.dataentries.count, 8)
    }

    func testStreamedRowCountsMatchRowcountsFile() throws {
        for dir in [Fixtures.multiFileSet, Fixtures.singleFileSet] {
            let expected = try Fixtures.rowCounts(dir.appendingPathComponent("2-segment-db-rowcounts.txt"))
            let set = try BackupSet.discover(backupDir: dir)
            let sources = try set.tableDataSources()
            XCTAssertEqual(sources.map(\.qualifiedName), tables, dir.lastPathComponent)
            var total: Int64 = 0
            for source in sources {
                let (text, perSegment) = try Fixtures.collect(source)
                let want = expected[source.qualifiedName] ?? [:]
                // Segments without rows do not appear in cnt_rows() output.
                let got = Dictionary(uniqueKeysWithValues: perSegment.filter { $0.rows > 0 }.map { ($0.content, $0.rows) })
                XCTAssertEqual(got, want, "\(dir.lastPathComponent) \(source.qualifiedName)")
                XCTAssertEqual(Int64(text.split(separator: "\n").count), source.expectedRows)
                XCTAssertTrue(text.isEmpty || text.hasSuffix("\n"))
                total += source.expectedRows
            }
            XCTAssertEqual(total, 22_202)
        }
    }

    func testBothLayoutsStreamIdenticalCopyText() throws {
        let a = try BackupSet.discover(backupDir: Fixtures.multiFileSet).tableDataSources()
        let b = try BackupSet.discover(backupDir: Fixtures.singleFileSet).tableDataSources()
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) {
            XCTAssertEqual(try Fixtures.collect(x).text, try Fixtures.collect(y).text, x.qualifiedName)
        }
        let tableTwo = try Fixtures.collect(a[1]).text.split(separator: "\n").compactMap { Int($0) }
        XCTAssertEqual(tableTwo.sorted(), Array(1...100))
    }

    func testSingleDataFileStreamIsReadOncePerSegment() throws {
        let set = try BackupSet.discover(backupDir: Fixtures.singleFileSet)
        let sources = try set.tableDataSources()
        for source in sources { _ = try source.stream { _ in } }
        for source in sources {
            for case let .range(_, cursor, _, _) in source.parts { XCTAssertEqual(cursor.reopenCount, 0) }
        }
        // Asking again for an earlier table reopens the stream and still gives the right rows.
        XCTAssertEqual(try sources[1].stream { _ in }, 100)
    }

    func testMetadataSlicesAndClassification() throws {
        let set = try BackupSet.discover(backupDir: Fixtures.multiFileSet)
        let statements = try MetadataReader.read(toc: set.toc, metadataPath: set.metadataPath)
        XCTAssertEqual(statements.count, 19 + 26)
        XCTAssertEqual(statements[0].sql, "\nSET client_encoding = 'UTF8';\n")
        let role = try XCTUnwrap(statements.first { $0.objectType == "ROLE" })
        XCTAssertEqual(role.section, .global)
        XCTAssertTrue(role.sql.hasPrefix("\n\nCREATE ROLE testrole;\nALTER ROLE testrole WITH SUPERUSER"), role.sql)
        let publicSchema = statements.filter { $0.objectType == "SCHEMA" && $0.name == "public" }
        XCTAssertEqual(publicSchema.first?.sql, "\n")
        let table = try XCTUnwrap(statements.first { $0.objectType == "TABLE" && $0.name == "tablefour" && $0.schema == "schematwo" })
        XCTAssertEqual(table.sql, "\n\nCREATE TABLE schematwo.tablefour (\n\ti integer\n) DISTRIBUTED BY (i);\n")
        XCTAssertEqual(table.section, .predata)
    }

    func testImportPlanForPostgres() throws {
        let set = try BackupSet.discover(backupDir: Fixtures.multiFileSet)
        let plan = try ImportPlan.build(set: set, options: .init(target: .postgres, withGlobals: false))
        XCTAssertEqual(plan.encoding, "UTF8")
        XCTAssertEqual(plan.databaseName, "testdb")
        let summary = plan.entries.map { "\($0.desc)|\($0.namespace)|\($0.tag)|\($0.owner)|\($0.section.rawValue)" }
        XCTAssertEqual(summary, [
            "SCHEMA||public|testrole|preData",
            "ACL||SCHEMA public|testrole|none",
            "SCHEMA||schemaone|testrole|preData",
            "SCHEMA||schematwo|testrole|preData",
            "FUNCTION|public|cnt_rows()|testrole|preData",
            "TABLE|schemaone|tableone|testrole|preData",
            "TABLE|schemaone|tabletwo|testrole|preData",
            "TABLE|schemaone|tablethree|testrole|preData",
            "TABLE|schemaone|tablefour|testrole|preData",
            "TABLE|schematwo|tableone|testrole|preData",
            "TABLE|schematwo|tabletwo|testrole|preData",
            "TABLE|schematwo|tablethree|testrole|preData",
            "TABLE|schematwo|tablefour|testrole|preData",
            "TABLE DATA|schemaone|tableone|testrole|data",
            "TABLE DATA|schemaone|tabletwo|testrole|data",
            "TABLE DATA|schemaone|tablethree|testrole|data",
            "TABLE DATA|schemaone|tablefour|testrole|data",
            "TABLE DATA|schematwo|tableone|testrole|data",
            "TABLE DATA|schematwo|tabletwo|testrole|data",
            "TABLE DATA|schematwo|tablethree|testrole|data",
            "TABLE DATA|schematwo|tablefour|testrole|data",
        ])
        let publicSchema = plan.entries[0]
        XCTAssertEqual(publicSchema.definition, "-- *not* creating schema, since initdb creates it\n")
        XCTAssertEqual(plan.entries[1].definition,
                       "REVOKE ALL ON SCHEMA public FROM PUBLIC;\nREVOKE ALL ON SCHEMA public FROM testrole;\nGRANT ALL ON SCHEMA public TO PUBLIC;\nGRANT ALL ON SCHEMA public TO testrole;\n")
        XCTAssertEqual(plan.entries[2].definition, "CREATE SCHEMA schemaone;\n")
        XCTAssertEqual(plan.entries[2].dropStatement, "DROP SCHEMA schemaone;\n")
        let function = plan.entries[4]
        XCTAssertTrue(function.definition.hasSuffix("$$\nLANGUAGE plpgsql;\n"), function.definition)
        XCTAssertTrue(function.definition.contains("format('SELECT cast(%L as text) as table_schema"))
        XCTAssertEqual(function.dependencies, [0])
        let table = plan.entries[5]
        XCTAssertEqual(table.definition, "CREATE TABLE schemaone.tableone (\n\ti integer\n);\n")
        XCTAssertEqual(table.dropStatement, "DROP TABLE schemaone.tableone;\n")
        XCTAssertEqual(table.dependencies, [2])
        XCTAssertEqual(table.tablespace, "")
        XCTAssertEqual(table.tableAccessMethod, "")
        let data = plan.entries[16]
        XCTAssertEqual(data.copyStatement, "COPY schemaone.tablefour (i) FROM stdin;\n")
        XCTAssertEqual(data.dependencies, [8])
        XCTAssertEqual(data.dataSource?.expectedRows, 10_000)
        XCTAssertEqual(try data.dataSource?.stream { _ in }, 10_000)
        let what = plan.report.notes.map { "\($0.object): \($0.action.rawValue) \($0.what)" }
        XCTAssertEqual(what.first, "FUNCTION public.cnt_rows(): rewritten removed function attribute(s) NO SQL")
        XCTAssertEqual(what.filter { $0.contains("removed DISTRIBUTED BY (i)") }.count, 8)
        XCTAssertEqual(plan.report.notes.count, 9)
    }

    func testImportPlanWithGlobalsForPostgresAndGreenplum() throws {
        let set = try BackupSet.discover(backupDir: Fixtures.multiFileSet)
        let postgres = try ImportPlan.build(set: set, options: .init(target: .postgres, withGlobals: true))
        let role = try XCTUnwrap(postgres.entries.first { $0.desc == "ROLE" })
        XCTAssertEqual(role.definition, "CREATE ROLE testrole;\nALTER ROLE testrole WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION;\n")
        XCTAssertFalse(postgres.entries.contains { $0.desc.hasPrefix("RESOURCE") })
        let database = try XCTUnwrap(postgres.entries.first { $0.desc == "DATABASE" })
        XCTAssertEqual(database.definition, "CREATE DATABASE testdb TEMPLATE template0;\n")
        XCTAssertEqual(database.owner, "testrole")
        XCTAssertEqual(postgres.report.notes.filter { $0.action == .dropped }.count, 15)

        let greenplum = try ImportPlan.build(set: set, options: .init(target: .greenplum, withGlobals: true))
        XCTAssertTrue(greenplum.report.notes.isEmpty)
        XCTAssertEqual(greenplum.entries.filter { $0.desc == "RESOURCE GROUP" }.count, 14)
        XCTAssertEqual(greenplum.entries.first { $0.tag == "tableone" && $0.desc == "TABLE" }?.definition,
                       "CREATE TABLE schemaone.tableone (\n\ti integer\n) DISTRIBUTED BY (i);\n")
    }
}
