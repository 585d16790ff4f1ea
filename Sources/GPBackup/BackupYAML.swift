import Foundation
import Yams

/// `gpbackup_<ts>_config.yaml` (gpbackup `history.BackupConfig`, keys lowercased by yaml.v2).
/// Every field is optional: gpbackup 1.12 lacks `compressiontype`, `segmentcount`, `restoreplan`,
/// and some real configs were hand-edited. Unknown keys are ignored.
public struct BackupConfig: Decodable, Equatable {
    public var timestamp: String?
    public var backupversion: String?
    public var databaseversion: String?
    public var databasename: String?
    public var compressed: Bool?
    public var compressiontype: String?
    public var segmentcount: Int?
    public var singledatafile: Bool?
    public var incremental: Bool?
    public var leafpartitiondata: Bool?
    public var dataonly: Bool?
    public var metadataonly: Bool?
    public var withoutglobals: Bool?
    public var withstatistics: Bool?
    public var plugin: String?
    public var restoreplan: [RestorePlanStep]?
    public var status: String?
    public var includeschemas: [String]?
    public var excludeschemas: [String]?
    public var includerelations: [String]?
    public var excluderelations: [String]?

    public struct RestorePlanStep: Decodable, Equatable {
        public var timestamp: String
        public var tablefqns: [String]?
    }

    /// The data file compression as gpbackup derives the file extension from it
    /// (`utils/compression.go`): an absent or empty type with `compressed: true` means gzip.
    public var compression: DataCompression {
        guard compressed == true else { return .none }
        switch (compressiontype ?? "").lowercased() {
        case "zstd": return .zstd
        default: return .gzip
        }
    }
}

public enum DataCompression: String, Equatable, CaseIterable {
    case none, gzip, zstd

    /// File name suffix gpbackup appends to data files.
    public var fileExtension: String {
        switch self {
        case .none: return ""
        case .gzip: return ".gz"
        case .zstd: return ".zst"
        }
    }
}

/// The coordinator `gpbackup_<ts>_toc.yaml` (gpbackup `toc.TOC`).
public struct BackupTOC: Decodable, Equatable {
    public var globalentries: [MetadataEntry]
    public var predataentries: [MetadataEntry]
    public var postdataentries: [MetadataEntry]
    public var statisticsentries: [MetadataEntry]
    public var dataentries: [CoordinatorDataEntry]

    enum CodingKeys: String, CodingKey {
        case globalentries, predataentries, postdataentries, statisticsentries, dataentries
    }

    public init(globalentries: [MetadataEntry] = [], predataentries: [MetadataEntry] = [],
                postdataentries: [MetadataEntry] = [], statisticsentries: [MetadataEntry] = [],
                dataentries: [CoordinatorDataEntry] = []) {
        self.globalentries = globalentries
        self.predataentries = predataentries
        self.postdataentries = postdataentries
        self.statisticsentries = statisticsentries
        self.dataentries = dataentries
    }

    // Sections may be absent or written as `null` by older gpbackup versions.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        globalentries = try c.decodeIfPresent([MetadataEntry].self, forKey: .globalentries) ?? []
        predataentries = try c.decodeIfPresent([MetadataEntry].self, forKey: .predataentries) ?? []
        postdataentries = try c.decodeIfPresent([MetadataEntry].self, forKey: .postdataentries) ?? []
        statisticsentries = try c.decodeIfPresent([MetadataEntry].self, forKey: .statisticsentries) ?? []
        dataentries = try c.decodeIfPresent([CoordinatorDataEntry].self, forKey: .dataentries) ?? []
    }
}

public struct MetadataEntry: Decodable, Equatable {
    /// Quoted identifiers as gpbackup wrote them (`quote_ident`).
    public var schema: String
    public var name: String
    public var objecttype: String
    public var referenceobject: String
    public var startbyte: Int64
    public var endbyte: Int64

    enum CodingKeys: String, CodingKey { case schema, name, objecttype, referenceobject, startbyte, endbyte }

    public init(schema: String, name: String, objecttype: String, referenceobject: String = "", startbyte: Int64, endbyte: Int64) {
        self.schema = schema; self.name = name; self.objecttype = objecttype
        self.referenceobject = referenceobject; self.startbyte = startbyte; self.endbyte = endbyte
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decodeIfPresent(String.self, forKey: .schema) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        objecttype = try c.decode(String.self, forKey: .objecttype)
        referenceobject = try c.decodeIfPresent(String.self, forKey: .referenceobject) ?? ""
        startbyte = try c.decode(Int64.self, forKey: .startbyte)
        endbyte = try c.decode(Int64.self, forKey: .endbyte)
    }
}

public struct CoordinatorDataEntry: Decodable, Equatable {
    public var schema: String
    public var name: String
    public var oid: UInt32
    public var attributestring: String
    public var rowscopied: Int64
    public var partitionroot: String
    /// Absent in tocs of gpbackup before 1.26: then the table's DDL decides.
    public var isreplicated: Bool?

