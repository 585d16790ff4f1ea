import Archive
import Postgres

/// Consecutive TABLE DATA entries whose data is a plain COPY share one round trip: their `COPY
/// ... TO stdout;` statements go to the server in one message (Connection.copyOutSequence) and
/// each table's stream still becomes its own data block, in TOC order, exactly as TableDataSource
/// writes it. On a database of thousands of small tables the per-statement round trip, not the
/// server's work, was most of the data phase.
struct TableDataBatch {
    /// A batch ends at this many statements or bytes of SQL, so that the message stays small and
    /// a failure is reported before much work was queued behind it.
    static let maximumStatements = 200
    static let maximumSQLBytes = 256 * 1024

    struct Item {
        var entry: TocEntry
        var source: TableDataSource
        /// "TABLE DATA schema.name", for -v and the progress line.
        var label: String
    }

    var items: [Item] = []
    private var sqlBytes = 0

    /// Whether `source` may join this batch (same connection, room left).
    func accepts(_ source: TableDataSource) -> Bool {
        guard let first = items.first else { return true }
        return first.source.connection === source.connection && items.count < Self.maximumStatements
            && sqlBytes + source.copyQuery.utf8.count <= Self.maximumSQLBytes
    }

    mutating func append(_ item: Item) {
        items.append(item)
        sqlBytes += item.source.copyQuery.utf8.count
    }

    /// Streams every table of the batch into its data block. A failing COPY (or a failing write)
    /// is reported as TableDataError naming that table's statement.
    func write(to writer: ArchiveWriter, log: (String) -> Void, progress: ProgressReporter?) throws {
        guard let connection = items.first?.source.connection else { return }
        do {
            try connection.copyOutSequence(items.map(\.source.copyQuery), begin: { i in
                log("dumping contents of \(items[i].label)")
                progress?.begin(items[i].label)
                try writer.beginData(dumpId: items[i].entry.dumpId)
            }, chunk: { bytes in
                try writer.writeData(bytes)
            }, end: { _, _ in
                try writer.writeData(TableDataSource.terminator)
                try writer.endData()
                progress?.entryDone()
            })
        } catch let failure as CopySequenceError {
            throw TableDataError(query: items[failure.index].source.copyQuery, underlying: failure.underlying)
        }
    }
}
