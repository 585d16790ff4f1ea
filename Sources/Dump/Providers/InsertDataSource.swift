import Archive
import Postgres

/// How --inserts, --column-inserts, --rows-per-insert and --on-conflict-do-nothing shape a
/// TABLE DATA entry's statements (pg_dump's dump_inserts, column_inserts and do_nothing).
public struct InsertOptions: Sendable, Equatable {
    /// Rows per INSERT statement (--rows-per-insert; 1 for --inserts / --column-inserts).
    public var rowsPerInsert = 1
    /// Name the columns in each INSERT (--column-inserts / --attribute-inserts).
    public var columnInserts = false
    /// Append ON CONFLICT DO NOTHING (--on-conflict-do-nothing).
    public var onConflictDoNothing = false
    public init(rowsPerInsert: Int = 1, columnInserts: Bool = false, onConflictDoNothing: Bool = false) {
        self.rowsPerInsert = rowsPerInsert
        self.columnInserts = columnInserts
        self.onConflictDoNothing = onConflictDoNothing
    }
}

/// A TABLE DATA entry whose data are INSERT statements, exactly as pg_dump's dumpTableData_insert
/// writes them. Rows come through a cursor, 100 at a time as pg_dump fetches them, so memory
/// holds one batch whatever the table's size; each batch's statements go to the archive as one
/// chunk.
public struct InsertDataSource: DataSource {
    /// A column the SELECT reads: its quoted name and whether it is generated (written as
    /// DEFAULT without --column-inserts, left out with it).
    public struct Column: Sendable {
        public var quotedName: String
        public var generated: Bool
        public init(quotedName: String, generated: Bool) {
            self.quotedName = quotedName
            self.generated = generated
        }
    }

    public let connection: Connection
    /// The table read, qualified and quoted.
    public let source: String
    /// The table the INSERTs name: the table itself, or its partition root with --load-via-partition-root.
    public let target: String
    /// Non-dropped columns in attnum order.
    public let columns: [Column]
    /// Some identity column is GENERATED ALWAYS (pg_dump's needs_override).
    public let needsOverride: Bool
    public let options: InsertOptions
    public let standardConformingStrings: Bool
    /// Foreign tables are read with restrict_nonsystem_relation_kind relaxed to 'view'.
    public let isForeignTable: Bool

    public init(connection: Connection, source: String, target: String, columns: [Column], needsOverride: Bool,
                options: InsertOptions, standardConformingStrings: Bool, isForeignTable: Bool) {
        self.connection = connection
        self.source = source
        self.target = target
        self.columns = columns
        self.needsOverride = needsOverride
        self.options = options
        self.standardConformingStrings = standardConformingStrings
        self.isForeignTable = isForeignTable
    }

    /// The columns the cursor returns: generated ones are fetched as NULL (their value is
    /// written as DEFAULT) or, with --column-inserts, not at all.
    var fetched: [Column] { columns.filter { !($0.generated && options.columnInserts) } }

    /// "DECLARE _pg_dump_cursor CURSOR FOR SELECT ... FROM ONLY table".
    var declareStatement: String {
        let list = fetched.map { $0.generated ? "NULL" : $0.quotedName }
        return "DECLARE _pg_dump_cursor CURSOR FOR SELECT \(list.isEmpty ? "NULL" : list.joined(separator: ", ")) FROM ONLY \(source)"
    }

    /// The statement prefix printed before each INSERT's rows (complete for zero-column tables).
    var statementPrefix: String {
        let fields = fetched
        if fields.isEmpty { return "INSERT INTO \(target) DEFAULT VALUES;\n" }
        var s = "INSERT INTO \(target) "
        if options.columnInserts { s += "(" + fields.map(\.quotedName).joined(separator: ", ") + ") " }
        if needsOverride { s += "OVERRIDING SYSTEM VALUE " }
        return s + "VALUES"
    }

    public func write(to writer: ArchiveWriter) throws {
        do {
            if isForeignTable { try ForeignTableAccess.allow(connection) }
            try writeRows(to: writer)
            if isForeignTable { try ForeignTableAccess.restore(connection) }
        } catch let e as TableDataError {
            throw e
        } catch {
            throw TableDataError(query: declareStatement, underlying: error)
        }
    }

