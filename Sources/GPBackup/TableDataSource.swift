import Foundation

/// One segment's single data file, read forward once. Tables are asked for in start-byte order
/// (the plan orders them so); asking for an earlier range reopens the stream, which is correct
/// but decompresses again.
public final class SegmentStreamCursor {
    public let file: DataFile
    public let content: Int
    /// Past this offset no table is wanted any more: the stream is closed to free its buffers.
    var lastNeededByte: Int64 = 0
    private var reader: ByteStreamReader?
    private var buffer: UnsafeMutableRawBufferPointer?
    private var pendingStart = 0, pendingEnd = 0
    /// Stream offset of buffer[pendingStart].
    private(set) var position: Int64 = 0
    private let bufferSize: Int
    public private(set) var reopenCount = 0

    init(file: DataFile, content: Int, bufferSize: Int = defaultStreamBufferSize) {
        self.file = file
        self.content = content
        self.bufferSize = bufferSize
    }

    private func open() throws {
        close()
        reader = try openDataReader(file, bufferSize: bufferSize)
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        pendingStart = 0
        pendingEnd = 0
        position = 0
    }

    public func close() {
        reader?.close()
        reader = nil
        buffer?.deallocate()
        buffer = nil
    }

    deinit { close() }

    /// Hands the uncompressed bytes `start..<end` to `sink`.
    func copy(oid: UInt32, start: Int64, end: Int64, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        if reader == nil || start < position {
            if reader != nil { reopenCount += 1 }
            try open()
        }
        try advance(to: start, oid: oid, start: start, end: end, emit: false, sink: { _ in })
        try advance(to: end, oid: oid, start: start, end: end, emit: true, sink: sink)
        if end >= lastNeededByte { close() }
    }

    private func advance(to target: Int64, oid: UInt32, start: Int64, end: Int64,
                         emit: Bool, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let reader, let buffer else { return }
        while position < target {
            if pendingStart == pendingEnd {
                let n = try reader.read(into: buffer)
                if n == 0 {
                    throw GPBackupError.segmentRangeOutOfBounds(path: file.url.path, oid: oid, startByte: start, endByte: end, streamLength: position)
                }
                pendingStart = 0
                pendingEnd = n
            }
            let take = Int(min(Int64(pendingEnd - pendingStart), target - position))
            if emit {
                try sink(UnsafeRawBufferPointer(rebasing: buffer[pendingStart..<(pendingStart + take)]))
            }
            pendingStart += take
            position += Int64(take)
        }
    }
}

/// The rows of one table from every segment, merged into one COPY text stream.
public final class TableDataSource {
    /// Where one segment's rows of this table are.
    public enum Part {
        case file(content: Int, file: DataFile)
        case range(content: Int, cursor: SegmentStreamCursor, start: Int64, end: Int64)

        public var content: Int {
            switch self {
            case let .file(content, _), let .range(content, _, _, _): return content
            }
        }
    }

    /// Quoted identifiers as in the toc.
    public let schema: String
    public let name: String
    public let oid: UInt32
    /// The backup whose files hold this table's data (differs from the set's in incremental chains).
    public let timestamp: String
    /// Quoted column names in COPY order.
    public let columns: [String]
    public let rowsCopied: Int64
    public let isReplicated: Bool
    public let segmentCount: Int
    /// Name of the partition root for leaf data (`--leaf-partition-data`), else "".
    public let partitionRoot: String
    public let parts: [Part]

    /// Rows the merged stream must have: `rowscopied`, or for a replicated table (every segment
    /// holds every row, and rowscopied counts each copy) rowscopied / segment count.
    public var expectedRows: Int64 {
        isReplicated && segmentCount > 0 ? rowsCopied / Int64(segmentCount) : rowsCopied
    }

    init(entry: CoordinatorDataEntry, timestamp: String, isReplicated: Bool, segmentCount: Int, parts: [Part]) {
        schema = entry.schema
        name = entry.name
        oid = entry.oid
        self.timestamp = timestamp
        columns = SQLIdentifier.parseColumnList(entry.attributestring)
        rowsCopied = entry.rowscopied
        self.isReplicated = isReplicated
        self.segmentCount = segmentCount
        partitionRoot = entry.partitionroot
        // A replicated table's copies are identical: one segment's file is the whole table.
        self.parts = isReplicated ? Array(parts.sorted { $0.content < $1.content }.prefix(1)) : parts.sorted { $0.content < $1.content }
    }

    public var qualifiedName: String { "\(schema).\(name)" }

    /// Called with a part's index in `parts` once its rows are all streamed: the progress
    /// line's ETA.
    public var onPartStreamed: ((Int) -> Void)?

    /// What a part counts for in the ETA: a segment file's size on disk, or a range's length in
    /// its segment's uncompressed stream. A set has one layout, so its parts share a unit.
    public static func weight(of part: Part) -> Int64 {
        switch part {
        case let .file(_, file):
            let attributes = try? FileManager.default.attributesOfItem(atPath: file.url.path)
            return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        case let .range(_, _, start, end):
            return max(0, end - start)
        }
    }

    /// Streams the merged COPY text (segments in content order) and returns the row count,
    /// verified against the toc's `rowscopied`.
    @discardableResult
    public func stream(into sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        try streamPerSegment(into: sink).reduce(0) { $0 + $1.rows }
    }

