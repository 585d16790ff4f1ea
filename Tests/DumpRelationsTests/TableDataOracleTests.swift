import Archive
import Dump
import Foundation
import Postgres
import TestSupport
import XCTest

/// The data streams of TABLE DATA entries, written through ArchiveWriter by TableDataSource,
/// must equal pg_dump's byte for byte once decompressed (rows and the "\.\n\n" terminator).
final class TableDataOracleTests: XCTestCase {
    func testTableDataMatchesPgDump15() throws { try compare(major: 15) }
    func testTableDataMatchesPgDump18() throws { try compare(major: 18) }

    func dataByTable(_ reader: ArchiveReader) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for e in reader.entries where e.desc == "TABLE DATA" {
            var bytes = Data()
            try reader.readData(of: e) { event in
                if case .bytes(let b) = event { bytes.append(contentsOf: b) }
            }
            result["\(e.namespace ?? "").\(e.tag)"] = bytes
        }
        return result
    }

    func compare(major: Int) throws {
        guard ReferenceTools.hasServer(major: major) else { throw XCTSkip("PostgreSQL \(major) is not installed") }
        let server = try TestServer.shared(major: major)
        let db = try RelationsOracleTests.loadFixture(server)
        let dir = try Fixtures.temporaryDirectory("relations-data")
        defer { try? FileManager.default.removeItem(at: dir) }
        let theirsPath = dir.appendingPathComponent("theirs.dump").path
        let out = try server.runTool("pg_dump", args: ["-Fc", "-f", theirsPath, "-d", server.conninfo(database: db)])
        XCTAssertEqual(out.status, 0, out.stderr.text)
        let theirs = try ArchiveReader(path: theirsPath)

        let connection = try server.connect(database: db)
        defer { connection.close() }
        let emitter = try RelationsOracleTests.runProvider(connection, major: major)
        let dataEntries = emitter.entries.filter { $0.desc == "TABLE DATA" }
        let oursPath = dir.appendingPathComponent("ours.dump").path
        let writer = try ArchiveWriter(output: OutputFile(path: oursPath), header: theirs.header, entries: dataEntries)
        for e in dataEntries {
            try writer.beginData(dumpId: e.dumpId)
            try emitter.dataSources[e.dumpId]?.write(to: writer)
            try writer.endData()
        }
        try writer.finish()

        let expected = try dataByTable(theirs)
        let actual = try dataByTable(ArchiveReader(path: oursPath))
        XCTAssertEqual(Set(actual.keys), Set(expected.keys))
        var same = 0
        for (table, bytes) in expected {
            if actual[table] == bytes { same += 1 } else {
                XCTFail("\(table): \(actual[table]?.count ?? -1) bytes, pg_dump \(bytes.count); ours ends "
                        + "\(String(decoding: (actual[table] ?? Data()).suffix(40), as: UTF8.self).debugDescription), pg_dump's "
                        + String(decoding: bytes.suffix(40), as: UTF8.self).debugDescription)
            }
        }
        print("pg_dump \(major): \(same)/\(expected.count) TABLE DATA streams identical")
    }
}
