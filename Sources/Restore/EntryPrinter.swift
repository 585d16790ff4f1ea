import Archive

/// _printTocEntry: the header comment, the definition and the ownership of one entry.
extension ArchiveRestorer {
    func printEntry(_ te: TocEntry, isData: Bool) throws {
        try becomeOwner(te)
        try selectSchema(te.namespace)
        try selectTablespace(te.tablespace)
        if te.relkind != RelKind.partitionedTable {
            try selectTableAccessMethod(te.tableAccessMethod)
        }

        if !target.isDatabase {
            var h = "--\n"
            if options.verbose {
                h += "-- TOC entry \(te.dumpId) (class \(te.tableOid) OID \(te.oid))\n"
                if !te.dependencies.isEmpty {
                    h += "-- Dependencies:" + te.dependencies.map { " \($0)" }.joined() + "\n"
                }
            }
            let prefix = isData ? "Data for " : (te.desc == "STATISTICS DATA" ? "Statistics for " : "")
            h += "-- \(prefix)Name: \(sanitize(te.tag)); Type: \(te.desc); "
            h += "Schema: \(sanitize(te.namespace, hyphen: true)); Owner: \(sanitize(options.noOwner ? nil : te.owner, hyphen: true))"
            if let ts = te.tablespace, !ts.isEmpty, !options.noTablespaces {
                h += "; Tablespace: \(sanitize(ts))"
            }
            h += "\n"
            if options.verbose { h += "-- Data Pos: \(te.dataOffset)\n" }
            h += "--\n\n"
            try target.sql(h)
        }

        let defn = te.definition ?? ""
        if options.noOwner && te.desc == "SCHEMA" && !defn.hasPrefix("--") {
            try target.sql("CREATE SCHEMA \(fmtId(te.tag));\n\n\n")
        } else if te.desc == "BLOB METADATA" {
            try issueCommandPerBlob(te, begin: "SELECT pg_catalog.lo_create('", end: "')")
        } else if te.desc == "ACL" && te.tag.hasPrefix("LARGE OBJECTS") {
            try issueACLPerBlob(te)
        } else if !defn.isEmpty {
            try target.sql(defn + "\n\n")
        }

        if !options.noOwner,
           !options.useSetSessionAuthorization || (te.desc == "SCHEMA" && defn.hasPrefix("--")),
           let owner = te.owner, !owner.isEmpty,
           let drop = te.dropStatement, !drop.isEmpty {
            if te.desc == "BLOB METADATA" {
                try issueCommandPerBlob(te, begin: "ALTER LARGE OBJECT ", end: " OWNER TO \(fmtId(owner))")
            } else if let object = ownedObjectDescription(te) {
                try target.sql("ALTER \(object) OWNER TO \(fmtId(owner));\n\n")
            }
        }

        if te.relkind == RelKind.partitionedTable, !options.noTableAccessMethod, let am = te.tableAccessMethod {
            let command = "ALTER TABLE \(fmtQualifiedId(te.namespace, te.tag)) SET ACCESS METHOD \(fmtId(am));"
            try target.setting(command, terminator: "\n\n", failureIsFatal: false, describe: "could not alter table access method")
        }

        if isACL(te) { currentUser = nil }
    }

    /// _getObjectDescription: what follows "ALTER " in the ownership command, or nil when the
    /// object kind has no owner of its own.
    func ownedObjectDescription(_ te: TocEntry) -> String? {
        var type = te.desc
        if !release.ownerCommandsUseObjectKind, ["VIEW", "SEQUENCE", "MATERIALIZED VIEW"].contains(type) {
            type = "TABLE"
        }
        switch type {
        case "COLLATION", "CONVERSION", "DOMAIN", "FOREIGN TABLE", "MATERIALIZED VIEW", "SEQUENCE", "STATISTICS",
             "TABLE", "TEXT SEARCH DICTIONARY", "TEXT SEARCH CONFIGURATION", "TYPE", "VIEW",
             "DATABASE", "PROCEDURAL LANGUAGE", "SCHEMA", "EVENT TRIGGER", "FOREIGN DATA WRAPPER", "SERVER",
             "PUBLICATION", "SUBSCRIPTION":
            var s = type + " "
            if let ns = te.namespace, !ns.isEmpty { s += fmtId(ns) + "." }
            return s + fmtId(te.tag)
        case "BLOB":
            return "LARGE OBJECT \(te.tag)"
        case "AGGREGATE", "FUNCTION", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY", "PROCEDURE":
            // The DROP command already names the object with its argument types.
            var s = Substring(te.dropStatement ?? "").dropFirst(5)
            while let last = s.last, last == "\n" || last == ";" { s = s.dropLast() }
            return String(s)
        case "CAST", "CHECK CONSTRAINT", "CONSTRAINT", "DATABASE PROPERTIES", "DEFAULT", "FK CONSTRAINT", "INDEX",
             "RULE", "TRIGGER", "ROW SECURITY", "POLICY", "USER MAPPING":
            return nil
        default:
            diagnostics.warning("don't know how to set owner for object type \"\(te.desc)\"")
            return nil
        }
    }

    /// sanitize_line: newlines in names become spaces so each comment stays one line.
    func sanitize(_ s: String?, hyphen: Bool = false) -> String {
        guard let s else { return hyphen ? "-" : "" }
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for u in s.unicodeScalars { out.unicodeScalars.append(u == "\n" || u == "\r" ? " " : u) }
        return out
    }

    /// IssueCommandPerBlob: one command per large-object OID listed in a BLOB METADATA entry.
    func issueCommandPerBlob(_ te: TocEntry, begin: String, end: String) throws {
        var s = ""
        let defn = te.definition ?? ""
        var rest = Substring(defn)
        while let nl = rest.firstIndex(of: "\n") {
            s += begin + rest[..<nl] + end + ";\n"
            rest = rest[rest.index(after: nl)...]
        }
        s += "\n"
        try target.sql(s)
    }

    /// IssueACLPerBlob: the GRANT/REVOKE commands of a "LARGE OBJECTS" ACL, applied to every
    /// large object of the BLOB METADATA entry it depends on.
    func issueACLPerBlob(_ te: TocEntry) throws {
        guard let first = te.dependencies.first, let blobs = reader.entry(dumpId: first) else {
            throw RestoreError.fatal("could not find entry for ID \(te.dependencies.first ?? 0)")
        }
        let text = Array((te.definition ?? "").utf8)
        var inQuotes = false
        var start = 0
        var secondHalf: Int?
        var firstHalfEnd = 0
        var i = 0
        let marker = Array("LARGE OBJECT ".utf8)
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "\"") { inQuotes.toggle() }
            if inQuotes { i += 1; continue }
            if text.count - i >= marker.count, Array(text[i..<(i + marker.count)]) == marker {
                i += marker.count
                firstHalfEnd = i
                while i < text.count, isDigit(text[i]) { i += 1 }
                secondHalf = i
            } else if c == UInt8(ascii: ";") {
                let begin = String(decoding: text[start..<firstHalfEnd], as: UTF8.self)
                let end = String(decoding: text[(secondHalf ?? i)..<i], as: UTF8.self)
                try issueCommandPerBlob(blobs, begin: begin, end: end)
                i += 1
                while i < text.count, isSpace(text[i]) { i += 1 }
                start = i
                secondHalf = nil
            } else {
                i += 1
            }
        }
    }
}
