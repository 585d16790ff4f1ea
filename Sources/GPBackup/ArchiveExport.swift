import Foundation
import Archive

/// What to put into the archive and how to compress it.
public struct ArchiveExportOptions {
    /// Unquoted schema names (`-n`): keep the schema and every object in it.
    public var schemas: [String]
    /// Unquoted `schema.table` names (`-t`): keep the table, its data and what depends on it.
    public var tables: [String]
    public var dataOnly: Bool
    public var schemaOnly: Bool
    public var compression: CompressionAlgorithm
    /// gzip 1-9 / zstd / lz4 level; nil = the library default (what pg_dump does without a level).
    public var level: Int?

    public init(schemas: [String] = [], tables: [String] = [], dataOnly: Bool = false, schemaOnly: Bool = false,
                compression: CompressionAlgorithm = .gzip, level: Int? = nil) {
        self.schemas = schemas
        self.tables = tables
        self.dataOnly = dataOnly
        self.schemaOnly = schemaOnly
        self.compression = compression
        self.level = level
    }
}

/// Row totals of one table as streamed into the archive (already checked against rowscopied).
public struct ExportedTable: Equatable {
    public var name: String
    public var rows: Int64
    public var rowsCopied: Int64
    public var segmentFiles: Int
    public var bytes: Int64

    public init(name: String, rows: Int64, rowsCopied: Int64, segmentFiles: Int, bytes: Int64) {
        self.name = name; self.rows = rows; self.rowsCopied = rowsCopied; self.segmentFiles = segmentFiles; self.bytes = bytes
    }
}

public struct ArchiveExportSummary {
    public var entryCount: Int
    public var tables: [ExportedTable]

    public init(entryCount: Int, tables: [ExportedTable]) {
        self.entryCount = entryCount
        self.tables = tables
    }

    public var totalRows: Int64 { tables.reduce(0) { $0 + $1.rows } }
    /// Uncompressed COPY text bytes written.
    public var totalBytes: Int64 { tables.reduce(0) { $0 + $1.bytes } }
}

/// A failure while turning a plan into an archive. Each case names the file at fault.
public enum ArchiveExportError: Error, CustomStringConvertible {
    /// Reading one table's data failed; `underlying` names the data file (or the toc.yaml whose
    /// rowscopied disagrees with the files).
    case tableData(table: String, file: String, underlying: Error)
    /// The options ask for something the archive cannot hold.
    case invalidOptions(String)

    public var description: String {
        switch self {
        case let .tableData(table, file, underlying):
            let detail = String(describing: underlying)
            // Most GPBackupError texts already start with the file; don't say it twice.
            if detail.hasPrefix(file) { return "TABLE DATA \(table): \(detail)" }
            // A row-count mismatch already starts with the table's name.
            return detail.hasPrefix(table) ? "\(file): TABLE DATA \(detail)" : "\(file): TABLE DATA \(table): \(detail)"
        case let .invalidOptions(message):
            return message
        }
    }
}

/// Converts an `ImportPlan` into the TOC pg_dump would have written and streams the table data
/// into an `ArchiveWriter`. Dump ids are 1..n in TOC order: pg_dump's three special entries first,
/// then the plan's entries in plan order (which is already a valid restore order).
public struct ArchiveExport {
    public let plan: ImportPlan
    public let options: ArchiveExportOptions
    /// The toc.yaml of each backup timestamp, to name it when rowscopied disagrees with the files.
    public let tocPaths: [String: URL]
    public let databaseVersion: String?

    /// Plan indices kept by the selection, in plan order.
    public let kept: [Int]
    public let entries: [TocEntry]
    /// Dump id of each kept plan index.
    let dumpIds: [Int: Int]

