/// Rewrites pg_dump 17+'s grouped large-object entries into the one-entry-per-object form that
/// archives before 1.16 use, so a pg_restore 12 to 16 can read the rewrite:
///  - BLOB METADATA (a list of OIDs) -> one BLOB entry per OID (lo_create / lo_unlink),
///  - ACL "LARGE OBJECTS a..b" -> one ACL "LARGE OBJECT n" per OID,
///  - COMMENT / SECURITY LABEL "LARGE OBJECT n" -> re-pointed at that object's BLOB entry,
///  - BLOBS data entries keep their data blocks but lose the owner and dependencies they
///    never had before 1.16.
enum LargeObjectDowngrade {
    static func apply(_ entries: [TocEntry]) -> [TocEntry] {
        guard entries.contains(where: { $0.desc == "BLOB METADATA" }) else { return entries }
        var nextId = (entries.map(\.dumpId).max() ?? 0) + 1
        var blobEntryByOid: [UInt32: Int] = [:]
        var oidsByMetadata: [Int: [UInt32]] = [:]
        var result: [TocEntry] = []
        for e in entries {
            switch e.desc {
            case "BLOB METADATA":
                let listing: String = e.definition ?? ""
                let oids = listing.split(separator: "\n").compactMap { UInt32(String($0).trimmingSpaces) }
                oidsByMetadata[e.dumpId] = oids
                for (i, oid) in oids.enumerated() {
                    let id = i == 0 ? e.dumpId : nextId
                    if i > 0 { nextId += 1 }
                    blobEntryByOid[oid] = id
                    result.append(TocEntry(
                        dumpId: id, hasData: false, tableOid: e.tableOid, oid: oid, tag: String(oid), desc: "BLOB",
                        section: e.section, definition: "SELECT pg_catalog.lo_create('\(oid)');\n",
                        dropStatement: "SELECT pg_catalog.lo_unlink('\(oid)');\n", copyStatement: nil,
                        namespace: nil, tablespace: nil, tableAccessMethod: nil, relkind: 0, owner: e.owner,
                        dependencies: e.dependencies))
                }
            case "ACL" where e.tag.hasPrefix("LARGE OBJECTS "):
                let oids = e.dependencies.first.flatMap { oidsByMetadata[$0] } ?? []
                for (i, oid) in oids.enumerated() {
                    var acl = e
                    acl.dumpId = i == 0 ? e.dumpId : nextId
                    if i > 0 { nextId += 1 }
                    acl.tag = "LARGE OBJECT \(oid)"
                    acl.definition = e.definition.map { replaceLargeObjectOid(in: $0, with: oid) }
                    acl.dependencies = [blobEntryByOid[oid] ?? e.dependencies[0]]
                    result.append(acl)
                }
            case "COMMENT", "SECURITY LABEL" where e.tag.hasPrefix("LARGE OBJECT "):
                var c = e
                if let oid = UInt32(e.tag.dropFirst("LARGE OBJECT ".count)), let blob = blobEntryByOid[oid] {
                    c.dependencies = [blob]
                }
                result.append(c)
            case "BLOBS":
                var b = e
                b.tag = "BLOBS"
                b.owner = ""
                b.dependencies = []
                result.append(b)
            default:
                result.append(e)
            }
        }
        return result
    }

    /// Replaces the OID after each "LARGE OBJECT " outside double quotes (role names may be quoted).
    static func replaceLargeObjectOid(in text: String, with oid: UInt32) -> String {
        let bytes = Array(text.utf8)
        let marker = Array("LARGE OBJECT ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inQuotes = false
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes, bytes.count - i >= marker.count, Array(bytes[i..<(i + marker.count)]) == marker {
                out.append(contentsOf: marker)
                i += marker.count
                while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
                out.append(contentsOf: Array(String(oid).utf8))
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
