/// `pgfunnel verify`: reads an archive completely and reports what it holds, or the first problem.
///
/// Checks the header and TOC (as the reader does), that every recorded data offset points at the
/// block of its own entry, and that every data stream and large object decompresses to its end.
/// With a manifest it also checks the archive's SHA-256 and each entry's rows and checksum.
public struct ArchiveVerification: Codable {
    public struct EntryReport: Codable {
        public var dumpId: Int
        public var desc: String
        public var namespace: String?
        public var tag: String
        public var dataOffset: Int64?
        public var uncompressedBytes: Int64
        public var rows: Int64?
        public var largeObjects: Int?
        public var sha256: String
    }

    public var file: String
    public var version: String
    public var compression: String
    public var entries: Int
    public var dataEntries: [EntryReport]
    /// Dependencies on entries absent from the archive; normal for partial dumps (-n, -t).
    public var danglingDependencies: [Int]
    public var totalUncompressedBytes: Int64
    public var manifestChecked: Bool
}

public enum ArchiveVerifier {
    public static func verify(path: String, manifestPath: String? = nil) throws -> ArchiveVerification {
        let reader = try ArchiveReader(path: path)
        let ids = Set(reader.entries.map(\.dumpId))
        var dangling = Set<Int>()
        for e in reader.entries { for d in e.dependencies where !ids.contains(d) { dangling.insert(d) } }

        var reports: [ArchiveVerification.EntryReport] = []
        var total: Int64 = 0
        for e in reader.entries where e.hasData && e.dataState != .noData {
            var digest = DataDigest()
            var largeObjects = 0
            try reader.readData(of: e) { event in
                switch event {
                case let .bytes(b): digest.update(b)
                case .largeObjectStart: largeObjects += 1
                case .largeObjectEnd: break
                }
            }
            total += digest.bytes
            let isCopy = (e.copyStatement ?? "").isEmpty == false
            reports.append(.init(dumpId: e.dumpId, desc: e.desc, namespace: e.namespace, tag: e.tag,
                                 dataOffset: e.dataState == .set ? e.dataOffset : nil,
                                 uncompressedBytes: digest.bytes, rows: isCopy ? digest.rows : nil,
                                 largeObjects: e.desc == "BLOBS" ? largeObjects : nil, sha256: digest.finalize()))
        }

        var checked = false
        let manifestFile = manifestPath ?? ArchiveManifest.path(for: path)
        if manifestPath != nil || FileManagerShim.exists(manifestFile), path != "-" {
            let manifest = try ArchiveManifest.load(from: manifestFile)
            let (sha, size) = try ArchiveManifest.sha256(ofFile: path)
            if sha != manifest.archiveSHA256 || size != manifest.archiveBytes {
                throw ArchiveError.corruptData(file: path, offset: 0, entry: "the whole archive",
                                               detail: "SHA-256 \(sha) (\(size) bytes) does not match the manifest's \(manifest.archiveSHA256) (\(manifest.archiveBytes) bytes)")
            }
            let byId = Dictionary(uniqueKeysWithValues: reports.map { ($0.dumpId, $0) })
            for m in manifest.entries {
                guard let r = byId[m.dumpId] else {
                    throw ArchiveError.inconsistentToc(file: path, detail: "manifest lists data for TOC entry \(m.dumpId) (\(m.desc) \(m.tag)), which the archive lacks")
                }
                if r.sha256 != m.sha256 || r.uncompressedBytes != m.bytes || (r.rows ?? 0) != m.rows {
                    let e = reader.entry(dumpId: m.dumpId)!
                    throw ArchiveError.corruptData(file: path, offset: e.dataOffset, entry: e.label,
                                                   detail: "data (\(r.rows ?? 0) rows, \(r.uncompressedBytes) bytes) does not match the manifest (\(m.rows) rows, \(m.bytes) bytes)")
                }
            }
            checked = true
        }
        let h = reader.header
        return ArchiveVerification(file: path, version: "\(h.version.major).\(h.version.minor)", compression: h.compression.algorithm.name,
                                   entries: reader.entries.count, dataEntries: reports, danglingDependencies: dangling.sorted(),
                                   totalUncompressedBytes: total, manifestChecked: checked)
    }
}

#if canImport(Glibc)
import Glibc
#endif

enum FileManagerShim {
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}