    public init(plan: ImportPlan, set: BackupSet? = nil, options: ArchiveExportOptions = .init()) throws {
        if options.dataOnly && options.schemaOnly {
            throw ArchiveExportError.invalidOptions("options --data-only and --schema-only cannot be used together")
        }
        self.plan = plan
        self.options = options
        tocPaths = set.map { s in s.chain.mapValues(\.tocPath) } ?? [:]
        databaseVersion = set?.config.databaseversion
        kept = Self.select(plan.entries, options)
        var ids: [Int: Int] = [:]
        var toc = Self.specialEntries(encoding: plan.encoding)
        for index in kept {
            ids[index] = toc.count + 1
            toc.append(TocEntry(dumpId: toc.count + 1, tag: "", desc: "", section: .none))
        }
        for index in kept {
            let e = plan.entries[index]
            let dumpId = ids[index]!
            toc[dumpId - 1] = TocEntry(
                dumpId: dumpId, hasData: e.dataSource != nil, tag: e.tag, desc: e.desc, section: Self.section(e.section),
                definition: e.definition.isEmpty ? nil : e.definition, dropStatement: e.dropStatement, copyStatement: e.copyStatement,
                namespace: e.namespace.isEmpty ? nil : e.namespace,
                tablespace: e.tablespace.isEmpty ? nil : e.tablespace,
                tableAccessMethod: e.tableAccessMethod.isEmpty ? nil : e.tableAccessMethod,
                owner: e.owner.isEmpty ? nil : e.owner,
                // Dependencies on entries left out by the selection are dropped, as pg_dump does
                // for objects it does not dump.
                dependencies: e.dependencies.compactMap { ids[$0] }.sorted())
        }
        entries = toc
        dumpIds = ids
    }

    /// pg_dump's ENCODING, STDSTRINGS and SEARCHPATH entries (dumpEncoding, dumpStdStrings,
    /// dumpSearchPath): pre-data, no owner or namespace. pg_restore reads the first two to set up
    /// its session and replays the third before every object.
    static func specialEntries(encoding: String) -> [TocEntry] {
        let literal = "'" + encoding.replacingOccurrences(of: "'", with: "''") + "'"
        return [
            TocEntry(dumpId: 1, tag: "ENCODING", desc: "ENCODING", section: .preData,
                     definition: "SET client_encoding = \(literal);\n", withOids: "false"),
            TocEntry(dumpId: 2, tag: "STDSTRINGS", desc: "STDSTRINGS", section: .preData,
                     definition: "SET standard_conforming_strings = 'on';\n", withOids: "false"),
            TocEntry(dumpId: 3, tag: "SEARCHPATH", desc: "SEARCHPATH", section: .preData,
                     definition: "SELECT pg_catalog.set_config('search_path', '', false);\n", withOids: "false"),
        ]
    }

    static func section(_ s: ArchiveSection) -> Archive.ArchiveSection {
        switch s {
        case .none: return .none
        case .preData: return .preData
        case .data: return .data
        case .postData: return .postData
        }
    }

    /// The archive version: 1.14 (readable by pg_restore 12 and later) unless the compression
    /// needs 1.15's algorithm byte.
    public var header: ArchiveHeader {
        let version: ArchiveVersion = options.compression == .gzip || options.compression == .none ? .v1_14 : .v1_15
        var compression = ArchiveCompression(algorithm: options.compression)
        if version < .v1_15 {
            // 1.14 stores a zlib level: -1 = default, 0 = uncompressed.
            compression.legacyLevel = options.compression == .none ? 0 : (options.level ?? -1)
        }
        return ArchiveHeader(version: version, intSize: 4, offSize: 8, compression: compression, created: .now(),
                             databaseName: plan.databaseName.isEmpty ? nil : plan.databaseName,
                             serverVersion: databaseVersion, dumpVersion: "pgfunnel import-gpbackup")
    }

    /// Reports every finished segment part of the kept tables to `body` with its weight, and
    /// returns the sum of all their weights: what the progress line's ETA counts down.
    public func reportDataProgress(_ body: @escaping (Int64) -> Void) -> Int64 {
        var total: Int64 = 0
        for source in dataSourcesByDumpId.values {
            let weights = source.parts.map(TableDataSource.weight(of:))
            source.onPartStreamed = { body(weights[$0]) }
            total += weights.reduce(0, +)
        }
        return total
    }

    /// The table data source of each TABLE DATA entry, by dump id (for a direct restore, which
    /// streams the rows itself).
    public var dataSourcesByDumpId: [Int: TableDataSource] {
        var result: [Int: TableDataSource] = [:]
        for index in kept {
            if let source = plan.entries[index].dataSource, let dumpId = dumpIds[index] { result[dumpId] = source }
        }
        return result
    }