    private func writeRows(to writer: ArchiveWriter) throws {
        let fields = fetched
        let generated = fields.map(\.generated)
        let prefix = Array(statementPrefix.utf8)
        let terminator = Array((options.onConflictDoNothing ? " ON CONFLICT DO NOTHING;\n" : ";\n").utf8)
        let perStatement = options.rowsPerInsert
        var rowsThisStatement = 0
        try connection.execute(declareStatement)
        var out: [UInt8] = []
        while true {
            let batch = try connection.simpleQuery("FETCH 100 FROM _pg_dump_cursor")
            // The dummy NULL of a zero-column SELECT is the one extra field allowed.
            guard batch.columnCount == fields.count || (fields.isEmpty && batch.columnCount == 1) else {
                throw TableDataError(query: declareStatement, underlying: InsertFormatError.fieldCount(table: source))
            }
            let types = (0..<batch.columnCount).map { batch.columnType($0) }
            out.removeAll(keepingCapacity: true)
            for row in 0..<batch.rowCount {
                if rowsThisStatement == 0 { out += prefix }
                if fields.isEmpty { continue }
                if perStatement == 1 {
                    out += Bytes.singleRowOpen
                } else if rowsThisStatement > 0 {
                    out += Bytes.nextRowOpen
                } else {
                    out += Bytes.firstRowOpen
                }
                for field in 0..<fields.count {
                    if field > 0 { out += Bytes.comma }
                    if generated[field] { out += Bytes.defaultKeyword; continue }
                    batch.withValueBytes(row: row, column: field) { value in
                        guard let value else { out += Bytes.null; return }
                        Self.appendValue(value, type: types[field], to: &out, standardConformingStrings: standardConformingStrings)
                    }
                }
                out.append(UInt8(ascii: ")"))
                rowsThisStatement += 1
                if rowsThisStatement >= perStatement {
                    out += terminator
                    rowsThisStatement = 0
                }
            }
            if !out.isEmpty { try out.withUnsafeBytes { try writer.writeData($0) } }
            if batch.rowCount == 0 { break }
        }
        out.removeAll(keepingCapacity: true)
        if rowsThisStatement > 0 { out += terminator }
        out += Array("\n\n".utf8)
        try out.withUnsafeBytes { try writer.writeData($0) }
        try connection.execute("CLOSE _pg_dump_cursor")
    }

    /// One value as dumpTableData_insert prints it, by the column's type OID.
    static func appendValue(_ value: UnsafeBufferPointer<UInt8>, type: UInt32, to out: inout [UInt8],
                            standardConformingStrings: Bool) {
        switch type {
        case 21, 23, 20, 26, 700, 701, 1700: // int2, int4, int8, oid, float4, float8, numeric
            // Unquoted unless the scanner would not read it as a number (NaN, Infinity).
            if value.allSatisfy(isNumericCharacter) {
                out += value
            } else {
                out.append(UInt8(ascii: "'"))
                out += value
                out.append(UInt8(ascii: "'"))
            }
        case 1560, 1562: // bit, varbit
            out += Bytes.bitOpen
            out += value
            out.append(UInt8(ascii: "'"))
        case 16: // bool
            out += value.count == 1 && value[0] == UInt8(ascii: "t") ? Bytes.trueKeyword : Bytes.falseKeyword
        default:
            appendQuotedLiteral(value, to: &out, standardConformingStrings: standardConformingStrings)
        }
    }

    /// strspn(s, "0123456789 +-eE.").
    static func isNumericCharacter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "), UInt8(ascii: "+"), UInt8(ascii: "-"),
             UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "."): return true
        default: return false
        }
    }

    /// The fixed pieces of the statements, encoded once.
    enum Bytes {
        static let singleRowOpen = Array(" (".utf8)
        static let nextRowOpen = Array(",\n\t(".utf8)
        static let firstRowOpen = Array("\n\t(".utf8)
        static let comma = Array(", ".utf8)
        static let defaultKeyword = Array("DEFAULT".utf8)
        static let null = Array("NULL".utf8)
        static let bitOpen = Array("B'".utf8)
        static let trueKeyword = Array("true".utf8)
        static let falseKeyword = Array("false".utf8)
    }
}

public enum InsertFormatError: Error, CustomStringConvertible {
    case fieldCount(table: String)
    public var description: String {
        switch self {
        case .fieldCount(let table): return "wrong number of fields retrieved from table \"\(table)\""
        }
    }
}
