import ArgumentParser
import Archive
import Dump
import Foundation
import Postgres
import Restore

/// `pgfunnel dump`: pg_dump's command line over one connection, one snapshot, one archive.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Dump a database into one custom-format archive (pg_dump -Fc compatible).",
        discussion: """
        The archive is written to a temporary file beside the destination and renamed into place only \
        when the dump has succeeded; a manifest (ARCHIVE.manifest.json) for `pgfunnel verify` goes next to it.

        Examples:
          pgfunnel dump -f db.dump mydb
          pgfunnel dump -d "host=/tmp port=5432" -n sales -Z zstd -f sales.dump
          pgfunnel dump --with-globals -f db.dump mydb    # roles and tablespaces too
        """)

    @Argument(help: "Database to dump (or use -d).")
    var database: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Option(name: [.customShort("f"), .customLong("file")], help: "Output file (standard output when omitted).")
    var file: String?
    @Option(name: [.customShort("F"), .customLong("format")], help: "c (custom archive, default) or p (plain SQL script).")
    var format = "c"
    @Option(name: [.customShort("Z"), .customLong("compress")], help: "0-9, none, gzip[:N], lz4[:N] or zstd[:N].")
    var compress: String?
    @Option(name: [.customShort("j"), .customLong("compress-jobs")],
            help: "Threads compressing table data (default: one per core). The archive is the same whatever the number.")
    var compressJobs: Int?
    @Option(name: [.customShort("E"), .customLong("encoding")], help: "Dump the data in this encoding.")
    var encoding: String?
    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Verbose mode.")
    var verbose = false
    @Option(name: [.customShort("n"), .customLong("schema")], help: "Dump only schemas matching the pattern.")
    var schemas: [String] = []
    @Option(name: [.customShort("N"), .customLong("exclude-schema")], help: "Do not dump schemas matching the pattern.")
    var excludeSchemas: [String] = []
    @Option(name: [.customShort("t"), .customLong("table")], help: "Dump only tables matching the pattern.")
    var tables: [String] = []
    @Option(name: [.customShort("T"), .customLong("exclude-table")], help: "Do not dump tables matching the pattern.")
    var excludeTables: [String] = []
    @Option(name: .customLong("exclude-table-data"), help: "Do not dump data of tables matching the pattern.")
    var excludeTableData: [String] = []
    @Flag(name: [.customShort("a"), .customLong("data-only")], help: "Dump only the data.")
    var dataOnly = false
    @Flag(name: [.customShort("s"), .customLong("schema-only")], help: "Dump only the object definitions.")
    var schemaOnly = false
    @Flag(name: [.customShort("b"), .customLong("large-objects"), .customLong("blobs")], help: "Include large objects.")
    var largeObjects = false
    @Flag(name: [.customShort("B"), .customLong("no-large-objects"), .customLong("no-blobs")], help: "Exclude large objects.")
    var noLargeObjects = false
    @Flag(name: [.customShort("O"), .customLong("no-owner")], help: "Skip restoration of object ownership.")
    var noOwner = false
    @Flag(name: [.customShort("x"), .customLong("no-privileges"), .customLong("no-acl")], help: "Do not dump privileges.")
    var noPrivileges = false
    @Flag(name: .customLong("no-comments")) var noComments = false
    @Flag(name: .customLong("no-security-labels")) var noSecurityLabels = false
    @Flag(name: .customLong("no-publications")) var noPublications = false
    @Flag(name: .customLong("no-subscriptions")) var noSubscriptions = false
    @Flag(name: .customLong("no-tablespaces")) var noTablespaces = false
    @Flag(name: .customLong("no-table-access-method")) var noTableAccessMethod = false
    @Flag(name: .customLong("no-toast-compression")) var noToastCompression = false
    @Flag(name: .customLong("no-unlogged-table-data")) var noUnloggedTableData = false
    @Flag(name: .customLong("strict-names"), help: "Require each -n/-t pattern to match something.")
    var strictNames = false
    @Option(name: .customLong("snapshot"), help: "Use the given synchronous snapshot.")
    var snapshot: String?
    @Flag(name: .customLong("serializable-deferrable")) var serializableDeferrable = false
    @Option(name: .customLong("lock-wait-timeout"), help: "Fail after waiting this long for a table lock.")
    var lockWaitTimeout: String?
    @Option(name: .customLong("role"), help: "SET ROLE before dumping.")
    var role: String?
    @Flag(name: .customLong("quote-all-identifiers")) var quoteAllIdentifiers = false
    @Flag(name: .customLong("enable-row-security")) var enableRowSecurity = false
    @Option(name: .customLong("restrict-key"), help: "With -F p: use this string as the psql \\restrict key.")
    var restrictKey: String?
    @Flag(name: .customLong("with-globals"), help: "Also put the cluster's roles, memberships and tablespaces (what `dumpall -g` prints) into the archive, as its first entries.")
    var withGlobals = false
    @Flag(name: .customLong("no-role-passwords"), help: "With --with-globals: leave out role passwords (reads pg_roles; no superuser needed).")
    var noRolePasswords = false
    @Flag(name: .customLong("no-manifest"), help: "Do not write ARCHIVE.manifest.json.")
    var noManifest = false
    @OptionGroup var extra: DumpExtraOptions

    func run() throws {
        var options = DumpOptions()
        if dataOnly && schemaOnly { throw CommandFailure("options -s/--schema-only and -a/--data-only cannot be used together") }
        // Roles and tablespaces are definitions: a data-only archive has no place for them.
        if dataOnly && withGlobals { throw CommandFailure("options --with-globals and -a/--data-only cannot be used together") }
        guard format == "c" || format == "custom" || format == "p" || format == "plain" else {
            throw CommandFailure("invalid output format \"\(format)\" specified (pgfunnel writes c and p)")
        }
        var command = self
        try command.applyFilterFiles()
        if schemaOnly && !command.extra.includeForeignData.isEmpty {
            throw CommandFailure("options -s/--schema-only and --include-foreign-data cannot be used together")
        }
        let inserts = try extra.insertOptions()
        options.sections = try extra.sectionSet()
        var params = connection.parameters()
        if params.database == nil { params.database = database }
        options.session.encoding = encoding
        options.session.role = role
        options.session.snapshot = snapshot
        options.session.serializableDeferrable = serializableDeferrable
        options.session.enableRowSecurity = enableRowSecurity
        options.session.quoteAllIdentifiers = quoteAllIdentifiers
        options.session.lockWaitTimeout = lockWaitTimeout
        if let compress { (options.compression, options.compressionLevel) = try parseCompression(compress) }
        if let compressJobs {
            guard (1...256).contains(compressJobs) else { throw CommandFailure("--compress-jobs must be between 1 and 256") }
            options.compressJobs = compressJobs
        }
        options.noOwner = noOwner
        options.noPrivileges = noPrivileges
        options.noComments = noComments
        options.noSecurityLabels = noSecurityLabels
        options.noPublications = noPublications
        options.noSubscriptions = noSubscriptions
        options.noTablespaces = noTablespaces
        options.noTableAccessMethod = noTableAccessMethod
        options.noToastCompression = noToastCompression
        options.writeManifest = !noManifest
        options.withGlobals = withGlobals
        options.noRolePasswords = noRolePasswords
        let log: (String) -> Void = { [verbose] in if verbose { printError("pgfunnel: \($0)") } }
        try SignalCleanup.run {
            let conn = try Connection(parameters: params, passwordProvider: connection.passwordProvider)
            options.selection = try command.resolveSelection(conn)
            options.selection.inserts = inserts
            options.selection.loadViaPartitionRoot = extra.loadViaPartitionRoot
            options.selection.foreignDataServers = try command.resolveForeignServers(conn)
            let plain = format.hasPrefix("p")
            // A plain script is the archive's script: written through the same printer as restore -f.
            let archivePath = plain ? NSTemporaryDirectory() + "pgfunnel-dump-\(getpid()).dump" : file
            let output = try OutputFile(path: archivePath, sync: !extra.noSync && !plain)
            SignalCleanup.install(output)
            let runner = try DumpRunner(connection: conn, options: options)
            runner.log = log
            let progress = progressOptions.reporter(verb: "dumping", outputIsStdout: file == nil || file == "-")
            defer { progress?.finish() }
            runner.progress = progress
            if let progress { output.onWrite = { progress.add(bytes: $0) } }
            if plain { options.writeManifest = false }
            try runner.write(to: output)
            if plain {
                defer { unlink(archivePath!) }
                let script = try OutputFile(path: file, sync: !extra.noSync)
                SignalCleanup.install(script)
                var ropts = RestoreOptions()
                ropts.noOwner = noOwner
                ropts.restrictKey = restrictKey
                let restorer = try ArchiveRestorer(reader: ArchiveReader(path: archivePath), options: ropts,
                                                   target: ScriptTarget(output: script), diagnostics: StderrDiagnostics(verbose: verbose))
                _ = try restorer.run()
                try script.commit()
            }
        }
    }

    /// Resolves -n/-N/-t/-T/--exclude-table-data patterns to names with one query each.
    func resolveSelection(_ conn: Connection) throws -> DumpSelection {
        var s = DumpSelection()
        s.schemaOnly = schemaOnly
        s.dataOnly = dataOnly
        s.noUnloggedTableData = noUnloggedTableData
        let selective = !schemas.isEmpty || !tables.isEmpty || !extra.tablesAndChildren.isEmpty
        s.includeLargeObjects = !noLargeObjects && (largeObjects || (!selective && !schemaOnly))
        func matchSchemas(_ patterns: [String]) throws -> Set<String> {
            var out = Set<String>()
            for p in patterns {
                let np = NamePattern(p)
                let rows = try conn.query("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.~) $1", [np.nameRegex])
                if rows.rowCount == 0 && strictNames { throw CommandFailure("no matching schemas were found for pattern \"\(p)\"") }
                for r in rows { if let n = r[0] { out.insert(n) } }
            }
            return out
        }
        func matchTables(_ patterns: [String], withChildren: Bool = false) throws -> Set<QualifiedName> {
            var out = Set<QualifiedName>()
            for p in patterns {
                let np = NamePattern(p)
                let rows = try conn.query(DumpSelectionQueries.tables(withChildren: withChildren), [np.nameRegex, np.schemaRegex])
                if rows.rowCount == 0 && strictNames { throw CommandFailure("no matching tables were found for pattern \"\(p)\"") }
                for r in rows { if let ns = r[0], let n = r[1] { out.insert(QualifiedName(schema: ns, name: n)) } }
            }
            return out
        }
        if !schemas.isEmpty {
            s.schemas = try matchSchemas(schemas)
            if s.schemas!.isEmpty { throw CommandFailure("no matching schemas were found") }
        }
        s.excludedSchemas = try matchSchemas(excludeSchemas)
        if !tables.isEmpty || !extra.tablesAndChildren.isEmpty {
            s.tables = try matchTables(tables).union(matchTables(extra.tablesAndChildren, withChildren: true))
            if s.tables!.isEmpty { throw CommandFailure("no matching tables were found") }
        }
        s.excludedTables = try matchTables(excludeTables).union(matchTables(extra.excludeTablesAndChildren, withChildren: true))
        s.excludedTableData = try matchTables(excludeTableData)
            .union(matchTables(extra.excludeTableDataAndChildren, withChildren: true))
        return s
    }
}

