import Foundation

/// Everything that can go wrong while reading a gpbackup set. Each case carries the file (and,
/// where it is known, the byte offset or line) so a user can find the bad spot without a debugger.
public enum GPBackupError: Error, Equatable, CustomStringConvertible {
    /// The directory given does not exist or cannot be listed.
    case unreadableDirectory(path: String, reason: String)
    /// No `gpbackup_<ts>_config.yaml` anywhere below the backup dir (or none for the timestamp asked for).
    case noBackupFound(backupDir: String, timestamp: String?, found: [String])
    /// A file a complete set must contain is absent.
    case missingFile(path: String, reason: String)
    /// A file that does not belong to the set (unknown table oid, content id beyond the segment count...).
    case unexpectedFile(path: String, reason: String)
    /// The same file name occurs twice below the backup dir.
    case duplicateFile(name: String, paths: [String])
    /// YAML that does not parse or does not have the expected shape.
    case malformedYAML(path: String, line: Int?, detail: String)
    /// The set as a whole cannot be imported (plugin backup, failed backup, inconsistent config...).
    case unsupportedBackup(path: String, reason: String)
    /// A metadata.sql byte range that is out of bounds or not UTF-8.
    case badMetadataRange(path: String, startByte: Int64, endByte: Int64, reason: String)
    case ioError(path: String, offset: Int64, reason: String)
    /// Corrupt compressed data; `offset` is the position in the COMPRESSED file.
    case corruptCompressedData(path: String, offset: Int64, reason: String)
    /// The compressed stream ended early; `offset` is the compressed size read.
    case truncatedCompressedData(path: String, offset: Int64, reason: String)
    /// CSV that PostgreSQL's CSV reader would also reject. `line` is 1-based, `offset` is
    /// the position in the uncompressed stream of this table's rows.
    case malformedCSV(path: String, line: Int64, offset: Int64, reason: String)
    /// A segment TOC range that lies beyond the end of the uncompressed single data file.
    case segmentRangeOutOfBounds(path: String, oid: UInt32, startByte: Int64, endByte: Int64, streamLength: Int64)
    /// Rows streamed differ from the toc's `rowscopied`.
    case rowCountMismatch(table: String, expected: Int64, actual: Int64, detail: String)

    public var description: String {
        switch self {
        case let .unreadableDirectory(path, reason):
            return "\(path): cannot read directory: \(reason)"
        case let .noBackupFound(dir, ts, found):
            let what = ts.map { "backup with timestamp \($0)" } ?? "gpbackup backup (no gpbackup_<timestamp>_config.yaml)"
            let list = found.isEmpty ? "" : " (timestamps found: \(found.joined(separator: ", ")))"
            return "\(dir): no \(what) found\(list)"
        case let .missingFile(path, reason):
            return "\(path): missing: \(reason)"
        case let .unexpectedFile(path, reason):
            return "\(path): unexpected file: \(reason)"
        case let .duplicateFile(name, paths):
            return "\(name): found more than once: \(paths.joined(separator: ", "))"
        case let .malformedYAML(path, line, detail):
            return "\(path)\(line.map { ":\($0)" } ?? ""): malformed YAML: \(detail)"
        case let .unsupportedBackup(path, reason):
            return "\(path): cannot import: \(reason)"
        case let .badMetadataRange(path, start, end, reason):
            return "\(path): bytes \(start)..<\(end): \(reason)"
        case let .ioError(path, offset, reason):
            return "\(path) at byte \(offset): \(reason)"
        case let .corruptCompressedData(path, offset, reason):
            return "\(path) at compressed byte \(offset): corrupt data: \(reason)"
        case let .truncatedCompressedData(path, offset, reason):
            return "\(path) at compressed byte \(offset): truncated: \(reason)"
        case let .malformedCSV(path, line, offset, reason):
            return "\(path) line \(line) (byte \(offset)): malformed CSV: \(reason)"
        case let .segmentRangeOutOfBounds(path, oid, start, end, length):
            return "\(path): segment toc range \(start)..<\(end) of table oid \(oid) exceeds the uncompressed stream length \(length)"
        case let .rowCountMismatch(table, expected, actual, detail):
            return "\(table): expected \(expected) rows, streamed \(actual) (\(detail))"
        }
    }
}
