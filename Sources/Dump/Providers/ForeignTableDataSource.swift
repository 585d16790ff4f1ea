import Archive
import Postgres

/// pg_dump's set_restrict_relation_kind around a foreign table's data: the 2024 security
/// setting refuses foreign tables, and --include-foreign-data is the one place they are read.
/// The statements do nothing on servers without the setting.
enum ForeignTableAccess {
    static func allow(_ connection: Connection) throws { try set(connection, "view") }
    static func restore(_ connection: Connection) throws { try set(connection, "view, foreign-table") }

    private static func set(_ connection: Connection, _ value: String) throws {
        _ = try connection.query("""
            SELECT pg_catalog.set_config(name, \(quoteLiteral(value)), false) FROM pg_catalog.pg_settings
            WHERE name = 'restrict_nonsystem_relation_kind'
            """)
    }
}

/// A foreign table's COPY (SELECT ...) TO stdout, with the relation-kind restriction relaxed
/// around it (the COPY itself is TableDataSource's, unchanged).
public struct ForeignTableDataSource: DataSource {
    public let copy: TableDataSource
    public init(copy: TableDataSource) { self.copy = copy }

    public func write(to writer: ArchiveWriter) throws {
        try ForeignTableAccess.allow(copy.connection)
        try copy.write(to: writer)
        try ForeignTableAccess.restore(copy.connection)
    }
}
