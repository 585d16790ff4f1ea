import ArgumentParser
import Archive
import Foundation
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

    @Flag(name: .customLong("json"), help: "With -l: print the TOC as JSON (schema in the README).")
    var json = false

    @Option(name: .customLong("restrict-key"), help: "Use this string as the psql \\restrict key.")
    var restrictKey: String?

    @Option(name: .customLong("release"), help: "Reproduce the output of this pg_restore release (15-18); default: the archive's pg_dump release.")
    var release: Int?

    func validate() throws {
        if !list && file == nil {
            throw ValidationError("one of -d/--dbname and -f/--file must be specified")
        }
    }

    func run() throws {
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
            let output = try OutputFile(path: file)
            let target = ScriptTarget(output: output)
            let restorer = try ArchiveRestorer(reader: reader, options: options,
                                               release: release.map(PgRestoreRelease.init(major:)),
                                               target: target, diagnostics: diagnostics)
            _ = try restorer.run()
            try output.commit()
        } catch let e as ArchiveError {
            throw CommandFailure(e.description)
        } catch let e as RestoreError {
            throw CommandFailure(e.description)
        }
    }
}
