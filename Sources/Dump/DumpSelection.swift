/// What a dump includes: pg_dump's -n/-N/-t/-T/--exclude-table-data and section options, after
/// the patterns have been resolved to concrete schema and table names by the server.
public struct DumpSelection: Sendable {
    /// Schemas to include; nil means every non-system schema.
    public var schemas: Set<String>?
    public var excludedSchemas: Set<String> = []
    /// Tables (schema, name) to include; nil means every table of an included schema.
    public var tables: Set<QualifiedName>?
    public var excludedTables: Set<QualifiedName> = []
    public var excludedTableData: Set<QualifiedName> = []
    public var schemaOnly = false
    public var dataOnly = false
    public var includeLargeObjects = true
    public var noUnloggedTableData = false
    /// --inserts and friends: TABLE DATA as INSERT statements instead of COPY.
    public var inserts: InsertOptions?
    /// --load-via-partition-root: partitions' data names the root table.
    public var loadViaPartitionRoot = false
    /// --include-foreign-data: names of the foreign servers whose tables' data is dumped.
    public var foreignDataServers: Set<String> = []

    public init() {}

    public static let systemSchemas: Set<String> = ["pg_catalog", "information_schema", "pg_toast"]

    public func includesSchema(_ name: String) -> Bool {
        if Self.systemSchemas.contains(name) || name.hasPrefix("pg_temp_") || name.hasPrefix("pg_toast_temp_") { return false }
        if excludedSchemas.contains(name) { return false }
        if tables != nil { return false } // with -t, schemas themselves are not dumped
        return schemas?.contains(name) ?? true
    }

    /// Whether objects inside `schema` are dumped (pg_dump: the schema's dump_contains).
    public func includesContentsOf(schema: String) -> Bool {
        if Self.systemSchemas.contains(schema) || schema.hasPrefix("pg_temp_") || schema.hasPrefix("pg_toast_temp_") { return false }
        if excludedSchemas.contains(schema) { return false }
        if tables != nil { return false }
        return schemas?.contains(schema) ?? true
    }

    public func includesTable(schema: String, name: String) -> Bool {
        let q = QualifiedName(schema: schema, name: name)
        if excludedTables.contains(q) { return false }
        if let tables { return tables.contains(q) }
        return includesContentsOf(schema: schema)
    }

    public func includesTableData(schema: String, name: String) -> Bool {
        !schemaOnly && includesTable(schema: schema, name: name) && !excludedTableData.contains(QualifiedName(schema: schema, name: name))
    }
}

public struct QualifiedName: Hashable, Sendable {
    public var schema: String
    public var name: String
    public init(schema: String, name: String) {
        self.schema = schema
        self.name = name
    }
}
