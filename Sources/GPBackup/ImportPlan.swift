import Foundation
import Postgres

/// pg_dump's archive sections.
public enum ArchiveSection: String, Equatable {
    case none, preData, data, postData
}

/// One entry of the archive to write, in pg_dump's vocabulary. Independent of the Archive module.
public struct ImportedEntry {
    public var desc: String
    public var tag: String
    /// Unquoted schema name, "" for none.
    public var namespace: String
    /// Unquoted owner role, "" if unknown.
    public var owner: String
    public var section: ArchiveSection
    public var definition: String
    public var dropStatement: String?
    /// For TABLE DATA: `COPY schema.table (cols) FROM stdin;\n`.
    public var copyStatement: String?
    /// Indices into `ImportPlan.entries`.
    public var dependencies: [Int]
    /// "" when none, never an empty quoted string.
    public var tablespace: String = ""
    public var tableAccessMethod: String = ""
    public var dataSource: TableDataSource?
    /// Where it came from: gpbackup object type and metadata.sql byte range.
    public var sourceObjectType: String
    public var sourceBytes: Range<Int64>?
}

public struct ImportPlan {
    public var entries: [ImportedEntry]
    public var report: TranslationReport
    /// From the SESSION GUCS entry (`SET client_encoding = 'UTF8';`); the data files use it too.
    public var encoding: String
    public var databaseName: String
    public var notes: [String]

    public struct Options {
        public var target: Target
        /// Include roles, resource queues/groups, tablespaces and CREATE DATABASE.
        public var withGlobals: Bool
        public init(target: Target = .postgres, withGlobals: Bool = false) {
            self.target = target
            self.withGlobals = withGlobals
        }
    }

    /// Builds the plan in the order gprestore executes: globals (only with `withGlobals`), all
    /// schemas, the rest of pre-data in toc order, table data, then post-data with primary key,
    /// unique and exclusion constraints first and foreign keys last.
    public static func build(set: BackupSet, options: Options = Options()) throws -> ImportPlan {
        let statements = try MetadataReader.read(toc: set.toc, metadataPath: set.metadataPath, statisticsPath: set.statisticsPath)
        let sources = try set.tableDataSources()
        var builder = PlanBuilder(options: options)
        builder.notes = set.notes
        builder.databaseName = SQLIdentifier.unquote(set.config.databasename ?? "")
        return builder.build(statements: statements, sources: sources)
    }
}

extension GreenplumTranslator {
    /// For tocs without `isreplicated`: the CREATE TABLE says `DISTRIBUTED REPLICATED`.
    public static func isReplicatedTableDDL(_ sql: String) -> Bool {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        let depths = lexed.depths
        return sig.indices.contains { pos in
            depths[sig[pos]] == 0 && lexed.keyword(sig[pos]) == "DISTRIBUTED" && pos + 1 < sig.count && lexed.keyword(sig[pos + 1]) == "REPLICATED"
        }
    }
}

struct PlanBuilder {
    let options: ImportPlan.Options
    var entries: [ImportedEntry] = []
    var report = TranslationReport()
    var notes: [String] = []
    var encoding = "UTF8"
    var databaseName = ""
    /// Object key (type|schema|name, quoted) → index of its entry.
    var objectIndex: [String: Int] = [:]
    /// Tables by quoted FQN → entry index.
    var tableIndex: [String: Int] = [:]
    var schemaIndex: [String: Int] = [:]
    /// Objects whose CREATE was dropped: their follow-ups go too.
    var droppedObjects: Set<String> = []
    /// Partitioned tables created unpartitioned (unquoted `schema.name`): leaf data goes into them.
    var flattenedRoots: Set<String> = []

    init(options: ImportPlan.Options) { self.options = options }

    static let globalTypes: Set<String> = ["RESOURCE QUEUE", "RESOURCE GROUP", "ROLE", "ROLE GUCS", "ROLE GRANT", "TABLESPACE",
                                           "DATABASE", "DATABASE METADATA", "DATABASE GUC"]