    enum CodingKeys: String, CodingKey { case schema, name, oid, attributestring, rowscopied, partitionroot, isreplicated }

    public init(schema: String, name: String, oid: UInt32, attributestring: String, rowscopied: Int64,
                partitionroot: String = "", isreplicated: Bool? = nil) {
        self.schema = schema; self.name = name; self.oid = oid; self.attributestring = attributestring
        self.rowscopied = rowscopied; self.partitionroot = partitionroot; self.isreplicated = isreplicated
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        name = try c.decode(String.self, forKey: .name)
        oid = try c.decode(UInt32.self, forKey: .oid)
        attributestring = try c.decodeIfPresent(String.self, forKey: .attributestring) ?? ""
        rowscopied = try c.decodeIfPresent(Int64.self, forKey: .rowscopied) ?? 0
        partitionroot = try c.decodeIfPresent(String.self, forKey: .partitionroot) ?? ""
        isreplicated = try c.decodeIfPresent(Bool.self, forKey: .isreplicated)
    }

    /// `schema.name` with gpbackup's quoting, the form restore plans use.
    public var fqn: String { "\(schema).\(name)" }
}

/// `gpbackup_<c>_<ts>_toc.yaml` of single-data-file mode: per table oid, its byte range in the
/// UNCOMPRESSED data stream of that segment.
public struct SegmentTOC: Decodable, Equatable {
    public struct Range: Decodable, Equatable {
        public var startbyte: Int64
        public var endbyte: Int64
        public init(startbyte: Int64, endbyte: Int64) { self.startbyte = startbyte; self.endbyte = endbyte }
    }
    public var dataentries: [UInt32: Range]

    enum CodingKeys: String, CodingKey { case dataentries }
    public init(dataentries: [UInt32: Range]) { self.dataentries = dataentries }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Keys are table oids written as YAML integers; decode them as strings and parse, because
        // Swift's Dictionary only maps String/Int keys onto a YAML mapping.
        let raw = try c.decodeIfPresent([String: Range].self, forKey: .dataentries) ?? [:]
        var entries: [UInt32: Range] = [:]
        for (key, range) in raw {
            guard let oid = UInt32(key) else {
                throw DecodingError.dataCorruptedError(forKey: .dataentries, in: c,
                                                       debugDescription: "table oid '\(key)' is not an unsigned integer")
            }
            entries[oid] = range
        }
        dataentries = entries
    }
}

enum YAMLFile {
    /// Reads and decodes a YAML file; every failure becomes `malformedYAML` naming the file and,
    /// where it can be found, the line.
    static func load<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw GPBackupError.ioError(path: url.path, offset: 0, reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GPBackupError.malformedYAML(path: url.path, line: nil, detail: "not valid UTF-8")
        }
        return try decode(type, from: text, path: url.path)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String, path: String) throws -> T {
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as YamlError {
            throw GPBackupError.malformedYAML(path: path, line: yamlErrorLine(error), detail: yamlErrorProblem(error))
        } catch let error as DecodingError {
            // Yams reports syntax errors as DecodingError.dataCorrupted wrapping its YamlError.
            if case let .dataCorrupted(context) = error, let yamlError = context.underlyingError as? YamlError {
                throw GPBackupError.malformedYAML(path: path, line: yamlErrorLine(yamlError), detail: yamlErrorProblem(yamlError))
            }
            let (codingPath, detail) = describe(error)
            let line = lineOfNode(in: text, at: codingPath)
            let where_ = codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw GPBackupError.malformedYAML(path: path, line: line, detail: where_.isEmpty ? detail : "\(where_): \(detail)")
        } catch {
            throw GPBackupError.malformedYAML(path: path, line: nil, detail: "\(error)")
        }
    }

    private static func yamlErrorLine(_ error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default:
            return nil
        }
    }

    private static func yamlErrorProblem(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _), let .composer(context, problem, _, _):
            return [context.map { "\($0.text)" }, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        case let .reader(problem, _, _, _):
            return problem
        default:
            return "\(error)"
        }
    }

    private static func describe(_ error: DecodingError) -> ([CodingKey], String) {
        switch error {
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx), let .dataCorrupted(ctx):
            return (ctx.codingPath, ctx.debugDescription)
        case let .keyNotFound(key, ctx):
            return (ctx.codingPath, "required key '\(key.stringValue)' is missing")
        @unknown default:
            return ([], "\(error)")
        }
    }

    /// Walks the composed YAML tree along a decoding error's coding path to report a line number.
    private static func lineOfNode(in text: String, at path: [CodingKey]) -> Int? {
        guard var node = try? Yams.compose(yaml: text) else { return nil }
        var line = node.mark?.line
        for key in path {
            if let index = key.intValue, let seq = node.sequence, index >= 0, index < seq.count {
                node = seq[index]
            } else if let map = node.mapping, let child = map[key.stringValue] {
                node = child
            } else {
                break
            }
            line = node.mark?.line ?? line
        }
        return line
    }
}
