import Foundation

/// What a file in a gpbackup set is, decided from its NAME alone. The content id in a data file's
/// name is authoritative: resize tests and hand copies put files into other contents' directories.
public enum BackupFileKind: Equatable, Hashable {
    case config(timestamp: String)
    case coordinatorTOC(timestamp: String)
    case metadata(timestamp: String)
    case statistics(timestamp: String)
    case report(timestamp: String)
    case pluginConfig(timestamp: String)
    /// File-per-table mode: `gpbackup_<c>_<ts>_<oid>[.gz|.zst]`.
    case tableData(content: Int, timestamp: String, oid: UInt32, compression: DataCompression)
    /// Single-data-file mode: `gpbackup_<c>_<ts>[.gz|.zst]`.
    case singleDataFile(content: Int, timestamp: String, compression: DataCompression)
    /// Single-data-file mode: `gpbackup_<c>_<ts>_toc.yaml`.
    case segmentTOC(content: Int, timestamp: String)

    public var timestamp: String {
        switch self {
        case let .config(ts), let .coordinatorTOC(ts), let .metadata(ts), let .statistics(ts),
             let .report(ts), let .pluginConfig(ts):
            return ts
        case let .tableData(_, ts, _, _), let .singleDataFile(_, ts, _), let .segmentTOC(_, ts):
            return ts
        }
    }

    /// Classifies a file name; nil for anything that is not part of a backup (gprestore reports,
    /// helper pipes and scratch files, unrelated files).
    public static func classify(_ fileName: String) -> BackupFileKind? {
        let prefix = "gpbackup_"
        guard fileName.hasPrefix(prefix) else { return nil }
        let rest = String(fileName.dropFirst(prefix.count))
        let parts = rest.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first else { return nil }

        if isTimestamp(first) {
            // Coordinator files: gpbackup_<ts>_<suffix>
            let suffix = parts.dropFirst().joined(separator: "_")
            switch suffix {
            case "config.yaml": return .config(timestamp: first)
            case "toc.yaml": return .coordinatorTOC(timestamp: first)
            case "metadata.sql": return .metadata(timestamp: first)
            case "statistics.sql": return .statistics(timestamp: first)
            case "report": return .report(timestamp: first)
            case "plugin_config.yaml": return .pluginConfig(timestamp: first)
            default: return nil
            }
        }

        guard let content = Int(first), content >= 0, isDigits(first), parts.count >= 2 else { return nil }
        if parts.count == 2 {
            let (base, compression) = splitCompression(parts[1])
            guard isTimestamp(base) else { return nil }
            return .singleDataFile(content: content, timestamp: base, compression: compression)
        }
        guard parts.count == 3, isTimestamp(parts[1]) else { return nil }
        if parts[2] == "toc.yaml" { return .segmentTOC(content: content, timestamp: parts[1]) }
        let (oidText, compression) = splitCompression(parts[2])
        guard isDigits(oidText), let oid = UInt32(oidText) else { return nil }
        return .tableData(content: content, timestamp: parts[1], oid: oid, compression: compression)
    }

    /// A gpbackup timestamp: exactly 14 ASCII digits (`filepath.IsValidTimestamp`).
    public static func isTimestamp(_ text: String) -> Bool {
        text.utf8.count == 14 && isDigits(text)
    }

    static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func splitCompression(_ text: String) -> (String, DataCompression) {
        if text.hasSuffix(".gz") { return (String(text.dropLast(3)), .gzip) }
        if text.hasSuffix(".zst") { return (String(text.dropLast(4)), .zstd) }
        return (text, .none)
    }
}
