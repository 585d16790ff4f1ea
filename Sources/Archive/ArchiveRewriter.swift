/// Copies an archive into a new one, optionally in another format version or compression: the
/// TOC is carried over entry by entry and every data stream is decompressed and recompressed
/// through the streaming writer, so memory stays bounded whatever the archive holds.
public enum ArchiveRewriter {
    public struct Settings {
        public var version: ArchiveVersion?
        public var compression: CompressionAlgorithm?
        public var level: Int?
        /// Also write ARCHIVE.manifest.json.
        public var writeManifest: Bool
        public init(version: ArchiveVersion? = nil, compression: CompressionAlgorithm? = nil, level: Int? = nil,
                    writeManifest: Bool = false) {
            self.version = version
            self.compression = compression
            self.level = level
            self.writeManifest = writeManifest
        }
    }

    public static func rewrite(_ reader: ArchiveReader, to output: OutputFile, settings: Settings) throws {
        let source = reader.header
        let version = settings.version ?? source.version
        let algorithm = settings.compression ?? source.compression.algorithm
        if version < .v1_15 && (algorithm == .lz4 || algorithm == .zstd) {
            throw ArchiveError.unsupported(file: output.path ?? "standard output",
                                           detail: "archive version \(version) can only hold gzip or uncompressed data, not \(algorithm.name)")
        }
        if version < .v1_16, let e = reader.entries.first(where: { $0.desc == "BLOB METADATA" }) {
            throw ArchiveError.unsupported(file: reader.fileName,
                                           detail: "\(e.label) groups large objects the 1.16 way; it cannot be written as version \(version)")
        }
        var compression = ArchiveCompression(algorithm: algorithm)
        if version < .v1_15 {
            let sameAsSource = algorithm == source.compression.algorithm ? source.compression.legacyLevel : nil
            compression.legacyLevel = algorithm == .none ? 0 : (settings.level ?? sameAsSource ?? -1)
        }
        let header = ArchiveHeader(version: version, intSize: 4, offSize: 8, compression: compression,
                                   created: source.created, databaseName: source.databaseName,
                                   serverVersion: source.serverVersion, dumpVersion: source.dumpVersion)
        var entries = reader.entries
        if version < .v1_16 {
            for i in entries.indices { entries[i].relkind = 0 }
        }
        let writer = try ArchiveWriter(output: output, header: header, entries: entries,
                                       level: settings.level ?? compression.legacyLevel.flatMap { $0 < 0 ? nil : $0 })
        for entry in reader.entries where entry.hasData && entry.dataState != .noData {
            // pg_dump writes large objects in BLOBS entries (block type 3), everything else as one stream.
            let isLargeObjects = entry.desc == "BLOBS"
            if isLargeObjects { try writer.beginLargeObjects(dumpId: entry.dumpId) } else { try writer.beginData(dumpId: entry.dumpId) }
            try reader.readData(of: entry) { event in
                switch event {
                case let .bytes(b): try writer.writeData(b)
                case let .largeObjectStart(oid): try writer.beginLargeObject(oid: oid)
                case .largeObjectEnd: try writer.endLargeObject()
                }
            }
            if isLargeObjects { try writer.endLargeObjects() } else { try writer.endData() }
        }
        try writer.finish(writeManifest: settings.writeManifest)
    }
}