/// On SIGINT or SIGTERM, removes a partly written output file and exits 1 (nothing half-written
/// is ever left at the destination).
enum SignalCleanup {
    private static var outputs: [OutputFile] = []
    private static var sources: [DispatchSourceSignal] = []
    private static let lock = NSLock()

    /// Runs a command body that writes output files: on any error the partly written outputs
    /// are removed and the error becomes one "pgfunnel: error:" message.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            abandonAll()
            switch error {
            case let e as PostgresError: throw CommandFailure(e.description.trimmingCharacters(in: .newlines))
            case let e as ArchiveError: throw CommandFailure(e.description)
            case let e as CommandFailure: throw e
            default: throw CommandFailure("\(error)")
            }
        }
    }

    /// Removes every partly written output (after an error; committed files are kept).
    static func abandonAll() {
        lock.lock(); defer { lock.unlock() }
        for o in outputs { o.abandon() }
        outputs.removeAll()
    }

    static func install(_ output: OutputFile) {
        lock.lock(); defer { lock.unlock() }
        outputs.append(output)
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                lock.lock()
                for o in outputs { o.abandon() }
                lock.unlock()
                printError("pgfunnel: error: interrupted by signal \(sig); no output was left behind")
                exit(1)
            }
            source.resume()
            sources.append(source)
        }
    }
}
