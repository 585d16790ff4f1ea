import Archive
import Foundation
import TestSupport
import XCTest

/// read -> write -> read must keep every TOC field and every data byte, and what pgfunnel writes
/// must be accepted by the real pg_restore.
final class ArchiveRoundTripTests: XCTestCase {
    /// Digest of every entry's decompressed data (FNV-1a, order-sensitive) plus large-object OIDs.
    func dataDigests(_ reader: ArchiveReader) throws -> [Int: (UInt64, Int64, [UInt32])] {
        var result: [Int: (UInt64, Int64, [UInt32])] = [:]
        for e in reader.entries where e.hasData {
            var hash: UInt64 = 0xcbf29ce484222325
            var count: Int64 = 0
            var oids: [UInt32] = []
            try reader.readData(of: e) { event in
                switch event {
                case let .bytes(b):
                    for byte in b { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
                    count += Int64(b.count)
                case let .largeObjectStart(oid): oids.append(oid)
                case .largeObjectEnd: break
                }
            }
            result[e.dumpId] = (hash, count, oids)
        }
        return result
    }

    func withoutOffsets(_ entries: [TocEntry]) -> [TocEntry] {
        entries.map { var e = $0; e.dataOffset = 0; e.dataState = e.hasData ? .set : .noData; return e }
    }

    func testEveryFixtureSurvivesReadWriteRead() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertGreaterThan(Fixtures.archives.count, 20)
        for archive in Fixtures.archives {
            let original = try ArchiveReader(path: archive.path)
            let copyPath = dir.appendingPathComponent(archive.lastPathComponent).path
            try ArchiveRewriter.rewrite(original, to: OutputFile(path: copyPath), settings: .init())
            let copy = try ArchiveReader(path: copyPath)
            XCTAssertEqual(copy.header.version, original.header.version, archive.lastPathComponent)
            XCTAssertEqual(copy.header.compression.algorithm, original.header.compression.algorithm)
            XCTAssertEqual(copy.header.databaseName, original.header.databaseName)
            XCTAssertEqual(copy.header.dumpVersion, original.header.dumpVersion)
            XCTAssertEqual(withoutOffsets(copy.entries), withoutOffsets(original.entries), archive.lastPathComponent)
            // Offsets are always filled in when writing to a file, even if the source had none.
            for e in copy.entries where e.hasData { XCTAssertEqual(e.dataState, .set, "\(archive.lastPathComponent) \(e.label)") }
            let a = try dataDigests(ArchiveReader(path: archive.path))
            let b = try dataDigests(copy)
            XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
            for (id, v) in a {
                XCTAssertEqual(b[id]?.0, v.0, "\(archive.lastPathComponent) entry \(id) data differs")
                XCTAssertEqual(b[id]?.1, v.1)
                XCTAssertEqual(b[id]?.2, v.2)
            }
        }
    }

    /// Rewrites are read by the real pg_restore: the same release prints the same script as for
    /// the original, and a 1.14/gzip rewrite is readable by pg_restore 15 and 18 alike.
    func testRewrittenArchivesAreAcceptedByPgRestore() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var checked = 0
        for archive in Fixtures.archives {
            guard let major = Fixtures.major(of: archive), let pgRestore = ReferenceTools.binary("pg_restore", major: major) else { continue }
            let copyPath = dir.appendingPathComponent("same-" + archive.lastPathComponent).path
            try ArchiveRewriter.rewrite(try ArchiveReader(path: archive.path), to: OutputFile(path: copyPath), settings: .init())
            let args = ["-f", "-", "--restrict-key", "K"]
            let original = try ProcessRunner.run(executable: pgRestore, arguments: args + [archive.path], environment: ReferenceTools.environment(major: major))
            let rewritten = try ProcessRunner.run(executable: pgRestore, arguments: args + [copyPath], environment: ReferenceTools.environment(major: major))
            XCTAssertEqual(rewritten.status, 0, "\(archive.lastPathComponent): \(rewritten.stderr.text)")
            XCTAssertEqual(rewritten.stdout, original.stdout, "\(archive.lastPathComponent): script of the rewrite differs")
            checked += 1

            // 1.14 with gzip: what every pg_restore from 12 on reads.
            let reader = try ArchiveReader(path: archive.path)
            let downgradePath = dir.appendingPathComponent("v114-" + archive.lastPathComponent).path
            try ArchiveRewriter.rewrite(reader, to: OutputFile(path: downgradePath),
                                        settings: .init(version: .v1_14, compression: .gzip))
            for old in [15, 18] {
                guard let tool = ReferenceTools.binary("pg_restore", major: old) else { continue }
                let out = try ProcessRunner.run(executable: tool, arguments: args + [downgradePath], environment: ReferenceTools.environment(major: old))
                XCTAssertEqual(out.status, 0, "pg_restore \(old) on 1.14 rewrite of \(archive.lastPathComponent): \(out.stderr.text)")
                XCTAssertFalse(out.stdout.isEmpty)
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }
}
