#if canImport(Glibc)
import Glibc
#endif
import Archive
import Postgres

/// What a finished restore reports.
public struct RestoreSummary: Sendable {
    public var entriesProcessed = 0
    public var errorsIgnored = 0
    public var dataBytes: Int64 = 0
}

/// Replays an archive into a target in pg_restore's order and with pg_restore's words: the
/// engine behind `restore -f` (scripts) and `restore -d` (databases).
///
/// The structure follows pg_backup_archiver.c's RestoreArchive / restore_toc_entry /
/// _printTocEntry so that differences in output can be traced to one place.
public final class ArchiveRestorer {
    let reader: ArchiveReader
    var options: RestoreOptions
    let release: PgRestoreRelease
    let target: RestoreTarget
    let diagnostics: RestoreDiagnostics
    let keywords: KeywordTable

    /// Entries in restore order (after -L) with what is wanted of each.
    var plan: RestorePlan!
    var ordered: [TocEntry] { plan.ordered }
    /// Set on worker clones of a parallel restore (pg_restore's is_parallel).
    var isParallelWorker = false

    // Session state the script has established, to avoid redundant SET commands.
    var currentUser: String?
    var currentSchema: String?
    var currentTablespace: String?
    var currentTableAccessMethod: String?

    // Archive-wide settings from the ENCODING, STDSTRINGS and SEARCHPATH entries.
    var encoding = "SQL_ASCII"
    var standardConformingStrings = false
    var searchPathCommand: String?

    var restrictKey: String?
    var summary = RestoreSummary()

    /// `-j`: number of parallel workers (database targets only) and how to give each its own
    /// archive handle and connection.
    public var parallelJobs = 1
    public var makeWorkerTarget: (() throws -> (ArchiveReader, RestoreTarget))?
    /// How far each connection's data decompression may run ahead of its COPY.
    public var readAhead = ReadAheadSettings.fromEnvironment
    /// The progress line, when shown: one step per restored entry, data bytes as they are read.
    public var progress: ProgressReporter?
    private var workers: [ArchiveRestorer] = []

    public init(reader: ArchiveReader, options: RestoreOptions, release: PgRestoreRelease? = nil,
                target: RestoreTarget, diagnostics: RestoreDiagnostics) throws {
        try options.validate()
        self.reader = reader
        self.options = options
        self.release = release ?? PgRestoreRelease.matching(reader.header)
        self.target = target
        self.diagnostics = diagnostics
        self.keywords = KeywordTable.forMajor(self.release.major)
        try readSpecialEntries()
        try makePlan()
    }

    /// A parallel worker: the leader's plan and settings, its own archive handle and connection
    /// (pg_restore's CloneArchive), starting with the fixed session settings.
    init(workerOf leader: ArchiveRestorer, reader: ArchiveReader, target: RestoreTarget) throws {
        self.reader = reader
        self.options = leader.options
        self.release = leader.release
        self.target = target
        self.diagnostics = leader.diagnostics
        self.keywords = leader.keywords
        self.encoding = leader.encoding
        self.standardConformingStrings = leader.standardConformingStrings
        self.searchPathCommand = leader.searchPathCommand
        self.plan = leader.plan
        self.readAhead = leader.readAhead
        self.isParallelWorker = true
        self.progress = leader.progress
        reader.onStoredData = leader.reader.onStoredData
        try setFixedOutputState()
    }

    func fmtId(_ name: String) -> String { quoteIdentifier(name, keywords: keywords) }

    func fmtQualifiedId(_ schema: String?, _ name: String) -> String {
        quoteQualifiedName(schema, name, keywords: keywords)
    }

