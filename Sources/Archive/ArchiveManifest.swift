import Crypto
import Foundation

/// `ARCHIVE.manifest.json`, written beside an archive by dump and import-gpbackup: the archive's
/// SHA-256 and, for every data entry, its row count and the SHA-256 of its uncompressed bytes,
/// so `verify` can tell a damaged or swapped archive from a sound one.
public struct ArchiveManifest: Codable, Equatable {
    public struct DataEntry: Codable, Equatable {
        public var dumpId: Int
        public var desc: String
        public var namespace: String?
        public var tag: String
        public var rows: Int64
        public var bytes: Int64
        public var sha256: String
    }

    public var format = "pgfunnel-manifest-1"
    public var archiveSHA256: String
    public var archiveBytes: Int64
    public var entries: [DataEntry]

    public static func path(for archive: String) -> String { archive + ".manifest.json" }

    public static func load(from path: String) throws -> ArchiveManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ArchiveError.io(file: path, operation: "read manifest", errno: errno, detail: String(cString: strerror(errno)))
        }
        do {
            return try JSONDecoder().decode(ArchiveManifest.self, from: data)
        } catch {
            throw ArchiveError.invalidField(file: path, offset: 0, field: "manifest", detail: "not a pgfunnel manifest: \(error)")
        }
    }

    /// Writes the manifest atomically next to the archive.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let out = try OutputFile(path: path)
        try out.write(String(decoding: try encoder.encode(self), as: UTF8.self) + "\n")
        try out.commit()
    }

    /// SHA-256 of a whole file, streamed.
    public static func sha256(ofFile path: String) throws -> (String, Int64) {
        let input = try ByteInput(path: path)
        var hasher = SHA256()
        var total: Int64 = 0
        while try !input.atEnd() {
            let n = Int(min(Int64(1 << 20), input.remaining ?? Int64(1 << 20)))
            try input.stream(n, "file contents") { hasher.update(bufferPointer: $0); total += Int64($0.count) }
        }
        return (hex(hasher.finalize()), total)
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        // Not String(format:): Foundation's formatter costs microseconds per byte, which adds up
        // over thousands of data entries.
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Counts the rows and hashes the bytes of one entry's uncompressed data as it streams by.
///
/// A COPY text row is one newline-terminated line (an empty line is a row of a table without
/// columns); a line holding exactly "\." ends the data and is not a row.
public struct DataDigest {
    private var hasher = SHA256()
    public private(set) var bytes: Int64 = 0
    public private(set) var rows: Int64 = 0
    private var terminated = false
    /// Length of the current line so far, and whether it still reads as "\." from its start.
    private var lineLength = 0
    private var lineMayBeTerminator = true

    public init() {}

    public mutating func update(_ b: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: b)
        bytes += Int64(b.count)
        guard !terminated else { return }
        for c in b {
            if c == 0x0A {
                if lineLength == 2 && lineMayBeTerminator { terminated = true; return }
                rows += 1
                lineLength = 0
                lineMayBeTerminator = true
                continue
            }
            switch lineLength {
            case 0: lineMayBeTerminator = c == 0x5C
            case 1: lineMayBeTerminator = lineMayBeTerminator && c == 0x2E
            default: lineMayBeTerminator = false
            }
            lineLength += 1
        }
    }

    public func finalize() -> String { ArchiveManifest.hex(hasher.finalize()) }
}