    mutating func build(statements: [MetadataStatement], sources: [TableDataSource]) -> ImportPlan {
        for s in statements where s.objectType == "SESSION GUCS" {
            if let match = s.sql.range(of: #"client_encoding\s*=\s*'([^']*)'"#, options: .regularExpression) {
                let text = String(s.sql[match])
                if let quote = text.firstIndex(of: "'") {
                    encoding = String(text[text.index(after: quote)...].dropLast())
                }
            }
        }
        let globals = statements.filter { $0.section == .global && $0.objectType != "SESSION GUCS" }
        if options.withGlobals {
            for s in globals { add(s, section: .preData) }
        } else if !globals.isEmpty {
            notes.append("\(globals.count) global entries (roles, resource queues/groups, tablespaces, database) left out: not requested")
        }
        let predata = statements.filter { $0.section == .predata }
        for s in predata where s.objectType == "SCHEMA" { add(s, section: .preData) }
        var deferred: [(MetadataStatement, ConstraintKind)] = []
        for s in predata where s.objectType != "SCHEMA" {
            let kind = constraintKind(s)
            if kind == .keyOrUnique || kind == .foreignKey {
                deferred.append((s, kind))
            } else {
                add(s, section: .preData)
            }
        }
        for source in sources { addData(source) }
        let postdata = statements.filter { $0.section == .postdata }
        for s in postdata where constraintKind(s) == .keyOrUnique { add(s, section: .postData) }
        for (s, kind) in deferred where kind == .keyOrUnique { add(s, section: .postData) }
        for s in postdata where constraintKind(s) == .other || constraintKind(s) == .check { add(s, section: .postData) }
        for s in postdata where constraintKind(s) == .foreignKey { add(s, section: .postData) }
        for (s, kind) in deferred where kind == .foreignKey { add(s, section: .postData) }
        let statistics = statements.filter { $0.section == .statistics }
        if !statistics.isEmpty {
            report.notes.append(TranslationNote(object: "statistics.sql", action: .dropped, what: "\(statistics.count) statistics entries",
                                                why: "they write Greenplum catalog layouts directly; run ANALYZE after loading"))
        }
        return ImportPlan(entries: entries, report: report, encoding: encoding, databaseName: databaseName, notes: notes)
    }

    enum ConstraintKind { case keyOrUnique, foreignKey, check, other }

    func constraintKind(_ s: MetadataStatement) -> ConstraintKind {
        guard s.baseObjectType == "CONSTRAINT" else { return .other }
        let lexed = SQLTokens(s.sql)
        let words = Set(lexed.significant.map { lexed.keyword($0) })
        if words.contains("FOREIGN") && words.contains("REFERENCES") { return .foreignKey }
        if words.contains("PRIMARY") || words.contains("UNIQUE") || words.contains("EXCLUDE") { return .keyOrUnique }
        return .check
    }

    static func objectKey(_ s: MetadataStatement) -> String { "\(s.baseObjectType)|\(s.schema)|\(s.name)" }

    static let descByObjectType: [String: String] = [
        "LANGUAGE": "PROCEDURAL LANGUAGE", "FOREIGN SERVER": "SERVER", "DEFAULT PRIVILEGES": "DEFAULT ACL",
        "SEQUENCE OWNER": "SEQUENCE OWNED BY", "DATABASE GUC": "DATABASE PROPERTIES", "ROLE GUCS": "ROLE PROPERTIES",
        "STATISTICS": "STATISTICS",
    ]