    /// processEncodingEntry / processStdStringsEntry / processSearchPathEntry.
    private func readSpecialEntries() throws {
        for e in reader.entries {
            switch e.desc {
            case "ENCODING":
                let defn = e.definition ?? ""
                let parts = defn.split(separator: "'", omittingEmptySubsequences: false)
                guard parts.count >= 3 else {
                    throw RestoreError.fatal("invalid ENCODING item: \(defn)")
                }
                encoding = String(parts[1])
            case "STDSTRINGS":
                let defn = e.definition ?? ""
                guard let quote = defn.firstIndex(of: "'") else {
                    throw RestoreError.fatal("invalid STDSTRINGS item: \(defn)")
                }
                let rest = defn[quote...]
                if rest.hasPrefix("'on'") { standardConformingStrings = true }
                else if rest.hasPrefix("'off'") { standardConformingStrings = false }
                else { throw RestoreError.fatal("invalid STDSTRINGS item: \(defn)") }
            case "SEARCHPATH":
                searchPathCommand = e.definition
            default:
                break
            }
        }
        (target as? ScriptTarget)?.standardConformingStrings = standardConformingStrings
    }

    /// Applies -L, computes what each entry contributes, and enforces --strict-names.
    private func makePlan() throws {
        var entries = reader.entries
        var wanted: Set<Int>?
        if let path = options.useListPath {
            let list = try UseList.load(path: path, maxDumpId: reader.maxDumpId, knownIds: Set(entries.map(\.dumpId)))
            for line in list.ignoredLines { diagnostics.warning("line ignored: \(line)") }
            entries = list.reorder(entries)
            wanted = Set(list.orderedIds)
        }
        var selector = EntrySelector(options: options, wantedByUseList: wanted)
        plan = RestorePlan(ordered: entries, requirements: selector.select(entries))
        if options.strictNames, let violation = selector.strictNamesViolation() { throw violation }
    }

    func reqs(_ e: TocEntry) -> EntryRequirement { plan.requirement(e.dumpId) }

    /// --no-data-for-failed-tables: a table whose CREATE failed gets no data (pg_restore's
    /// inhibit_data_for_failed_table; the TABLE DATA entry's first dependency is its table).
    func inhibitDataForFailedTable(_ table: TocEntry) {
        diagnostics.info("table \"\(table.tag)\" could not be created, will not restore its data")
        _ = plan.inhibitData(ofTable: table.dumpId)
    }

    /// Entries that `-l` lists (everything with schema or data wanted, or all with -v).
    public var listedEntries: [(TocEntry, EntryRequirement)] { ordered.map { ($0, reqs($0)) } }

    // MARK: - RestoreArchive

    public func run() throws -> RestoreSummary {
        if !options.dataOnly && !ordered.contains(where: { reqs($0).contains(.schema) }) {
            options.dataOnly = true
            diagnostics.info("implied data-only restore")
        }
        if !target.isDatabase { restrictKey = options.restrictKey ?? RestrictKey.generate() }

        try target.sql("--\n-- PostgreSQL database dump\n--\n\n")
        if let key = restrictKey { try target.sql("\\restrict \(key)\n\n") }
        if let v = reader.header.serverVersion { try target.sql("-- Dumped from database version \(v)\n") }
        if let v = reader.header.dumpVersion { try target.sql("-- Dumped by pg_dump version \(v)\n") }
        try target.sql("\n")
        if options.verbose { try printTimestamp("Started on", epoch: reader.header.created.epochSeconds) }

        if options.singleTransaction { try target.sql("BEGIN;\n\n") }
        try setFixedOutputState()

        if options.clean { try emitDrops() }
        progress?.setTotal(ordered.filter { !reqs($0).intersection([.schema, .data]).isEmpty }.count)
        if let progress {
            let withData = ordered.filter { reqs($0).contains(.data) }
            if let stored = StoredDataLengths.total(of: withData, in: reader.entries, fileSize: reader.fileSizeIfKnown) {
                progress.setWorkTotal(stored)
                reader.onStoredData = { progress.addWork($0) }
            }
        }

        if parallelJobs > 1, target.isDatabase, let factory = makeWorkerTarget {
            let scheduler = ParallelRestoreScheduler(entries: ordered, fileSize: reader.fileSizeIfKnown)
            try scheduler.run(
                jobs: parallelJobs,
                isWanted: { [unowned self] e in !self.reqs(e).intersection([.schema, .data]).isEmpty },
                leader: { [unowned self] e in try self.restoreEntry(e) },
                makeWorker: { [unowned self] in
                    let (r, t) = try factory()
                    let worker = try ArchiveRestorer(workerOf: self, reader: r, target: t)
                    self.workers.append(worker)
                    return { e in try worker.restoreEntry(e) }
                })
            for w in workers {
                summary.entriesProcessed += w.summary.entriesProcessed
                summary.dataBytes += w.summary.dataBytes
                try w.target.finish()
            }
        } else {
            try restoreSerially()
        }
        target.enterEntry(nil)

        if options.singleTransaction { try target.sql("COMMIT;\n\n") }
        if options.verbose { try printTimestamp("Completed on", epoch: Int(time(nil))) }
        try target.sql("--\n-- PostgreSQL database dump complete\n--\n\n")
        if let key = restrictKey { try target.sql("\\unrestrict \(key)\n\n") }
        try target.finish()
        return summary
    }

