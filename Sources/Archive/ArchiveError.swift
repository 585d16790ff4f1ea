/// Everything that can go wrong while reading or writing a custom-format archive.
///
/// Each case carries what a DBA needs to find the problem: the file, the byte offset where reading
/// stopped, and what was expected there. The message never depends on Swift's own formatting of
/// the error so that tests and users see stable text.
public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    /// The file ended before a structure was complete.
    case truncated(file: String, offset: Int64, expected: String)
    /// The first five bytes are not "PGDMP".
    case badMagic(file: String, found: [UInt8])
    /// A header, TOC or block field holds a value this format does not allow.
    case invalidField(file: String, offset: Int64, field: String, detail: String)
    /// The archive was written in a format version outside 1.12...1.16 (or a format we do not read).
    case unsupportedVersion(file: String, version: String)
    /// Compressed data could not be decompressed.
    case corruptData(file: String, offset: Int64, entry: String, detail: String)
    /// A data block for an entry could not be located.
    case missingData(file: String, entry: String, detail: String)
    /// Something in the TOC refers to something that does not exist.
    case inconsistentToc(file: String, detail: String)
    /// An operating-system I/O call failed.
    case io(file: String, operation: String, errno: Int32, detail: String)
    /// The archive uses a feature this build cannot handle (for example an unknown codec).
    case unsupported(file: String, detail: String)

    public var description: String {
        switch self {
        case let .truncated(file, offset, expected):
            return "\(file): unexpected end of file at offset \(offset) while reading \(expected)"
        case let .badMagic(file, found):
            let shown = found.map { b -> String in
                (32..<127).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
            }.joined()
            return "\(file): not a custom-format archive: expected magic \"PGDMP\" at offset 0, found \"\(shown)\""
        case let .invalidField(file, offset, field, detail):
            return "\(file): invalid \(field) at offset \(offset): \(detail)"
        case let .unsupportedVersion(file, version):
            return "\(file): unsupported archive version \(version) (this build reads 1.12 to 1.16)"
        case let .corruptData(file, offset, entry, detail):
            return "\(file): corrupt data for \(entry) at offset \(offset): \(detail)"
        case let .missingData(file, entry, detail):
            return "\(file): cannot find data for \(entry): \(detail)"
        case let .inconsistentToc(file, detail):
            return "\(file): inconsistent table of contents: \(detail)"
        case let .io(file, operation, errno, detail):
            return "\(file): could not \(operation): \(detail) (errno \(errno))"
        case let .unsupported(file, detail):
            return "\(file): \(detail)"
        }
    }
}
