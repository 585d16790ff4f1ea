import Archive

/// What a restore wants from one TOC entry (pg_restore's REQ_* bits).
public struct EntryRequirement: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let schema = EntryRequirement(rawValue: 0x01)
    public static let data = EntryRequirement(rawValue: 0x02)
    public static let special = EntryRequirement(rawValue: 0x04)
}

/// The restore pass an entry belongs to: ACLs after everything else, then event triggers and
/// materialized view refreshes, which must run with final privileges in place.
enum RestorePass: Int {
    case main = 0, acl, postACL

    init(_ entry: TocEntry) {
        switch entry.desc {
        case "ACL", "ACL LANGUAGE", "DEFAULT ACL": self = .acl
        case "EVENT TRIGGER", "MATERIALIZED VIEW DATA": self = .postACL
        case "COMMENT" where entry.tag.hasPrefix("EVENT TRIGGER "): self = .postACL
        // pg_restore 18: statistics of indexes and other post-data objects come last.
        case "STATISTICS DATA" where entry.section == .postData: self = .postACL
        default: self = .main
        }
    }
}

func isACL(_ entry: TocEntry) -> Bool {
    entry.desc == "ACL" || entry.desc == "ACL LANGUAGE" || entry.desc == "DEFAULT ACL"
}

/// Decides, in TOC order, which entries a restore wants and which parts of them (pg_restore's
/// _tocEntryRequired), and records which -n/-t/-I/-P/-T names matched for --strict-names.
struct EntrySelector {
    let options: RestoreOptions
    /// Entries wanted by a use-list (-L), by dump id; nil when no list was given.
    let wantedByUseList: Set<Int>?
    private(set) var touchedSchemas = Set<String>()
    private(set) var touchedTables = Set<String>()
    private(set) var touchedIndexes = Set<String>()
    private(set) var touchedFunctions = Set<String>()
    private(set) var touchedTriggers = Set<String>()

    init(options: RestoreOptions, wantedByUseList: Set<Int>?) {
        self.options = options
        self.wantedByUseList = wantedByUseList
    }

    /// Computes requirements for `entries` (already in restore order).
    mutating func select(_ entries: [TocEntry]) -> [Int: EntryRequirement] {
        var reqs: [Int: EntryRequirement] = [:]
        var descByDumpId: [Int: String] = [:]
        for e in entries { descByDumpId[e.dumpId] = e.desc }
        var section = ArchiveSection.preData
        for entry in entries {
            if entry.section != .none { section = entry.section }
            reqs[entry.dumpId] = required(entry, section: section, reqs: reqs, descByDumpId: descByDumpId)
        }
        return reqs
    }

    private static func member(_ list: [String], _ value: String, touched: inout Set<String>) -> Bool {
        guard list.contains(value) else { return false }
        touched.insert(value)
        return true
    }