    /// Adds one toc entry: its statements are split into the object's own definition, a COMMENT
    /// entry, an ACL entry, and the owner field, so pg_restore's -O / --no-comments / -x apply.
    mutating func add(_ s: MetadataStatement, section: ArchiveSection) {
        let key = Self.objectKey(s)
        let objectLabel = label(s)
        if droppedObjects.contains(key) {
            if !s.sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                report.notes.append(TranslationNote(object: objectLabel, action: .dropped, what: GreenplumTranslator.firstLine(
                    s.sql.trimmingCharacters(in: .whitespacesAndNewlines)), why: "its object was dropped"))
            }
            return
        }
        var definition: [String] = []
        var comments: [String] = []
        var acl: [String] = []
        var owner: String?
        var droppedCreate = false
        for raw in SQLStatements.split(s.sql) {
            let lexed = SQLTokens(raw)
            let words = lexed.significant.prefix(4).map { lexed.keyword($0) }
            if words.first == "ALTER", let ownerName = ownerOf(lexed) {
                owner = ownerName
                continue
            }
            if words.first == "COMMENT" {
                // initdb's own comment on public; pg_dump does not dump it either.
                if s.baseObjectType == "SCHEMA" && s.unquotedName == "public" && raw.contains("'standard public schema'") { continue }
                comments.append(contentsOf: translated(raw, objectLabel))
                continue
            }
            if words.first == "GRANT" || words.first == "REVOKE" {
                acl.append(contentsOf: translated(raw, objectLabel))
                continue
            }
            let out = translated(raw, objectLabel)
            if out.isEmpty && definition.isEmpty && isCreating(words) { droppedCreate = true }
            definition.append(contentsOf: out)
        }
        if droppedCreate {
            droppedObjects.insert(key)
            return
        }
        let isPublicSchema = s.baseObjectType == "SCHEMA" && s.unquotedName == "public"
        let namespace = s.section == .global || s.baseObjectType == "SCHEMA" ? "" : s.unquotedSchema
        var objectEntry = objectIndex[key]
        let hasOwnDefinition = !definition.isEmpty || (isPublicSchema && owner != nil)
        if let index = objectEntry, !definition.isEmpty, s.baseObjectType == "TABLE", entries[index].desc == "TABLE",
           entries[index].section == section {
            // A follow-up of a table (Greenplum 7's ATTACH PARTITION, REPLICA IDENTITY) belongs
            // to the table's own entry, as pg_dump keeps it; a second TABLE entry would repeat
            // the table in listings and drops.
            entries[index].definition += definition.joined(separator: "\n") + "\n"
            if let owner { entries[index].owner = owner }
        } else if hasOwnDefinition && (objectEntry == nil || !definition.isEmpty) {
            var entry = ImportedEntry(desc: desc(s, definition: definition), tag: tag(s), namespace: namespace, owner: owner ?? "",
                                      section: section, definition: "", dropStatement: nil, copyStatement: nil, dependencies: [],
                                      sourceObjectType: s.objectType, sourceBytes: s.startByte..<s.endByte)
            if isPublicSchema && definition.isEmpty {
                entry.definition = "-- *not* creating schema, since initdb creates it\n"
                entry.dropStatement = "-- *not* dropping schema, since initdb creates it\n"
            } else {
                entry.definition = definition.joined(separator: "\n") + "\n"
                entry.dropStatement = dropStatement(s, desc: entry.desc)
            }
            entry.dependencies = baseDependencies(s)
            // A SEQUENCE entry's setval() is data in pg_dump's terms.
            if entry.desc == "SEQUENCE" {
                let (create, setval) = definition.reduce(into: ([String](), [String]())) { acc, stmt in
                    if stmt.uppercased().hasPrefix("SELECT PG_CATALOG.SETVAL") { acc.1.append(stmt) } else { acc.0.append(stmt) }
                }
                entry.definition = create.joined(separator: "\n") + "\n"
                append(entry, key: key, s: s)
                if !setval.isEmpty, let seq = objectIndex[key] {
                    entries.append(ImportedEntry(desc: "SEQUENCE SET", tag: s.unquotedName, namespace: namespace, owner: entry.owner,
                                                 section: .data, definition: setval.joined(separator: "\n") + "\n", dropStatement: nil,
                                                 copyStatement: nil, dependencies: [seq], sourceObjectType: s.objectType,
                                                 sourceBytes: s.startByte..<s.endByte))
                }
            } else {
                append(entry, key: key, s: s)
            }
            objectEntry = objectIndex[key]
        } else if let owner, let index = objectEntry {
            entries[index].owner = owner
        } else if let owner {
            notes.append("\(objectLabel): owner \(owner) has no object entry to attach to")
        }
        let ownerName = objectEntry.map { entries[$0].owner } ?? (owner ?? "")
        let deps = objectEntry.map { [$0] } ?? baseDependencies(s)
        let describedTag = "\(commentObjectKeyword(s)) \(tag(s))"
        if !comments.isEmpty {
            entries.append(ImportedEntry(desc: "COMMENT", tag: describedTag, namespace: namespace, owner: ownerName, section: .none,
                                         definition: comments.joined(separator: "\n") + "\n", dropStatement: nil, copyStatement: nil,
                                         dependencies: deps, sourceObjectType: s.objectType, sourceBytes: s.startByte..<s.endByte))
        }
        if !acl.isEmpty {
            entries.append(ImportedEntry(desc: "ACL", tag: describedTag, namespace: namespace, owner: ownerName, section: .none,
                                         definition: acl.joined(separator: "\n") + "\n", dropStatement: nil, copyStatement: nil,
                                         dependencies: deps, sourceObjectType: s.objectType, sourceBytes: s.startByte..<s.endByte))
        }
    }

    mutating func append(_ entry: ImportedEntry, key: String, s: MetadataStatement) {
        entries.append(entry)
        let index = entries.count - 1
        objectIndex[key] = index
        if s.baseObjectType == "TABLE" || s.baseObjectType == "VIEW" || s.baseObjectType == "MATERIALIZED VIEW" {
            tableIndex["\(s.schema).\(s.name)"] = index
        }
        if s.baseObjectType == "SCHEMA" { schemaIndex[s.unquotedName] = index }
    }

    mutating func addData(_ source: TableDataSource) {
        let fqn = source.qualifiedName
        let rootFQN = source.partitionRoot.isEmpty ? nil : "\(source.schema).\(source.partitionRoot)"
        var deps: [Int] = []
        if let table = tableIndex[fqn] ?? rootFQN.flatMap({ tableIndex[$0] }) {
            deps.append(table)
        } else {
            notes.append("TABLE DATA \(fqn): no CREATE TABLE in this backup's metadata (data-only backup?)")
        }
        let owner = deps.first.map { entries[$0].owner } ?? ""
        let columns = source.columns.joined(separator: ", ")
        // A leaf whose partitioned root had to be created unpartitioned: its rows go into the
        // root (pg_dump's --load-via-partition-root form: the COPY names another table).
        var copyTarget = fqn
        if let rootFQN, flattenedRoots.contains(Self.unquotedKey(rootFQN)) {
            copyTarget = quoteQualifiedName(SQLIdentifier.unquote(source.schema), SQLIdentifier.unquote(source.partitionRoot))
            notes.append("TABLE DATA \(fqn): loaded into \(rootFQN), which is created unpartitioned")
        }
        let copy = "COPY \(copyTarget) \(columns.isEmpty ? "" : "(\(columns)) ")FROM stdin;\n"
        entries.append(ImportedEntry(desc: "TABLE DATA", tag: SQLIdentifier.unquote(source.name), namespace: SQLIdentifier.unquote(source.schema),
                                     owner: owner, section: .data, definition: "", dropStatement: nil, copyStatement: copy,
                                     dependencies: deps, dataSource: source, sourceObjectType: "TABLE DATA", sourceBytes: nil))
    }

    mutating func translated(_ sql: String, _ object: String) -> [String] {
        let result = GreenplumTranslator.translate(sql, object: object, target: options.target)
        report.notes.append(contentsOf: result.notes)
        if let root = result.flattenedPartitionRoot { flattenedRoots.insert(Self.unquotedKey(root)) }
        return result.statements
    }

    /// `schema.name` with both parts unquoted, to compare names however they were quoted.
    static func unquotedKey(_ qualified: String) -> String {
        SQLIdentifier.splitQualified(qualified).map(SQLIdentifier.unquote).joined(separator: ".")
    }

    func isCreating(_ words: [String]) -> Bool {
        words.first == "CREATE" || (words.first == "ALTER" && (words.dropFirst().first == "RESOURCE"))
    }

    /// `ALTER <type> <name> OWNER TO <role>;` → role (unquoted).
    func ownerOf(_ lexed: SQLTokens) -> String? {
        let sig = lexed.significant
        guard sig.count >= 4 else { return nil }
        for pos in 0..<(sig.count - 2) where lexed.keyword(sig[pos]) == "OWNER" && lexed.keyword(sig[pos + 1]) == "TO" {
            let remaining = sig[(pos + 3)...].filter { !lexed.isSymbol($0, UInt8(ascii: ";")) }
            guard remaining.isEmpty else { return nil }
            return SQLIdentifier.unquote(lexed.text(sig[pos + 2]))
        }
        return nil
    }

    func desc(_ s: MetadataStatement, definition: [String]) -> String {
        let base = s.baseObjectType
        let first = definition.first.map { SQLTokens($0) }
        let words = first.map { lexed in lexed.significant.prefix(6).map { lexed.keyword($0) } } ?? []
        switch base {
        case "CONSTRAINT":
            switch constraintKind(s) {
            case .foreignKey: return "FK CONSTRAINT"
            case .check: return "CHECK CONSTRAINT"
            default: return "CONSTRAINT"
            }
        case "FUNCTION":
            return words.contains("PROCEDURE") ? "PROCEDURE" : "FUNCTION"
        case "TABLE":
            return words.contains("FOREIGN") ? "FOREIGN TABLE" : "TABLE"
        default:
            return Self.descByObjectType[base] ?? base
        }
    }

    /// pg_dump's tag: the unquoted name; table-scoped objects prefix the table name.
    func tag(_ s: MetadataStatement) -> String {
        switch s.baseObjectType {
        case "CONSTRAINT", "TRIGGER", "RULE", "POLICY":
            let table = SQLIdentifier.splitQualified(s.referenceObject).last.map(SQLIdentifier.unquote) ?? ""
            return table.isEmpty ? s.unquotedName : "\(table) \(s.unquotedName)"
        default:
            return s.unquotedName
        }
    }

    /// The keyword COMMENT/ACL tags use (`TABLE tableone`, `SCHEMA public`, `FUNCTION f()`).
    func commentObjectKeyword(_ s: MetadataStatement) -> String {
        switch s.baseObjectType {
        case "LANGUAGE": return "LANGUAGE"
        case "FOREIGN SERVER": return "SERVER"
        default: return s.baseObjectType
        }
    }

    func label(_ s: MetadataStatement) -> String {
        let name = s.schema.isEmpty || s.schema == s.name ? s.name : "\(s.schema).\(s.name)"
        return name.isEmpty ? s.objectType : "\(s.baseObjectType) \(name)"
    }

    /// pg_restore prints ALTER ... OWNER TO only for entries with a drop statement.
    func dropStatement(_ s: MetadataStatement, desc: String) -> String? {
        let qualified = s.schema.isEmpty || s.baseObjectType == "SCHEMA" ? s.name : "\(s.schema).\(s.name)"
        switch desc {
        case "SCHEMA", "TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "FUNCTION", "PROCEDURE", "AGGREGATE", "TYPE", "DOMAIN",
             "COLLATION", "CONVERSION", "FOREIGN TABLE", "TEXT SEARCH DICTIONARY", "TEXT SEARCH CONFIGURATION", "EXTENSION":
            return "DROP \(desc) \(qualified);\n"
        case "INDEX":
            return "DROP INDEX \(qualified);\n"
        case "CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT":
            return s.referenceObject.isEmpty ? nil : "ALTER TABLE ONLY \(s.referenceObject) DROP CONSTRAINT \(s.name);\n"
        default:
            return nil
        }
    }

    func baseDependencies(_ s: MetadataStatement) -> [Int] {
        var deps: [Int] = []
        if s.baseObjectType != "SCHEMA", !s.schema.isEmpty, let schema = schemaIndex[s.unquotedSchema] { deps.append(schema) }
        if !s.referenceObject.isEmpty, let table = tableIndex[s.referenceObject] { deps.append(table) }
        return deps
    }
}
