import Archive

/// The pg_restore release whose output we reproduce. pg_restore's text depends on its own
/// version as well as on the archive, so we pick the release of the pg_dump that wrote the archive
/// (its "Dumped by" major version), clamped to the releases we know: 15 to 18.
public struct PgRestoreRelease: Equatable, Sendable {
    public let major: Int

    public init(major: Int) {
        self.major = min(max(major, 15), 18)
    }

    /// The release matching an archive. Archives from pg_dump 12 to 14 use 1.14 like 15 does.
    public static func matching(_ header: ArchiveHeader) -> PgRestoreRelease {
        if let m = header.dumpMajorVersion, m >= 10 { return PgRestoreRelease(major: m) }
        switch header.version {
        case ..<ArchiveVersion.v1_15: return PgRestoreRelease(major: 15)
        case ArchiveVersion.v1_15: return PgRestoreRelease(major: 16)
        default: return PgRestoreRelease(major: 18)
        }
    }

    /// 17+: `SET transaction_timeout = 0;` among the fixed settings.
    var setsTransactionTimeout: Bool { major >= 17 }
    /// 16+: `-l` prints the algorithm name instead of the zlib level.
    var listsCompressionByName: Bool { major >= 16 }
    /// 16+: ALTER VIEW / SEQUENCE / MATERIALIZED VIEW ... OWNER instead of ALTER TABLE.
    var ownerCommandsUseObjectKind: Bool { major >= 16 }
}
