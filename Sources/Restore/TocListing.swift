import Archive

/// `pg_restore -l`: the archive summary and one line per selected entry, which a user can edit
/// and feed back with -L.
extension ArchiveRestorer {
    public func tocListing() throws -> String {
        let h = reader.header
        var s = ";\n; Archive created at \(h.created.formatted)\n"
        s += ";     dbname: \(sanitize(h.databaseName))\n"
        s += ";     TOC Entries: \(reader.entries.count)\n"
        s += ";     Compression: \(compressionLabel)\n"
        s += ";     Dump Version: \(h.version.major).\(h.version.minor)-\(h.version.revision)\n"
        s += ";     Format: CUSTOM\n"
        s += ";     Integer: \(h.intSize) bytes\n"
        s += ";     Offset: \(h.offSize) bytes\n"
        if let v = h.serverVersion { s += ";     Dumped from database version: \(v)\n" }
        if let v = h.dumpVersion { s += ";     Dumped by pg_dump version: \(v)\n" }
        s += ";\n;\n; Selected TOC Entries:\n;\n"
        for (te, r) in listedEntries {
            if options.verbose || !r.intersection([.schema, .data]).isEmpty {
                s += "\(te.dumpId); \(te.tableOid) \(te.oid) \(te.desc) \(sanitize(te.namespace, hyphen: true)) "
                s += "\(sanitize(te.tag)) \(sanitize(te.owner))\n"
            }
            if options.verbose && !te.dependencies.isEmpty {
                s += ";\tdepends on:" + te.dependencies.map { " \($0)" }.joined() + "\n"
            }
        }
        return s
    }

    /// pg_restore 15 prints the zlib level; 16 and later print the algorithm's name.
    var compressionLabel: String {
        let c = reader.header.compression
        if release.listsCompressionByName { return c.algorithm.name }
        if let level = c.legacyLevel { return String(level) }
        // A 1.15+ archive listed as pg_restore 15 would: it cannot read them, so use the name.
        return c.algorithm.name
    }
}
