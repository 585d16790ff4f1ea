import Foundation

public enum MetadataSection: String, Equatable {
    case global, predata, postdata, statistics
}

/// One toc metadata entry with its SQL text (the bytes `startbyte..<endbyte` of metadata.sql or
/// statistics.sql, decoded as UTF-8).
public struct MetadataStatement: Equatable {
    public var section: MetadataSection
    /// Position of the entry within its section of the toc.
    public var indexInSection: Int
    public var objectType: String
    /// Quoted identifiers as gpbackup wrote them.
    public var schema: String
    public var name: String
    public var referenceObject: String
    public var startByte: Int64
    public var endByte: Int64
    public var sql: String

    /// Unquoted forms, as pg_dump puts them in archive tags.
    public var unquotedSchema: String { SQLIdentifier.unquote(schema) }
    public var unquotedName: String { SQLIdentifier.unquote(name) }

    /// `"<TYPE> METADATA"` entries (post-data follow-ups) name the base type.
    public var baseObjectType: String {
        objectType.hasSuffix(" METADATA") ? String(objectType.dropLast(" METADATA".count)) : objectType
    }
}

public enum MetadataReader {
    /// Reads every entry's SQL. Ranges must lie inside the file and be valid UTF-8 (gpbackup
    /// writes the session's client encoding, observed UTF8 everywhere).
    public static func read(toc: BackupTOC, metadataPath: URL, statisticsPath: URL? = nil) throws -> [MetadataStatement] {
        var result: [MetadataStatement] = []
        let sections: [(MetadataSection, [MetadataEntry])] = [
            (.global, toc.globalentries), (.predata, toc.predataentries), (.postdata, toc.postdataentries),
        ]
        let metadata = try SlicedFile(path: metadataPath.path)
        defer { metadata.close() }
        for (section, entries) in sections {
            for (index, entry) in entries.enumerated() {
                result.append(try statement(entry, section: section, index: index, file: metadata))
            }
        }
        if let statisticsPath, !toc.statisticsentries.isEmpty {
            let statistics = try SlicedFile(path: statisticsPath.path)
            defer { statistics.close() }
            for (index, entry) in toc.statisticsentries.enumerated() {
                result.append(try statement(entry, section: .statistics, index: index, file: statistics))
            }
        }
        return result
    }

    private static func statement(_ entry: MetadataEntry, section: MetadataSection, index: Int, file: SlicedFile) throws -> MetadataStatement {
        let sql = try file.text(from: entry.startbyte, to: entry.endbyte)
        return MetadataStatement(section: section, indexInSection: index, objectType: entry.objecttype, schema: entry.schema,
                                 name: entry.name, referenceObject: entry.referenceobject, startByte: entry.startbyte,
                                 endByte: entry.endbyte, sql: sql)
    }
}

/// Random access to byte ranges of a text file without loading it whole.
final class SlicedFile {
    let path: String
    let size: Int64
    private let handle: FileHandle

    init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw GPBackupError.ioError(path: path, offset: 0, reason: "cannot open")
        }
        self.handle = handle
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    func text(from start: Int64, to end: Int64) throws -> String {
        guard start >= 0, end >= start, end <= size else {
            throw GPBackupError.badMetadataRange(path: path, startByte: start, endByte: end,
                                                 reason: "outside the file (\(size) bytes)")
        }
        if start == end { return "" }
        do {
            try handle.seek(toOffset: UInt64(start))
            guard let data = try handle.read(upToCount: Int(end - start)), data.count == Int(end - start) else {
                throw GPBackupError.badMetadataRange(path: path, startByte: start, endByte: end, reason: "short read")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw GPBackupError.badMetadataRange(path: path, startByte: start, endByte: end,
                                                     reason: "not valid UTF-8 (an offset splits a character, or the file is in another encoding)")
            }
            return text
        } catch let error as GPBackupError {
            throw error
        } catch {
            throw GPBackupError.ioError(path: path, offset: start, reason: "\(error)")
        }
    }

    func close() { try? handle.close() }
}
