import ArgumentParser
import Archive
import Dump
import Foundation
import Postgres

/// pg_dump's data-format, section and filter options for `pgfunnel dump`: --inserts and its
/// companions, --load-via-partition-root, --include-foreign-data, --section, --filter and the
/// *-and-children patterns (pg_dump 16+).
struct DumpExtraOptions: ParsableArguments {
    @Flag(name: .customLong("inserts"), help: "Dump data as INSERT commands rather than COPY.")
    var inserts = false
    @Flag(name: [.customLong("column-inserts"), .customLong("attribute-inserts")],
          help: "Dump data as INSERT commands with column names.")
    var columnInserts = false
    @Option(name: .customLong("rows-per-insert"), help: "Number of rows per INSERT; implies --inserts.")
    var rowsPerInsert: String?
    @Flag(name: .customLong("on-conflict-do-nothing"), help: "Add ON CONFLICT DO NOTHING to INSERT commands.")
    var onConflictDoNothing = false
    @Flag(name: .customLong("load-via-partition-root"), help: "Load partitions via the root table.")
    var loadViaPartitionRoot = false
    @Option(name: .customLong("include-foreign-data"), help: "Include data of foreign tables on foreign servers matching the pattern.")
    var includeForeignData: [String] = []
    @Option(name: .customLong("section"), help: "Dump the named section (pre-data, data, or post-data); repeatable.")
    var sections: [String] = []
    @Option(name: .customLong("filter"), help: "Include or exclude objects as listed in the file (pg_dump 17's format).")
    var filters: [String] = []
    @Option(name: .customLong("table-and-children"), help: "Dump only the matching tables, with their children.")
    var tablesAndChildren: [String] = []
    @Option(name: .customLong("exclude-table-and-children"), help: "Do not dump the matching tables or their children.")
    var excludeTablesAndChildren: [String] = []
    @Option(name: .customLong("exclude-table-data-and-children"), help: "Do not dump data of the matching tables or their children.")
    var excludeTableDataAndChildren: [String] = []
    @Flag(name: .customLong("no-sync"), help: "Do not wait for the archive to be written safely to disk (no fsync before the rename).")
    var noSync = false

    /// --inserts / --column-inserts / --rows-per-insert / --on-conflict-do-nothing, checked as
    /// pg_dump checks them; nil means COPY.
    func insertOptions() throws -> InsertOptions? {
        var rows = 0
        if inserts { rows = 1 }
        if let text = rowsPerInsert {
            // option_parse_int: leading and trailing whitespace allowed, nothing else.
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let n = Int(trimmed) else {
                throw CommandFailure("invalid value \"\(text)\" for option --rows-per-insert")
            }
            guard n >= 1 && n <= Int(Int32.max) else {
                throw CommandFailure("--rows-per-insert must be in range 1..2147483647")
            }
            rows = n
        }
        if columnInserts && rows == 0 { rows = 1 }
        if onConflictDoNothing && rows == 0 {
            throw CommandFailure("option --on-conflict-do-nothing requires option --inserts, --rows-per-insert, or --column-inserts")
        }
        guard rows > 0 else { return nil }
        return InsertOptions(rowsPerInsert: rows, columnInserts: columnInserts, onConflictDoNothing: onConflictDoNothing)
    }

    /// set_dump_section over every --section; nil when none was given.
    func sectionSet() throws -> Set<ArchiveSection>? {
        guard !sections.isEmpty else { return nil }
        var set = Set<ArchiveSection>()
        for name in sections {
            switch name {
            case "pre-data": set.insert(.preData)
            case "data": set.insert(.data)
            case "post-data": set.insert(.postData)
            default: throw CommandFailure("unrecognized section name: \"\(name)\"")
            }
        }
        return set
    }
}

extension DumpCommand {
    /// read_dump_filters: each --filter file's items become the equivalent options.
    mutating func applyFilterFiles() throws {
        for path in extra.filters {
            let file = DumpFilterFile(path: path)
            let items: [DumpFilterFile.Item]
            do { items = try DumpFilterFile.read(path) } catch let e as DumpFilterFile.ParseError { throw CommandFailure(e.description) }
            for item in items {
                func notAllowed() -> CommandFailure {
                    CommandFailure(file.error(item.line, "\(item.command.rawValue) filter for \"\(item.type.displayName)\" is not allowed").description)
                }
                switch (item.command, item.type) {
                case (_, .extension):
                    // pgfunnel dump has no -e/--exclude-extension selection yet.
                    throw CommandFailure(file.error(item.line, "\(item.command.rawValue) filter for \"extension\" is not supported by pgfunnel dump").description)
                case (.include, .foreignData): extra.includeForeignData.append(item.pattern)
                case (.include, .schema): schemas.append(item.pattern)
                case (.include, .table): tables.append(item.pattern)
                case (.include, .tableAndChildren): extra.tablesAndChildren.append(item.pattern)
                case (.exclude, .tableData): excludeTableData.append(item.pattern)
                case (.exclude, .tableDataAndChildren): extra.excludeTableDataAndChildren.append(item.pattern)
                case (.exclude, .schema): excludeSchemas.append(item.pattern)
                case (.exclude, .table): excludeTables.append(item.pattern)
                case (.exclude, .tableAndChildren): extra.excludeTablesAndChildren.append(item.pattern)
                default: throw notAllowed()
                }
            }
        }
    }

    /// expand_foreign_server_name_patterns: each pattern must match a server.
    func resolveForeignServers(_ conn: Connection) throws -> Set<String> {
        var out = Set<String>()
        for p in extra.includeForeignData {
            let np = NamePattern(p)
            if np.schemaRegex != nil { throw CommandFailure("improper qualified name (too many dotted names): \(p)") }
            let rows = try conn.query("SELECT srvname FROM pg_catalog.pg_foreign_server WHERE srvname OPERATOR(pg_catalog.~) $1",
                                      [np.nameRegex])
            if rows.rowCount == 0 { throw CommandFailure("no matching foreign servers were found for pattern \"\(p)\"") }
            for r in rows { if let n = r[0] { out.insert(n) } }
        }
        return out
    }
}
