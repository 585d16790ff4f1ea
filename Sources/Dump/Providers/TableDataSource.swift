import Archive
import Postgres

/// A TABLE DATA entry's data: the table's `COPY ... TO stdout` stream written as is, then
/// pg_dump's end-of-data marker (dumpTableData_copy writes "\.\n\n" into the archive data).
public struct TableDataSource: DataSource {
    public let connection: Connection
    /// "COPY schema.table (cols) TO stdout;"
    public let copyQuery: String

    public init(connection: Connection, copyQuery: String) {
        self.connection = connection
        self.copyQuery = copyQuery
    }

    public func write(to writer: ArchiveWriter) throws {
        do {
            _ = try connection.copyOut(copyQuery) { chunk in try writer.writeData(chunk) }
        } catch {
            throw TableDataError(query: copyQuery, underlying: error)
        }
        try writer.writeData("\\.\n\n")
    }
}

public struct TableDataError: Error, CustomStringConvertible {
    public var query: String
    public var underlying: Error
    public var description: String { "dumping table data with \"\(query)\": \(underlying)" }
}
