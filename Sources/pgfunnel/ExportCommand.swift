import ArgumentParser
import Archive
import DDL
import Foundation
import Postgres

/// `pgfunnel export`: one `COPY ... TO STDOUT` streamed into a file (optionally compressed).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Copy a table or query out to a file with COPY ... TO STDOUT.",
        discussion: """
        The file is written to a temporary file beside the destination and renamed into place only \
        when the whole COPY has succeeded; on any error nothing is left at FILE.

        Examples:
          pgfunnel export -t sales.orders --format csv --header -f orders.csv mydb
          pgfunnel export -d mydb --query "SELECT id, total FROM orders WHERE total > 100" -f big.txt
          pgfunnel export -t orders --where "created > now() - interval '1 day'" --compress zstd -f today.zst mydb
        """)

    @Argument(help: "Database to connect to (or use -d).")
    var database: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Option(name: [.customShort("t"), .customLong("table")], help: "Table to export: NAME or SCHEMA.NAME (double-quote mixed-case names).")
    var table: String?
    @Option(name: .customLong("columns"), help: "Comma-separated columns to export (with -t).")
    var columns: String?
    @Option(name: .customLong("where"), help: "Only rows matching this SQL expression (with -t; runs COPY (SELECT ... WHERE EXPR), so child partitions are included).")
    var whereClause: String?
    @Option(name: .customLong("query"), help: "Export the result of this query instead of a table.")
    var query: String?

    @OptionGroup var format: CopyFormatArguments

    @Option(name: [.customShort("f"), .customLong("file")], help: "Output file (standard output when omitted or -).")
    var file: String?
    @Flag(name: .customLong("no-sync"), help: "Do not fsync the file before renaming it into place.")
    var noSync = false
    @Option(name: .customLong("compress"), help: "gzip[:LEVEL] or zstd[:LEVEL]: write a .gz / .zst file.")
    var compress: String?

    func source() throws -> CopySource {
        switch (table, query) {
        case (nil, nil): throw CommandFailure("one of -t/--table or --query is required")
        case (.some, .some): throw CommandFailure("options -t/--table and --query cannot be used together")
        case let (nil, .some(sql)):
            if columns != nil || whereClause != nil {
                throw CommandFailure("--columns and --where can only be used with -t/--table")
            }
            return .query(sql)
        case let (.some(name), nil):
            let (schema, relname) = try parseTableName(name)
            let cols = try columns.map { try parseIdentifierList($0, separator: ",") } ?? []
            return .table(schema: schema, name: relname, columns: cols, whereClause: whereClause)
        }
    }

    func run() throws {
        var output: OutputFile?
        do {
            let sql = renderCopyToStatement(try source(), options: try format.options(direction: .to))
            var compressor: StreamCompressor = PassThroughCodec()
            if let compress {
                let (name, level) = try parseFileCompression(compress)
                switch name {
                case "gzip": compressor = try GzipFileCompressor(level: level ?? -1)
                case "zstd": compressor = try makeCompressor(for: .zstd, level: level)
                default: break
                }
            }
            var params = connection.parameters()
            if params.database == nil { params.database = database }
            let conn = try Connection(parameters: params, passwordProvider: connection.passwordProvider)
            defer { conn.close() }

            let out = try OutputFile(path: file, sync: !noSync)
            output = out
            SignalCleanup.install(out)
            let progress = progressOptions.reporter(verb: "exporting", outputIsStdout: file == nil || file == "-")
            defer { progress?.finish() }
            progress?.setTotal(1)
            progress?.begin(table.map { "TABLE DATA \($0)" } ?? "query")
            // Bytes received from the server (before --compress), reported per MiB: COPY hands
            // over one row at a time, too often for a lock each.
            var pending = 0
            try conn.copyOut(sql) { chunk in
                if let progress {
                    pending += chunk.count
                    if pending >= 1 << 20 { progress.add(bytes: pending); pending = 0 }
                }
                try compressor.compress(chunk) { try out.write($0) }
            }
            progress?.add(bytes: pending)
            progress?.entryDone()
            try compressor.finish { try out.write($0) }
            try out.commit()
        } catch {
            output?.abandon()
            SignalCleanup.abandonAll()
            throw commandFailure(error)
        }
    }
}

/// One "pgfunnel: error:" message for whatever went wrong.
func commandFailure(_ error: Error) -> CommandFailure {
    switch error {
    case let e as CommandFailure: return e
    case let e as PostgresError: return CommandFailure(e.description.trimmingCharacters(in: .newlines))
    case let e as ArchiveError: return CommandFailure(e.description)
    case let e as CopyOptionsError: return CommandFailure(e.message)
    case let e as CodecError: return CommandFailure(e.description)
    default: return CommandFailure("\(error)")
    }
}