    /// Like `stream`, also telling how many rows each segment contributed.
    public func streamPerSegment(into sink: (UnsafeRawBufferPointer) throws -> Void) throws -> [(content: Int, rows: Int64)] {
        var counts: [(content: Int, rows: Int64)] = []
        guard let firstPart = parts.first else {
            try check(total: 0, streamed: 0)
            return []
        }
        var converter = CSVToCopyTextConverter(path: Self.describe(firstPart), expectedColumns: columns.count)
        defer { converter.release() }
        var total: Int64 = 0
        // Segment files are decompressed on other threads while this one converts and writes.
        let files = parts.compactMap { part -> DataFile? in
            if case let .file(_, file) = part { return file }
            return nil
        }
        let readAhead = files.isEmpty ? nil : SegmentReadAhead(files: files, workers: Self.readAheadWorkers)
        var fileIndex = 0
        for (index, part) in parts.enumerated() {
            if index > 0 { converter.restart(path: Self.describe(part)) }
            switch part {
            case .file:
                try readAhead?.read(file: fileIndex) { bytes in
                    try converter.consume(bytes, into: sink)
                }
                fileIndex += 1
            case let .range(_, cursor, start, end):
                try cursor.copy(oid: oid, start: start, end: end) { bytes in
                    try converter.consume(bytes, into: sink)
                }
            }
            let rows = try converter.finish(into: sink)
            counts.append((part.content, rows))
            total += rows
            onPartStreamed?(index)
        }
        try check(total: rowsCopied, streamed: isReplicated ? total * Int64(segmentCount) : total)
        return counts
    }

    /// Files decompressed at once: one per core, at most 4 (each holds a few buffers).
    static let readAheadWorkers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))

    private func check(total expected: Int64, streamed: Int64) throws {
        guard expected == streamed else {
            let detail = isReplicated
                ? "replicated table: one segment's copy × \(segmentCount) segments compared with rowscopied \(rowsCopied)"
                : "sum over \(parts.count) segment files compared with rowscopied"
            throw GPBackupError.rowCountMismatch(table: qualifiedName, expected: isReplicated ? expectedRows : expected,
                                                 actual: isReplicated ? streamed / Int64(max(segmentCount, 1)) : streamed, detail: detail)
        }
    }

    private static func describe(_ part: Part) -> String {
        switch part {
        case let .file(_, file): return file.url.path
        case let .range(_, cursor, start, end): return "\(cursor.file.url.path) [uncompressed bytes \(start)..<\(end)]"
        }
    }
}

extension BackupSet {
    /// Quoted FQNs of tables whose CREATE TABLE says `DISTRIBUTED REPLICATED`.
    public func replicatedTablesFromDDL() throws -> Set<String> {
        let tablesOnly = BackupTOC(predataentries: toc.predataentries.filter { $0.objecttype == "TABLE" })
        return Set(try MetadataReader.read(toc: tablesOnly, metadataPath: metadataPath)
            .filter { GreenplumTranslator.isReplicatedTableDDL($0.sql) }
            .map { "\($0.schema).\($0.name)" })
    }

    /// One data source per table of the restore plan, in plan order; in single-data-file backups
    /// ordered by start byte so each segment stream is read once. `replicatedTables` holds the
    /// quoted FQNs the DDL marks `DISTRIBUTED REPLICATED` (for tocs without `isreplicated`);
    /// when nil it is read from this backup's metadata.sql.
    public func tableDataSources(replicatedTables known: Set<String>? = nil) throws -> [TableDataSource] {
        let replicatedTables = try known ?? replicatedTablesFromDDL()
        var sources: [TableDataSource] = []
        for step in restorePlan {
            guard let backup = chain[step.timestamp] else { continue }
            let isReplicated = { (entry: CoordinatorDataEntry) in entry.isreplicated ?? replicatedTables.contains(entry.fqn) }
            switch backup.layout {
            case .noData:
                for entry in step.dataEntries {
                    sources.append(TableDataSource(entry: entry, timestamp: step.timestamp, isReplicated: isReplicated(entry),
                                                   segmentCount: segmentCount, parts: []))
                }
            case let .filePerTable(files):
                for entry in step.dataEntries {
                    let parts: [TableDataSource.Part] = (0..<segmentCount).compactMap { content in
                        files[TableFileKey(content: content, oid: entry.oid)].map { .file(content: content, file: $0) }
                    }
                    sources.append(TableDataSource(entry: entry, timestamp: step.timestamp, isReplicated: isReplicated(entry),
                                                   segmentCount: segmentCount, parts: parts))
                }
            case let .singleDataFile(files, tocs, _):
                var cursors: [Int: SegmentStreamCursor] = [:]
                for content in 0..<segmentCount {
                    if let file = files[content] { cursors[content] = SegmentStreamCursor(file: file, content: content) }
                }
                let ordered = step.dataEntries.enumerated().sorted { a, b in
                    let sa = tocs[0]?.dataentries[a.element.oid]?.startbyte ?? 0
                    let sb = tocs[0]?.dataentries[b.element.oid]?.startbyte ?? 0
                    return sa != sb ? sa < sb : a.offset < b.offset
                }.map(\.element)
                for entry in ordered {
                    let replicated = isReplicated(entry)
                    var parts: [TableDataSource.Part] = []
                    for content in 0..<segmentCount {
                        guard let cursor = cursors[content], let range = tocs[content]?.dataentries[entry.oid] else { continue }
                        if replicated && content > 0 { continue }
                        cursor.lastNeededByte = max(cursor.lastNeededByte, range.endbyte)
                        parts.append(.range(content: content, cursor: cursor, start: range.startbyte, end: range.endbyte))
                    }
                    sources.append(TableDataSource(entry: entry, timestamp: step.timestamp, isReplicated: replicated,
                                                   segmentCount: segmentCount, parts: parts))
                }
            }
        }
        return sources
    }
}