    /// Writes the archive. On any failure the output is abandoned, so nothing (not even the
    /// temporary file) is left at the destination. `progress` is told about each finished table.
    /// Without `withData` every TABLE DATA entry gets an empty data block: the TOC a direct
    /// restore replays while it streams the rows into COPY itself.
    @discardableResult
    public func write(to output: OutputFile, withData: Bool = true, progress: (ExportedTable) -> Void = { _ in }) throws -> ArchiveExportSummary {
        do {
            let writer = try ArchiveWriter(output: output, header: header, entries: entries, level: options.level)
            var tables: [ExportedTable] = []
            for index in kept {
                guard let source = plan.entries[index].dataSource, let dumpId = dumpIds[index] else { continue }
                try writer.beginData(dumpId: dumpId)
                if !withData {
                    try writer.endData()
                    continue
                }
                var bytes: Int64 = 0
                let rows: Int64
                do {
                    rows = try source.stream { chunk in
                        bytes += Int64(chunk.count)
                        try writer.writeData(chunk)
                    }
                } catch let error as GPBackupError {
                    throw ArchiveExportError.tableData(table: source.qualifiedName, file: file(of: error, source), underlying: error)
                }
                // pg_dump ends every COPY data stream with the end-of-data marker and a blank
                // line (dumpTableData_copy); pg_restore passes it on, and psql replaying a
                // script needs it to leave COPY mode.
                try writer.writeData("\\.\n\n")
                try writer.endData()
                let table = ExportedTable(name: source.qualifiedName, rows: rows, rowsCopied: source.rowsCopied,
                                          segmentFiles: source.parts.count, bytes: bytes)
                tables.append(table)
                progress(table)
            }
            try writer.finish()
            return ArchiveExportSummary(entryCount: entries.count, tables: tables)
        } catch {
            output.abandon()
            throw error
        }
    }

    /// The file a data error is about: the data file the error names, or for a row-count
    /// mismatch the toc.yaml holding rowscopied.
    private func file(of error: GPBackupError, _ source: TableDataSource) -> String {
        switch error {
        case let .ioError(path, _, _), let .corruptCompressedData(path, _, _), let .truncatedCompressedData(path, _, _),
             let .malformedCSV(path, _, _, _), let .segmentRangeOutOfBounds(path, _, _, _, _), let .missingFile(path, _):
            return path
        case .rowCountMismatch:
            return tocPaths[source.timestamp]?.path ?? "toc.yaml"
        default:
            return tocPaths[source.timestamp]?.path ?? source.qualifiedName
        }
    }

    // MARK: selection

    /// Plan indices to keep for `-n`, `-t`, `--data-only` and `--schema-only`.
    static func select(_ entries: [ImportedEntry], _ options: ArchiveExportOptions) -> [Int] {
        var keep = Array(repeating: true, count: entries.count)
        if !options.schemas.isEmpty || !options.tables.isEmpty {
            let schemas = Set(options.schemas)
            let tables = Set(options.tables)
            keep = entries.map { e in
                if e.desc == "SCHEMA" { return schemas.contains(e.tag) }
                if !e.namespace.isEmpty && schemas.contains(e.namespace) { return true }
                // COMMENT / ACL on a schema: namespace "", tag "SCHEMA name".
                if e.namespace.isEmpty, e.tag.hasPrefix("SCHEMA "), schemas.contains(String(e.tag.dropFirst(7))) { return true }
                return ["TABLE", "TABLE DATA"].contains(e.desc) && tables.contains("\(e.namespace).\(e.tag)")
            }
            if !tables.isEmpty {
                // What hangs off a selected table (indexes, constraints, comments, grants, its
                // sequences' ownership) comes along, as with pg_dump -t.
                var changed = true
                while changed {
                    changed = false
                    for (i, e) in entries.enumerated() where !keep[i] && e.desc != "SCHEMA" && e.desc != "TABLE DATA" {
                        if e.dependencies.contains(where: { keep[$0] && ["TABLE", "VIEW", "MATERIALIZED VIEW"].contains(entries[$0].desc) })
                            || (["COMMENT", "ACL"].contains(e.desc) && e.dependencies.contains(where: { keep[$0] })) {
                            keep[i] = true
                            changed = true
                        }
                    }
                }
            }
        }
        return entries.indices.filter { i in
            guard keep[i] else { return false }
            let isData = entries[i].section == .data
            if options.dataOnly { return isData }
            if options.schemaOnly { return !isData }
            return true
        }
    }
}
