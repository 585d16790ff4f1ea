import ArgumentParser
import Archive
import Foundation
import Postgres
import Restore

/// `pgfunnel restore`: pg_restore's command line over pgfunnel's archive reader.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "List an archive, write its SQL script, or replay it into a database.",
        discussion: """
        Reads custom-format archives written by pg_dump 12 to 18 or by pgfunnel, and prints exactly \
        what pg_restore of the matching release prints.

        Examples:
          pgfunnel restore -l db.dump
          pgfunnel restore -f db.sql -n public --no-owner db.dump
          pgfunnel restore -L edited.list -f - db.dump
        """)

    @Argument(help: "Archive file (standard input when omitted).")
    var archive: String?

    @Flag(name: [.customShort("l"), .customLong("list")], help: "Print a summarized TOC of the archive.")
    var list = false

    @Option(name: [.customShort("f"), .customLong("file")], help: "Output file name (- for standard output).")
    var file: String?

    @OptionGroup var selection: RestoreSelectionOptions

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Option(name: [.customShort("j"), .customLong("jobs")], help: "Use this many parallel jobs to restore (database only).")
    var jobs: Int = 1

    @Flag(name: .customLong("json"), help: "With -l: print the TOC as JSON (schema in the README).")
    var json = false

    @Option(name: .customLong("restrict-key"), help: "Use this string as the psql \\restrict key.")
    var restrictKey: String?

    @Option(name: .customLong("release"), help: "Reproduce the output of this pg_restore release (15-18); default: the archive's pg_dump release.")
    var release: Int?

    /// pg_restore's option checks, reported with its wording (and exit status 1).
    func checkOptions() throws {
        if !list && file == nil && connection.dbname == nil {
            throw CommandFailure("one of -d/--dbname and -f/--file must be specified")
        }
        if connection.dbname != nil && file != nil {
            throw CommandFailure("options -d/--dbname and -f/--file cannot be used together")
        }
        if connection.dbname != nil && restrictKey != nil {
            throw CommandFailure("options -d/--dbname and --restrict-key cannot be used together")
        }
        if !(1...1024).contains(jobs) {
            throw CommandFailure("-j/--jobs must be in range 1..1024")
        }
        if jobs > 1 && selection.singleTransaction {
            throw CommandFailure("cannot specify both --single-transaction and multiple jobs")
        }
    }

    func run() throws {
        try checkOptions()
        do {
            var options = try selection.restoreOptions()
            options.restrictKey = restrictKey
            let reader = try ArchiveReader(path: archive)
            let diagnostics = StderrDiagnostics(verbose: options.verbose)
            if list {
                let output = try OutputFile(path: file)
                let restorer = try ArchiveRestorer(reader: reader, options: options,
                                                   release: release.map(PgRestoreRelease.init(major:)),
                                                   target: ScriptTarget(output: output), diagnostics: diagnostics)
                try output.write(json ? restorer.tocListingJSON() : restorer.tocListing())
                try output.commit()
                return
            }
            if connection.dbname != nil && !list {
                try restoreIntoDatabase(reader: reader, options: options, diagnostics: diagnostics)
                return
            }
            let output = try OutputFile(path: file)
            let target = ScriptTarget(output: output)
            let restorer = try ArchiveRestorer(reader: reader, options: options,
                                               release: release.map(PgRestoreRelease.init(major:)),
                                               target: target, diagnostics: diagnostics)
            let progress = progressOptions.reporter(verb: "restoring", outputIsStdout: file == "-")
            defer { progress?.finish() }
            restorer.progress = progress
            _ = try restorer.run()
            try output.commit()
        } catch let e as ArchiveError {
            throw CommandFailure(e.description)
        } catch let e as RestoreError {
            throw CommandFailure(e.description)
        } catch let e as PostgresError {
            throw CommandFailure(e.description)
        }
    }

    /// `-d`: replay into a database, serially or with -j workers.
    private func restoreIntoDatabase(reader: ArchiveReader, options: RestoreOptions, diagnostics: StderrDiagnostics) throws {
        if jobs > 1 && (archive == nil || archive == "-") {
            throw CommandFailure("parallel restore from standard input is not supported")
        }
        if jobs > 1 && !reader.isSeekable {
            throw CommandFailure("parallel restore from non-seekable file is not supported")
        }
        diagnostics.info("connecting to database for restore")
        let target = try DatabaseTarget(parameters: connection.parameters(), passwordProvider: connection.passwordProvider,
                                        exitOnError: options.exitOnError, diagnostics: diagnostics)
        let restorer = try ArchiveRestorer(reader: reader, options: options,
                                           release: release.map(PgRestoreRelease.init(major:)),
                                           target: target, diagnostics: diagnostics)
        restorer.parallelJobs = jobs
        let progress = progressOptions.reporter(verb: "restoring", outputIsStdout: false)
        defer { progress?.finish() }
        restorer.progress = progress
        let archivePath = archive
        restorer.makeWorkerTarget = { [target] in
            let workerReader = try ArchiveReader(path: archivePath)
            let workerTarget = try DatabaseTarget(parameters: target.currentParameters, passwordProvider: nil,
                                                  exitOnError: options.exitOnError, diagnostics: diagnostics)
            return (workerReader, workerTarget)
        }
        _ = try restorer.run()
        let errors = restorer.errorCount
        if errors > 0 {
            diagnostics.warning("errors ignored on restore: \(errors)")
            throw ExitCode(1)
        }
    }
}
