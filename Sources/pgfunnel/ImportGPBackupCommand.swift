import ArgumentParser
import Postgres
import Restore
import Archive
import Foundation
import GPBackup

/// `pgfunnel import-gpbackup`: one gpbackup set (coordinator and segment files) into ONE custom
/// archive that the real pg_restore replays.
struct ImportGPBackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-gpbackup",
        abstract: "Turn a gpbackup backup set into one custom-format archive for pg_restore.",
        discussion: """
        The backup dir is what gprestore --backup-dir takes: the directory holding <prefix>-1/, \
        <prefix>0/, ... Every Greenplum-only statement rewritten or dropped for the target is \
        reported on standard error (and in --report). Each table's rows are counted and checked \
        against the toc.yaml's rowscopied; any mismatch or unreadable file fails the import and \
        leaves no archive behind.

        Example:
          pgfunnel import-gpbackup --backup-dir /data/backups -f db.dump
          pg_restore -d newdb --exit-on-error db.dump
        """)

    @Option(name: .customLong("backup-dir"), help: "Directory holding the per-content backup directories.")
    var backupDir: String

    @Option(name: .customLong("timestamp"), help: "Backup timestamp YYYYMMDDHHMMSS (default: the newest complete backup).")
    var timestamp: String?

    @Option(name: [.customShort("f"), .customLong("file")], help: "Archive to write (- for standard output).")
    var file: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Flag(name: [.customShort("e"), .customLong("exit-on-error")], help: "With -d: stop at the first error.")
    var exitOnError = false

    @Flag(name: [.customShort("1"), .customLong("single-transaction")], help: "With -d: restore as a single transaction.")
    var singleTransaction = false

    @Option(name: .customLong("target"), help: "postgres (rewrite Greenplum-only SQL) or greenplum (keep it); default postgres for -f, the server's kind for -d.")
    var target: String?

    @Flag(name: .customLong("with-globals"), help: "Include roles, resource queues/groups, tablespaces and the database.")
    var withGlobals = false

    @Option(name: [.customShort("n"), .customLong("schema")], help: "Import only this schema (repeatable).")
    var schemas: [String] = []

    @Option(name: [.customShort("t"), .customLong("table")], help: "Import only this SCHEMA.TABLE (repeatable).")
    var tables: [String] = []

    @Flag(name: [.customShort("a"), .customLong("data-only")], help: "Only table data and sequence values.")
    var dataOnly = false

    @Flag(name: [.customShort("s"), .customLong("schema-only")], help: "Only object definitions, no data.")
    var schemaOnly = false

    @Option(name: .customLong("report"), help: "Also write the translation notes and row totals to this file.")
    var report: String?

    @Option(name: [.customShort("Z"), .customLong("compress")], help: "none, gzip[:LEVEL], lz4[:LEVEL], zstd[:LEVEL], or a gzip level 0-9 (default gzip).")
    var compress: String?

    func validate() throws {
        if (file == nil) == (connection.dbname == nil) {
            throw ValidationError("give exactly one of -f/--file (write an archive) and -d/--dbname (restore directly)")
        }
        if dataOnly && schemaOnly { throw ValidationError("options -s/--schema-only and -a/--data-only cannot be used together") }
        if let target, Target(rawValue: target) == nil { throw ValidationError("--target must be postgres or greenplum, not \"\(target)\"") }
        for t in tables where !t.contains(".") {
            throw ValidationError("-t \(t): give the table as SCHEMA.TABLE")
        }
    }

    func run() throws {
        var log = ImportLog(reportPath: report)
        do {
            try importSet(&log)
            try log.writeReport()
        } catch {
            let message = Self.message(for: error)
            log.add("error: \(message)", echo: false)
            try? log.writeReport()
            throw CommandFailure(message)
        }
    }

    private func importSet(_ log: inout ImportLog) throws {
        var compression = CompressionAlgorithm.gzip
        var level: Int?
        if let compress { (compression, level) = try parseCompression(compress) }

        let set = try BackupSet.discover(backupDir: URL(fileURLWithPath: backupDir), timestamp: timestamp)
        // Discovery's own note usually names the choice already; say it once.
        if set.timestampWasChosenAutomatically && !set.notes.contains(where: { $0.contains(set.timestamp) }) {
            let others = set.availableTimestamps.filter { $0 != set.timestamp }
            log.add("using backup timestamp \(set.timestamp)" + (others.isEmpty ? "" : " (also found: \(others.joined(separator: ", ")))"))
        }
        let direct = connection.dbname != nil
        // For -d the target follows the server: Greenplum keeps its syntax, PostgreSQL gets it rewritten.
        var chosenTarget = Target.postgres
        if let target, let t = Target(rawValue: target) {
            chosenTarget = t
        } else if direct {
            let probe = try Connection(parameters: connection.parameters(), passwordProvider: connection.passwordProvider)
            let version = try probe.query("SELECT pg_catalog.version()")[0, 0] ?? ""
            probe.close()
            if version.contains("Greenplum") { chosenTarget = .greenplum }
        }
        let plan = try ImportPlan.build(set: set, options: .init(target: chosenTarget, withGlobals: withGlobals))
        for note in plan.notes { log.add("note: \(note)") }
        for note in plan.report.notes { log.add("\(note.action.rawValue): \(note.object): \(note.what) (\(note.why))") }
        let untranslated = plan.report.notes.filter { $0.action == .untranslated }.count
        if untranslated > 0 {
            log.add("warning: \(untranslated) statement(s) left untranslated; PostgreSQL may reject them (see above)")
        }

        let export = try ArchiveExport(plan: plan, set: set, options: .init(
            schemas: schemas, tables: tables, dataOnly: dataOnly, schemaOnly: schemaOnly,
            compression: direct ? .none : compression, level: direct ? nil : level))
        var tableLines: [String] = []
        let reporter = progressOptions.reporter(verb: direct ? "restoring" : "importing",
                                                outputIsStdout: !direct && (file == nil || file == "-"))
        defer { reporter?.finish() }
        if let reporter, !schemaOnly {
            reporter.setWorkTotal(export.reportDataProgress { reporter.addWork(Int($0)) })
        }
        // Tables are written in TOC order, so the next TABLE DATA entry is the one in progress.
        let dataNames = export.entries.filter { $0.desc == "TABLE DATA" }.map { "TABLE DATA \($0.namespace.map { $0 + "." } ?? "")\($0.tag)" }
        var finished = 0
        let progress = { (table: ExportedTable) in
            if !direct {
                finished += 1
                reporter?.entryDone()
                reporter?.begin(finished < dataNames.count ? dataNames[finished] : "")
            }
            tableLines.append("rows: \(table.name): \(table.rows) (rowscopied \(table.rowsCopied), \(table.segmentFiles) segment part(s))")
        }
        let summary: ArchiveExportSummary
        var errors = 0
        if direct {
            (summary, errors) = try restoreDirectly(export, progress: progress, reporter: reporter)
        } else {
            let output = try OutputFile(path: file ?? "-")
            if let reporter {
                reporter.setTotal(dataNames.count)
                reporter.begin(dataNames.first ?? "")
                output.onWrite = { reporter.add(bytes: $0) }
            }
            summary = try export.write(to: output, progress: progress)
        }
        reporter?.finish()
        for line in tableLines { log.add(line) }
        let destination = direct ? "database \(connection.dbname ?? "")" : (file == nil || file == "-" ? "standard output" : file!)
        log.add("imported \(summary.tables.count) table(s), \(summary.totalRows) row(s) matching rowscopied, "
            + "\(summary.totalBytes) bytes of COPY text, \(summary.entryCount) TOC entries into \(destination)")
        if errors > 0 { throw CommandFailure("errors ignored on restore: \(errors)") }
    }

    /// Replays the import into the -d database with pgfunnel's restore engine through one
    /// connection. The engine reads the archive's TOC from a pipe; each table's rows go from the
    /// segment files straight into its COPY (StreamingImportTarget), never through a file.
    private func restoreDirectly(_ export: ArchiveExport, progress: @escaping (ExportedTable) -> Void,
                                 reporter: ProgressReporter?) throws -> (ArchiveExportSummary, Int) {
        var options = RestoreOptions()
        options.exitOnError = exitOnError || singleTransaction
        options.singleTransaction = singleTransaction
        let diagnostics = StderrDiagnostics(verbose: false)
        let database = try DatabaseTarget(parameters: connection.parameters(), passwordProvider: connection.passwordProvider,
                                          exitOnError: options.exitOnError, diagnostics: diagnostics)
        let target = StreamingImportTarget(inner: database, sources: export.dataSourcesByDumpId, progress: progress)
        let skeleton = try SkeletonArchivePipe(export: export)
        let restorer = try ArchiveRestorer(reader: skeleton.reader, options: options, target: target, diagnostics: diagnostics)
        restorer.progress = reporter
        _ = try restorer.run()
        return (ArchiveExportSummary(entryCount: export.entries.count, tables: target.tables), restorer.errorCount)
    }


    /// Error texts: each of these types already names the file at fault.
    static func message(for error: Error) -> String {
        switch error {
        case let e as GPBackupError: return e.description
        case let e as ArchiveExportError: return e.description
        case let e as ArchiveError: return e.description
        case let e as CommandFailure: return e.message
        case let e as RestoreError: return e.description
        case let e as PostgresError: return e.description
        default: return "\(error)"
        }
    }
}

/// Messages printed on standard error as they happen and, with --report, kept for the file.
struct ImportLog {
    let reportPath: String?
    var lines: [String] = []

    init(reportPath: String?) { self.reportPath = reportPath }

    mutating func add(_ line: String, echo: Bool = true) {
        if echo { printError("pgfunnel: \(line)") }
        lines.append(line)
    }

    func writeReport() throws {
        guard let reportPath else { return }
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: reportPath, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure("\(reportPath): cannot write report: \(error.localizedDescription)")
        }
    }
}
