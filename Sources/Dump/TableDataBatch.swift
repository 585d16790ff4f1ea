import Archive
import Postgres

/// Consecutive TABLE DATA entries whose data is a plain COPY share one round trip: their `COPY
/// ... TO stdout;` statements go to the server in one message (Connection.copyOutSequence) and
/// each table's stream still becomes its own data block, in TOC order, exactly as TableDataSource
/// writes it. On a database of thousands of small tables the per-statement round trip, not the
/// server's work, was most of the data phase.
struct TableDataBatch {
    /// A batch ends at this many statements or bytes of SQL: the server parses a message whole
    /// before running it.
    static let maximumStatements = 1000
    static let maximumSQLBytes = 256 * 1024
    /// The first batch may be larger: it is sent before the TOC is written (DumpRunner), and the
    /// more the server has to do meanwhile, the less is left when the data is read.
    static let maximumEarlyStatements = 10000
    static let maximumEarlySQLBytes = 1 << 20

    struct Item {
        var dumpId: Int
        var source: TableDataSource
        /// "TABLE DATA schema.name", for -v and the progress line.
        var label: String
    }

    var items: [Item] = []
    private var sqlBytes = 0
    /// The batch's statements, when they were sent ahead (`send`).
    private var sent: CopyOutSequence?

    /// Whether `source` may join this batch (same connection, room left, not yet sent).
    func accepts(_ source: TableDataSource, early: Bool = false) -> Bool {
        guard let first = items.first else { return true }
        let (count, bytes) = early ? (Self.maximumEarlyStatements, Self.maximumEarlySQLBytes) : (Self.maximumStatements, Self.maximumSQLBytes)
        return sent == nil && first.source.connection === source.connection && items.count < count
            && sqlBytes + source.copyQuery.utf8.count <= bytes
    }

    /// Sends the statements now, to be read by `write`.
    mutating func send() throws {
        guard sent == nil, let connection = items.first?.source.connection else { return }
        do {
            sent = try connection.sendCopyOutSequence(items.map(\.source.copyQuery))
        } catch let failure as CopySequenceError {
            throw TableDataError(query: items[failure.index].source.copyQuery, underlying: failure.underlying)
        }
    }

    /// Gives up a batch that was sent but will not be read: the server stops, the connection is
    /// free again.
    func discard() { sent?.discard() }

    mutating func append(_ item: Item) {
        items.append(item)
        sqlBytes += item.source.copyQuery.utf8.count
    }

    /// Streams every table of the batch into its data block. A failing COPY (or a failing write)
    /// is reported as TableDataError naming that table's statement.
    func write(to writer: ArchiveWriter, log: (String) -> Void, progress: ProgressReporter?) throws {
        guard let connection = items.first?.source.connection else { return }
        do {
            let sequence = try sent ?? connection.sendCopyOutSequence(items.map(\.source.copyQuery))
            try sequence.stream(begin: { i in
                log("dumping contents of \(items[i].label)")
                progress?.begin(items[i].label)
                try writer.beginData(dumpId: items[i].dumpId)
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
