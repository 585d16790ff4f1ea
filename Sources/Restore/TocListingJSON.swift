import Archive
import Foundation

/// `restore -l --json`: the same entries, in the same order, as `-l`, in a form scripts can parse.
/// The schema is documented in the README ("JSON listing").
public struct TocListingDocument: Codable {
    public struct Header: Codable {
        public var archiveVersion: String
        public var createdAt: String
        public var database: String?
        public var compression: String
        public var integerSize: Int
        public var offsetSize: Int
        public var serverVersion: String?
        public var pgDumpVersion: String?
        public var tocEntries: Int
    }

    public struct Entry: Codable {
        public var dumpId: Int
        public var tableOid: UInt32
        public var oid: UInt32
        public var desc: String
        public var namespace: String?
        public var tag: String
        public var owner: String?
        public var section: String
        public var dependencies: [Int]
        public var hasData: Bool
        public var dataOffset: Int64?
        /// Bytes from this entry's data block to the next one (compressed size), when offsets are known.
        public var dataSize: Int64?
    }

    public var header: Header
    public var entries: [Entry]
}

extension ArchiveRestorer {
    public func tocListingJSON() throws -> String {
        let h = reader.header
        let withOffsets = reader.entries.filter { $0.hasData && $0.dataState == .set }.sorted { $0.dataOffset < $1.dataOffset }
        var sizes: [Int: Int64] = [:]
        for (i, e) in withOffsets.enumerated() {
            let end = i + 1 < withOffsets.count ? withOffsets[i + 1].dataOffset : (reader.fileSizeIfKnown ?? e.dataOffset)
            sizes[e.dumpId] = end - e.dataOffset
        }
        let entries = listedEntries.filter { options.verbose || !$0.1.intersection([.schema, .data]).isEmpty }.map { te, _ in
            TocListingDocument.Entry(dumpId: te.dumpId, tableOid: te.tableOid, oid: te.oid, desc: te.desc, namespace: te.namespace,
                                     tag: te.tag, owner: te.owner, section: te.section.name, dependencies: te.dependencies,
                                     hasData: te.hasData, dataOffset: te.dataState == .set ? te.dataOffset : nil, dataSize: sizes[te.dumpId])
        }
        let doc = TocListingDocument(
            header: .init(archiveVersion: "\(h.version.major).\(h.version.minor)-\(h.version.revision)", createdAt: h.created.formatted,
                          database: h.databaseName, compression: h.compression.algorithm.name, integerSize: h.intSize,
                          offsetSize: h.offSize, serverVersion: h.serverVersion, pgDumpVersion: h.dumpVersion,
                          tocEntries: reader.entries.count),
            entries: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(doc), as: UTF8.self) + "\n"
    }
}