    private mutating func required(_ te: TocEntry, section: ArchiveSection, reqs: [Int: EntryRequirement],
                                   descByDumpId: [Int: String]) -> EntryRequirement {
        let o = options
        var res: EntryRequirement = [.schema, .data]
        switch te.desc {
        case "ENCODING", "STDSTRINGS", "SEARCHPATH": return .special
        case "DATABASE", "DATABASE PROPERTIES": return o.createDatabase ? .schema : []
        default: break
        }
        if o.noGlobals && te.isGlobalObject { return [] }
        if o.noPrivileges && isACL(te) { return [] }
        if o.noComments && te.desc == "COMMENT" { return [] }
        if te.desc == "COMMENT" || te.desc == "SECURITY LABEL" {
            if o.noPublications && te.tag.hasPrefix("PUBLICATION") { return [] }
            if o.noSubscriptions && te.tag.hasPrefix("SUBSCRIPTION") { return [] }
        }
        if o.noPublications && ["PUBLICATION", "PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA"].contains(te.desc) {
            return []
        }
        if o.noSecurityLabels && te.desc == "SECURITY LABEL" { return [] }
        if o.noSubscriptions && te.desc == "SUBSCRIPTION" { return [] }
        switch section {
        case .preData, .data, .postData:
            if !o.sections.contains(section) { return [] }
        case .none:
            return []
        }
        if let wanted = wantedByUseList, !wanted.contains(te.dumpId) { return [] }

        if te.desc == "ACL" || te.desc == "COMMENT" || te.desc == "SECURITY LABEL" {
            if te.tag.hasPrefix("DATABASE ") {
                if !o.createDatabase { return [] }
            } else if !o.schemaNames.isEmpty || !o.excludeSchemaNames.isEmpty || o.selectsTypes {
                // Dependent entries follow their parent object in a selective restore.
                var parentWanted = false
                for dep in te.dependencies {
                    guard let desc = descByDumpId[dep] else { continue }
                    if desc == "ACL" { continue }
                    if (reqs[dep] ?? []).isEmpty { continue }
                    parentWanted = true
                    break
                }
                if !parentWanted { return [] }
            }
        } else {
            if !o.schemaNames.isEmpty {
                guard let ns = te.namespace else { return [] }
                if !Self.member(o.schemaNames, ns, touched: &touchedSchemas) { return [] }
            }
            if !o.excludeSchemaNames.isEmpty, let ns = te.namespace, o.excludeSchemaNames.contains(ns) {
                return []
            }
            if o.selectsTypes {
                switch te.desc {
                case "TABLE", "TABLE DATA", "VIEW", "FOREIGN TABLE", "MATERIALIZED VIEW",
                     "MATERIALIZED VIEW DATA", "SEQUENCE", "SEQUENCE SET", "STATISTICS DATA":
                    if !o.selectsTables { return [] }
                    if !Self.member(o.tableNames, te.tag, touched: &touchedTables) { return [] }
                case "INDEX":
                    if !o.selectsIndexes { return [] }
                    if !Self.member(o.indexNames, te.tag, touched: &touchedIndexes) { return [] }
                case "FUNCTION", "AGGREGATE", "PROCEDURE":
                    if !o.selectsFunctions { return [] }
                    if !Self.member(o.functionNames, te.tag, touched: &touchedFunctions) { return [] }
                case "TRIGGER":
                    if !o.selectsTriggers { return [] }
                    if !Self.member(o.triggerNames, te.tag, touched: &touchedTriggers) { return [] }
                default:
                    return []
                }
            }
        }

        if !te.hasData {
            let largeObjectMeta = te.tag.hasPrefix("LARGE OBJECT")
            if te.desc == "SEQUENCE SET" || te.desc == "BLOB" || te.desc == "BLOB METADATA"
                || (te.desc == "ACL" && largeObjectMeta) || (te.desc == "COMMENT" && largeObjectMeta)
                || (te.desc == "SECURITY LABEL" && largeObjectMeta) {
                res.formIntersection(.data)
            } else {
                res.subtract(.data)
            }
        }
        if (te.definition ?? "").isEmpty || te.definition!.hasPrefix("-- load via partition root ") {
            res.subtract(.schema)
        }
        if te.desc == "<Init>" && te.tag == "Max OID" { return [] }
        // pg_dump 18's statistics are neither schema nor data: -s and -a both leave them out.
        if te.desc == "STATISTICS DATA" && (o.schemaOnly || o.dataOnly) { return [] }
        if o.schemaOnly { res.formIntersection(.schema) }
        if o.dataOnly { res.formIntersection(.data) }
        return res
    }

    /// pg_restore's StrictNamesCheck: the first name given but never matched.
    func strictNamesViolation() -> RestoreError? {
        let o = options
        if let n = o.schemaNames.first(where: { !touchedSchemas.contains($0) }) { return .notFound(kind: "schema", name: n) }
        if let n = o.tableNames.first(where: { !touchedTables.contains($0) }) { return .notFound(kind: "table", name: n) }
        if let n = o.indexNames.first(where: { !touchedIndexes.contains($0) }) { return .notFound(kind: "index", name: n) }
        if let n = o.functionNames.first(where: { !touchedFunctions.contains($0) }) { return .notFound(kind: "function", name: n) }
        if let n = o.triggerNames.first(where: { !touchedTriggers.contains($0) }) { return .notFound(kind: "trigger", name: n) }
        return nil
    }
}
