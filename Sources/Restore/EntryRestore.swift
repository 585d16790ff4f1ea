import Archive
import Postgres

/// restore_toc_entry and the session-state helpers around it.
extension ArchiveRestorer {
    func restoreEntry(_ te: TocEntry) throws {
        progress?.begin("\(te.desc) \(te.namespace.map { $0 + "." } ?? "")\(te.tag)")
        defer { progress?.entryDone() }
        target.enterEntry(te)
        let r = reqs(te)
        summary.entriesProcessed += 1
        if te.desc == "WARNING" {
            if !options.dataOnly, let d = te.definition, !d.isEmpty {
                diagnostics.warning("warning from original dump file: \(d)")
            } else if let c = te.copyStatement, !c.isEmpty {
                diagnostics.warning("warning from original dump file: \(c)")
            }
        }
        var definitionPrinted = false
        if r.contains(.schema) {
            if te.desc == "STATISTICS DATA" {
                // pg_restore 18 restores statistics without a progress message.
            } else if let ns = te.namespace {
                diagnostics.info("creating \(te.desc) \"\(ns).\(te.tag)\"")
            } else {
                diagnostics.info("creating \(te.desc) \"\(te.tag)\"")
            }
            try printEntry(te, isData: false)
            definitionPrinted = true
            if te.desc == "TABLE" {
                if target.failedEntryIds.contains(te.dumpId) {
                    if options.noDataForFailedTables { inhibitDataForFailedTable(te) }
                } else {
                    plan.markCreated(table: te.dumpId)
                }
            }
            if te.desc == "DATABASE" || te.desc == "DATABASE PROPERTIES" {
                diagnostics.info("connecting to new database \"\(te.tag)\"")
                try reconnect(to: te.tag)
            }
        }
        if r.contains(.data) {
            if te.hasData {
                try printEntry(te, isData: true)
                if te.desc == "BLOBS" || te.desc == "BLOB COMMENTS" {
                    diagnostics.info("processing \(te.desc)")
                    try selectSchema("pg_catalog")
                    try restoreLargeObjects(te)
                } else {
                    try disableTriggersIfNecessary(te)
                    try becomeOwner(te)
                    try selectSchema(te.namespace)
                    diagnostics.info("processing data for table \"\(te.namespace ?? "").\(te.tag)\"")
                    // A table this run created is empty: truncating it in the COPY's transaction
                    // lets the server skip WAL with wal_level=minimal (pg_restore's use_truncate).
                    let useTruncate = isParallelWorker && plan.wasCreated(tableData: te.dumpId) && !isLoadViaPartitionRoot(te)
                    if useTruncate {
                        try target.sql("BEGIN")
                        try target.sql("TRUNCATE TABLE ONLY \(fmtQualifiedId(te.namespace, te.tag));\n\n")
                    }
                    defer { if useTruncate { try? target.sql("COMMIT") } }
                    if let copy = te.copyStatement, !copy.isEmpty {
                        try target.beginCopy(copy)
                        // Decompression runs on its own thread ahead of the COPY (issue 6).
                        try reader.readDataAhead(of: te, settings: readAhead) { b in
                            summary.dataBytes += Int64(b.count)
                            progress?.add(bytes: b.count)
                            try target.copyData(b)
                        }
                        try target.endCopy(tag: te.tag)
                    } else {
                        try reader.readData(of: te) { event in
                            if case let .bytes(b) = event {
                                summary.dataBytes += Int64(b.count)
                                progress?.add(bytes: b.count)
                                try target.otherData(b)
                            }
                        }
                    }
                    try enableTriggersIfNecessary(te)
                }
            } else if !definitionPrinted {
                diagnostics.info("executing \(te.desc) \(te.tag)")
                try printEntry(te, isData: false)
            }
        }
    }

    /// Whether a TABLE DATA entry loads through its partition root (--load-via-partition-root).
    func isLoadViaPartitionRoot(_ te: TocEntry) -> Bool {
        if let d = te.definition, d.hasPrefix("-- load via partition root ") { return true }
        if let c = te.copyStatement, !c.isEmpty {
            return !c.hasPrefix("COPY \(fmtQualifiedId(te.namespace, te.tag)) ")
        }
        return false
    }

