import Archive

/// --clean: DROP commands for the selected entries, newest first, with --if-exists spelled into
/// each one the way pg_restore does it.
extension ArchiveRestorer {
    func emitDrops() throws {
        for te in ordered.reversed() {
            target.enterEntry(te)
            if options.createDatabase, te.desc != "DATABASE", te.desc != "DATABASE PROPERTIES" { continue }
            guard !reqs(te).intersection([.schema, .data]).isEmpty, let drop = te.dropStatement else { continue }
            diagnostics.info("dropping \(te.desc) \(te.tag)")
            try becomeOwner(te)
            try selectSchema(te.namespace)
            if te.desc == "BLOB METADATA" {
                if options.ifExists {
                    try issueCommandPerBlob(te, begin: "SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata WHERE oid = '", end: "'")
                } else {
                    try issueCommandPerBlob(te, begin: "SELECT pg_catalog.lo_unlink('", end: "')")
                }
            } else if !drop.isEmpty {
                if !options.ifExists || drop.hasPrefix("--") {
                    try target.sql(drop)
                } else if te.desc == "BLOB" {
                    try target.sql("SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata WHERE oid = '\(te.oid)';\n")
                } else {
                    try target.sql(injectIfExists(te, drop))
                }
            }
        }
        // The search_path we think is set may name a schema just dropped; set it again later.
        currentSchema = nil
    }

    /// Puts IF EXISTS into a DROP statement (pg_restore's string surgery, kept identical).
    func injectIfExists(_ te: TocEntry, _ original: String) -> String {
        var result = ""
        var stmt = Substring(original)
        if stmt.hasPrefix("ALTER TABLE") {
            result += "ALTER TABLE IF EXISTS"
            stmt = stmt.dropFirst(11)
        }
        if te.desc == "DEFAULT" || te.desc == "DATABASE PROPERTIES" || stmt.hasPrefix("CREATE OR REPLACE VIEW") {
            return result + stmt
        }
        let keyword: String
        if ["CONSTRAINT", "CHECK CONSTRAINT", "FK CONSTRAINT"].contains(te.desc) {
            keyword = "DROP CONSTRAINT"
        } else {
            keyword = "DROP \(te.desc)"
        }
        if let range = stmt.range(of: keyword) {
            return result + stmt[..<range.lowerBound] + keyword + " IF EXISTS" + stmt[range.upperBound...]
        }
        diagnostics.warning("could not find where to insert IF EXISTS in statement \"\(original)\"")
        return result + stmt
    }
}