    /// The three passes of a serial restore: main, ACLs, then event triggers and matview refreshes.
    private func restoreSerially() throws {
        var haveACL = false
        var havePostACL = false
        for e in ordered {
            // Requirements can change while restoring (--no-data-for-failed-tables), so test each time.
            guard !reqs(e).intersection([.schema, .data]).isEmpty else { continue }
            switch RestorePass(e) {
            case .main: try restoreEntry(e)
            case .acl: haveACL = true
            case .postACL: havePostACL = true
            }
        }
        if haveACL {
            for e in ordered where !reqs(e).intersection([.schema, .data]).isEmpty && RestorePass(e) == .acl {
                try restoreEntry(e)
            }
        }
        if havePostACL {
            for e in ordered where !reqs(e).intersection([.schema, .data]).isEmpty && RestorePass(e) == .postACL {
                try restoreEntry(e)
            }
        }
    }

    /// Errors counted by the targets of this restore and its workers.
    public var errorCount: Int {
        ([target] + workers.map(\.target)).reduce(0) { $0 + (($1 as? CountsErrors)?.errorCount ?? 0) }
    }

    private func printTimestamp(_ label: String, epoch: Int?) throws {
        guard let epoch else { return }
        var t = time_t(epoch)
        var tmv = tm()
        localtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        if strftime(&buf, buf.count, "%Y-%m-%d %H:%M:%S %Z", &tmv) != 0 {
            try target.sql("-- \(label) \(String(cString: buf))\n\n")
        }
    }

    /// _doSetFixedOutputState: the settings every restore session starts with.
    func setFixedOutputState() throws {
        var s = "SET statement_timeout = 0;\n"
        s += "SET lock_timeout = 0;\n"
        s += "SET idle_in_transaction_session_timeout = 0;\n"
        if release.setsTransactionTimeout && (target.serverMajorVersion ?? 17) >= 17 {
            s += "SET transaction_timeout = 0;\n"
        }
        s += "SET client_encoding = '\(encoding)';\n"
        s += "SET standard_conforming_strings = \(standardConformingStrings ? "on" : "off");\n"
        if let role = options.role { s += "SET ROLE \(fmtId(role));\n" }
        if let sp = searchPathCommand { s += sp }
        s += "SET check_function_bodies = false;\n"
        s += "SET xmloption = content;\n"
        s += "SET client_min_messages = warning;\n"
        if !standardConformingStrings { s += "SET escape_string_warning = off;\n" }
        s += options.enableRowSecurity ? "SET row_security = on;\n" : "SET row_security = off;\n"
        s += "\n"
        try target.sql(s)
    }
}
