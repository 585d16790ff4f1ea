import Archive
import Postgres

/// A TABLE DATA entry's data: the table's `COPY ... TO stdout` stream written as is, then
/// pg_dump's end-of-data marker.
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
        try writer.writeData(Self.terminator)
    }

    /// What dumpTableData_copy appends after the rows. The 15.18 source reads "\\.\n\n", but the
    /// reference pg_dump binaries this project matches (15.20 and 16 to 18) write "\\.\n\n\n" as
    /// one 5-byte chunk; TableDataOracleTests compares the streams byte for byte.
    public static let terminator = "\\.\n\n\n"
}

public struct TableDataError: Error, CustomStringConvertible {
    public var query: String
    public var underlying: Error
    public var description: String { "dumping table data with \"\(query)\": \(underlying)" }
}
