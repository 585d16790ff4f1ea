/// Constants and small value types of PostgreSQL's custom archive format (pg_dump -Fc).
///
/// The names follow pg_backup_archiver.h so that a reader of both codebases can match them up.

/// An archive format version such as 1.14.0.
public struct ArchiveVersion: Comparable, Hashable, CustomStringConvertible, Sendable {
    public let major: UInt8
    public let minor: UInt8
    public let revision: UInt8

    public init(_ major: UInt8, _ minor: UInt8, _ revision: UInt8 = 0) {
        self.major = major
        self.minor = minor
        self.revision = revision
    }

    var packed: Int { (Int(major) << 16) | (Int(minor) << 8) | Int(revision) }

    public static func < (lhs: ArchiveVersion, rhs: ArchiveVersion) -> Bool { lhs.packed < rhs.packed }

    public var description: String { "\(major).\(minor)-\(revision)" }

    /// Separate BLOB entries (PostgreSQL 9.0).
    public static let v1_12 = ArchiveVersion(1, 12)
    /// search_path behaviour change (PostgreSQL 11).
    public static let v1_13 = ArchiveVersion(1, 13)
    /// Table access method in TOC entries (PostgreSQL 12 to 15).
    public static let v1_14 = ArchiveVersion(1, 14)
    /// Compression algorithm byte in the header (PostgreSQL 16).
    public static let v1_15 = ArchiveVersion(1, 15)
    /// BLOB METADATA entries, several BLOBS entries, relkind in TOC entries (PostgreSQL 17, 18).
    public static let v1_16 = ArchiveVersion(1, 16)

    public static let oldestReadable = v1_12
    public static let newestReadable = v1_16
}

/// TOC section codes, as stored in the archive (teSection).
public enum ArchiveSection: Int, Sendable, CaseIterable {
    case none = 1
    case preData = 2
    case data = 3
    case postData = 4

    public var name: String {
        switch self {
        case .none: return "none"
        case .preData: return "pre-data"
        case .data: return "data"
        case .postData: return "post-data"
        }
    }
}

/// Compression algorithms as numbered in the 1.15+ header byte (pg_compress_algorithm).
public enum CompressionAlgorithm: UInt8, Sendable, CaseIterable {
    case none = 0
    case gzip = 1
    case lz4 = 2
    case zstd = 3

    public var name: String {
        switch self {
        case .none: return "none"
        case .gzip: return "gzip"
        case .lz4: return "lz4"
        case .zstd: return "zstd"
        }
    }
}

/// How an archive's data is compressed, as recorded in its header.
///
/// Before 1.15 the header held a zlib level (-1 default, 0 none, 1..9); from 1.15 on it holds an
/// algorithm and no level. Both are kept because `pg_restore -l` prints them differently.
public struct ArchiveCompression: Equatable, Sendable {
    public var algorithm: CompressionAlgorithm
    /// The level stored by pre-1.15 archives; nil for 1.15+ archives.
    public var legacyLevel: Int?

    public init(algorithm: CompressionAlgorithm, legacyLevel: Int? = nil) {
        self.algorithm = algorithm
        self.legacyLevel = legacyLevel
    }

    public static let none = ArchiveCompression(algorithm: .none)
}

/// Block types that start each data block in the archive body.
enum BlockType: UInt8 {
    case data = 1
    case largeObjects = 3
}

/// The flag written before each entry's data offset.
public enum DataOffsetState: UInt8, Sendable {
    /// The entry has data but its position was not recorded (archive written to a pipe).
    case notSet = 1
    /// The entry has data at the recorded position.
    case set = 2
    /// The entry has no data.
    case noData = 3
}

/// The format byte in the header; only custom (1) is a single-file archive we read.
enum ArchiveFormatCode: UInt8 {
    case unknown = 0
    case custom = 1
    case tar = 3
    case null = 4
    case directory = 5
}