    /// BLOBS entries: each large object inside its own lo_open/lowrite/lo_close, all in one
    /// transaction unless the whole restore already is one.
    private func restoreLargeObjects(_ te: TocEntry) throws {
        if !options.singleTransaction { try target.sql("BEGIN;\n\n") }
        var count = 0
        let createFirst = reader.header.version < .v1_12
        try reader.readData(of: te) { event in
            switch event {
            case let .largeObjectStart(oid):
                count += 1
                diagnostics.info("restoring large object with OID \(oid)")
                try target.beginLargeObject(oid: oid, createFirst: createFirst)
            case let .bytes(b):
                summary.dataBytes += Int64(b.count)
                progress?.add(bytes: b.count)
                try target.largeObjectData(b)
            case let .largeObjectEnd(oid):
                try target.endLargeObject(oid: oid)
            }
        }
        if !options.singleTransaction { try target.sql("COMMIT;\n\n") }
        diagnostics.info(count == 1 ? "restored 1 large object" : "restored \(count) large objects")
    }

    private func disableTriggersIfNecessary(_ te: TocEntry) throws {
        guard options.dataOnly && options.disableTriggers else { return }
        diagnostics.info("disabling triggers for \(te.tag)")
        try becomeUser(options.superuser)
        try target.sql("ALTER TABLE \(fmtQualifiedId(te.namespace, te.tag)) DISABLE TRIGGER ALL;\n\n")
    }

    private func enableTriggersIfNecessary(_ te: TocEntry) throws {
        guard options.dataOnly && options.disableTriggers else { return }
        diagnostics.info("enabling triggers for \(te.tag)")
        try becomeUser(options.superuser)
        try target.sql("ALTER TABLE \(fmtQualifiedId(te.namespace, te.tag)) ENABLE TRIGGER ALL;\n\n")
    }

    /// _reconnectToDB: after CREATE DATABASE / database properties.
    func reconnect(to database: String) throws {
        try target.reconnect(to: database, restrictKey: restrictKey)
        currentUser = nil
        currentSchema = nil
        currentTableAccessMethod = nil
        currentTablespace = nil
        try setFixedOutputState()
    }

    // MARK: session state

    /// _becomeUser: SET SESSION AUTHORIZATION, only when it changes.
    func becomeUser(_ user: String?) throws {
        let user = user ?? ""
        if let cur = currentUser, cur == user { return }
        let command = "SET SESSION AUTHORIZATION " + (user.isEmpty ? "DEFAULT" : literal(user)) + ";"
        try target.setting(command, terminator: "\n\n", failureIsFatal: true, describe: "could not set session user to \"\(user)\"")
        currentUser = user
    }

    /// _becomeOwner: only with --use-set-session-authorization.
    func becomeOwner(_ te: TocEntry) throws {
        if options.noOwner || !options.useSetSessionAuthorization { return }
        try becomeUser(te.owner)
    }

    /// _selectOutputSchema: archives with a SEARCHPATH entry keep that search_path throughout.
    func selectSchema(_ schema: String?) throws {
        if searchPathCommand != nil { return }
        guard let schema, !schema.isEmpty else { return }
        if let cur = currentSchema, cur == schema { return }
        var command = "SET search_path = \(fmtId(schema))"
        if schema != "pg_catalog" { command += ", pg_catalog" }
        try target.setting(command, terminator: ";\n\n", failureIsFatal: false,
                           describe: "could not set \"search_path\" to \"\(schema)\"")
        currentSchema = schema
    }

    /// _selectTablespace.
    func selectTablespace(_ tablespace: String?) throws {
        if options.noTablespaces { return }
        guard let want = tablespace else { return }
        if let have = currentTablespace, have == want { return }
        let command = want.isEmpty ? "SET default_tablespace = ''" : "SET default_tablespace = \(fmtId(want))"
        try target.setting(command, terminator: ";\n\n", failureIsFatal: false,
                           describe: "could not set \"default_tablespace\" to \(fmtId(want))")
        currentTablespace = want
    }

    /// _selectTableAccessMethod.
    func selectTableAccessMethod(_ tableAM: String?) throws {
        if options.noTableAccessMethod { return }
        guard let want = tableAM else { return }
        if let have = currentTableAccessMethod, have == want { return }
        try target.setting("SET default_table_access_method = \(fmtId(want));", terminator: "\n\n", failureIsFatal: false,
                           describe: "could not set \"default_table_access_method\"")
        currentTableAccessMethod = want
    }

    /// A string literal for the archive's standard_conforming_strings setting.
    func literal(_ s: String) -> String {
        quoteLiteral(s, standardConformingStrings: standardConformingStrings)
    }
}
