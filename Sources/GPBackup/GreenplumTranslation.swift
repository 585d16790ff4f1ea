import Foundation

/// What the imported SQL must run on.
public enum Target: String, Equatable {
    /// Plain PostgreSQL: Greenplum-only syntax is rewritten or dropped.
    case postgres
    /// Greenplum: the statements are kept as gpbackup wrote them.
    case greenplum
}

public struct TranslationNote: Equatable, CustomStringConvertible {
    public enum Action: String, Equatable {
        case rewritten
        case dropped
        /// Left as written although PostgreSQL will reject it: no faithful rewrite exists here.
        case untranslated
    }
    /// The object concerned, e.g. `TABLE schemaone.tableone`.
    public var object: String
    public var action: Action
    public var what: String
    public var why: String

    public init(object: String, action: Action, what: String, why: String) {
        self.object = object; self.action = action; self.what = what; self.why = why
    }

    public var description: String { "\(object): \(action.rawValue) \(what) (\(why))" }
}

public struct TranslationReport: Equatable {
    public var notes: [TranslationNote] = []
    public init(notes: [TranslationNote] = []) { self.notes = notes }
}

/// The result of translating one statement: nil SQL means the statement is dropped; several
/// statements can come out of one (legacy partitioning).
public struct StatementTranslation: Equatable {
    public var statements: [String]
    public var notes: [TranslationNote]
    /// Set when a partitioned table had to be created unpartitioned: its name as written in the
    /// statement (`schema.name`, quoted), so leaf data can be loaded into it instead.
    public var flattenedPartitionRoot: String? = nil
}

/// Small pure rewrites of Greenplum statement text for a plain PostgreSQL server. Every function
/// works on tokens, so string literals, quoted names and function bodies are never changed.
public enum GreenplumTranslator {
    /// Translates one statement (as split by `SQLStatements.split`).
    public static func translate(_ statement: String, object: String, target: Target) -> StatementTranslation {
        guard target == .postgres else { return StatementTranslation(statements: [statement], notes: []) }
        if let reason = reasonToDrop(statement) {
            return StatementTranslation(statements: [], notes: [
                TranslationNote(object: object, action: .dropped, what: firstLine(statement), why: reason),
            ])
        }
        var sql = statement
        var notes: [TranslationNote] = []
        func note(_ action: TranslationNote.Action, _ what: String, _ why: String) {
            notes.append(TranslationNote(object: object, action: action, what: what, why: why))
        }
        let kind = statementKind(sql)
        switch kind {
        case .createTable, .createMaterializedView:
            if let (out, removed) = stripDistribution(sql) {
                sql = out
                note(.rewritten, "removed \(removed)", "PostgreSQL has no distribution policy")
            }
            if let (out, removed) = stripStorageOptions(sql) {
                sql = out
                note(.rewritten, "removed storage options \(removed.joined(separator: ", "))",
                     "append-optimized/column storage and OIDs are Greenplum-only; the table becomes a heap table")
            }
            if let (out, count) = stripColumnEncodings(sql) {
                sql = out
                note(.rewritten, "removed \(count) column ENCODING clause(s)", "per-column compression is Greenplum-only")
            }
            if let (out, method) = stripAccessMethod(sql) {
                sql = out
                note(.rewritten, "removed USING \(method)", "the append-optimized access methods do not exist in PostgreSQL")
            }
            if kind == .createTable, let legacy = legacyPartitioning(sql) {
                switch legacy {
                case let .translated(result):
                    note(.rewritten, "legacy PARTITION BY clause into declarative partitioning (\(result.partitions) partitions)",
                         "PostgreSQL rejects Greenplum 6 partition syntax")
                    if !result.removedOptions.isEmpty {
                        note(.rewritten, "removed partition storage options \(result.removedOptions.joined(separator: ", "))",
                             "append-optimized/column storage is Greenplum-only; the partitions become heap tables")
                    }
                    return StatementTranslation(statements: result.statements, notes: notes)
                case let .unsupported(reason, flattened):
                    guard let flattened else {
                        note(.untranslated, "legacy PARTITION BY clause", reason)
                        break
                    }
                    // Better an unpartitioned table holding every row than no table at all.
                    note(.rewritten, "removed the legacy PARTITION BY clause: the table is created unpartitioned and every leaf's rows are loaded into it",
                         reason)
                    return StatementTranslation(statements: [flattened], notes: notes, flattenedPartitionRoot: partitionedTableName(sql))
                }
            }
        case .createRole, .alterRole:
            if let (out, removed) = stripRoleOptions(sql) {
                sql = out
                if isEmptyAlterRole(sql) {
                    return StatementTranslation(statements: [], notes: [
                        TranslationNote(object: object, action: .dropped, what: firstLine(statement),
                                        why: "only Greenplum role options (\(removed.joined(separator: ", ")))"),
                    ])
                }
                note(.rewritten, "removed role options \(removed.joined(separator: ", "))",
                     "resource queues/groups and external-table privileges are Greenplum-only; the other options are kept")
            }
        case .createFunction:
            if let (out, removed) = stripFunctionAttributes(sql) {
                sql = out
                note(.rewritten, "removed function attribute(s) \(removed.joined(separator: ", "))",
                     "Greenplum-only function attributes; the body is unchanged")
            }
        case .createAggregate:
            if let out = renamePrefunc(sql) {
                sql = out
                note(.rewritten, "PREFUNC renamed to COMBINEFUNC", "PREFUNC is the Greenplum 5 name of the combine function")
            }
        case .createIndex:
            if let out = replaceBitmapIndex(sql) {
                sql = out
                note(.rewritten, "USING bitmap replaced by USING btree", "PostgreSQL has no bitmap index access method")
            }
        case .createTablespace:
            if let (out, removed) = stripStorageOptions(sql, segmentLocations: true) {
                sql = out
                note(.rewritten, "removed per-segment locations \(removed.joined(separator: ", "))", "PostgreSQL has one location per tablespace")
            }
        case .other:
            break
        }
        return StatementTranslation(statements: [sql], notes: notes)
    }

    /// `schema.name` of a CREATE TABLE, as written (quoted where the statement quotes it).
    static func partitionedTableName(_ sql: String) -> String? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        guard let tablePos = sig.firstIndex(where: { lexed.keyword($0) == "TABLE" }),
              let openPos = sig.indices[(tablePos + 1)...].first(where: { lexed.isSymbol(sig[$0], UInt8(ascii: "(")) }) else { return nil }
        return sig[(tablePos + 1)..<openPos].map { lexed.text($0) }.joined()
    }

    // MARK: - Statement kinds

    enum StatementKind { case createTable, createMaterializedView, createRole, alterRole, createFunction, createAggregate, createIndex, createTablespace, other }

    static func leadingKeywords(_ lexed: SQLTokens, count: Int = 8) -> [String] {
        lexed.significant.prefix(count).map { lexed.keyword($0) }
    }

    static func statementKind(_ sql: String) -> StatementKind {
        var words = leadingKeywords(SQLTokens(sql))
        guard words.first == "CREATE" || words.first == "ALTER" else { return .other }
        let verb = words.removeFirst()
        if words.starts(with: ["OR", "REPLACE"]) { words.removeFirst(2) }
        while let w = words.first, ["UNLOGGED", "TEMP", "TEMPORARY", "GLOBAL", "LOCAL", "UNIQUE", "TRUSTED"].contains(w) { words.removeFirst() }
        let noun = words.first ?? ""
        switch (verb, noun) {
        case ("CREATE", "TABLE"): return .createTable
        case ("CREATE", "MATERIALIZED"): return .createMaterializedView
        case ("CREATE", "ROLE"), ("CREATE", "USER"), ("CREATE", "GROUP"): return .createRole
        case ("ALTER", "ROLE"), ("ALTER", "USER"): return .alterRole
        case ("CREATE", "FUNCTION"), ("CREATE", "PROCEDURE"): return .createFunction
        case ("CREATE", "AGGREGATE"): return .createAggregate
        case ("CREATE", "INDEX"): return .createIndex
        case ("CREATE", "TABLESPACE"): return .createTablespace
        default: return .other
        }
    }

    /// Names of settings only Greenplum knows (a `SET` of them fails on PostgreSQL).
    public static func isGreenplumSetting(_ name: String) -> Bool {
        let lower = SQLIdentifier.unquote(name).lowercased()
        return lower.hasPrefix("gp_") || lower == "optimizer" || lower.hasPrefix("optimizer_")
            || ["resource_scheduler", "resource_select_only", "statement_mem", "max_statement_mem", "memory_spill_ratio",
                "gp_default_storage_options", "dtx_phase2_retry_count", "pljava_classpath", "pljava_vmoptions"].contains(lower)
    }

    /// Why a whole statement has no PostgreSQL equivalent, or nil.
    public static func reasonToDrop(_ sql: String) -> String? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        let w = sig.prefix(10).map { lexed.keyword($0) }
        func word(_ i: Int) -> String { i < w.count ? w[i] : "" }
        if ["CREATE", "ALTER", "DROP"].contains(word(0)) && word(1) == "RESOURCE" && ["QUEUE", "GROUP"].contains(word(2)) {
            return "resource \(word(2).lowercased())s are Greenplum workload management"
        }
        if word(0) == "CREATE" || word(0) == "ALTER" || word(0) == "DROP" {
            var k = 1
            while ["READABLE", "WRITABLE"].contains(word(k)) { k += 1 }
            if word(k) == "EXTERNAL" { return "external tables are Greenplum-only" }
            if word(1) == "PROTOCOL" || (word(1) == "TRUSTED" && word(2) == "PROTOCOL") { return "custom external-table protocols are Greenplum-only" }
        }
        if word(0) == "CREATE" && word(1) == "TABLESPACE" && w.contains("FILESPACE") {
            return "filespaces do not exist in PostgreSQL"
        }
        if word(0) == "SET" || word(0) == "RESET" {
            var k = 1
            if ["SESSION", "LOCAL"].contains(word(k)) { k += 1 }
            if k < sig.count, isGreenplumSetting(lexed.text(sig[k])) { return "Greenplum-only setting" }
        }
        if word(0) == "ALTER" && ["DATABASE", "ROLE", "USER"].contains(word(1)) {
            // ALTER DATABASE d SET x / ALTER ROLE r [IN DATABASE d] SET x
            for (pos, k) in w.enumerated() where k == "SET" || k == "RESET" {
                if pos + 1 < sig.count, lexed.tokens[sig[pos + 1]].kind == .word || lexed.tokens[sig[pos + 1]].kind == .quotedIdentifier,
                   isGreenplumSetting(lexed.text(sig[pos + 1])) {
                    return "Greenplum-only setting"
                }
                break
            }
            if word(1) != "DATABASE" && (word(3) == "DENY" || (word(3) == "DROP" && word(4) == "DENY")) {
                return "time-based login restrictions (DENY) are Greenplum-only"
            }
        }
        if word(0) == "ALTER" && word(1) == "TABLE" {
            for (pos, k) in w.enumerated() where pos + 1 < w.count {
                if k == "SET" && (w[pos + 1] == "DISTRIBUTED" || w[pos + 1] == "SUBPARTITION") {
                    return "Greenplum distribution/partition template changes have no PostgreSQL equivalent"
                }
                if k == "EXPAND" && w[pos + 1] == "TABLE" { return "Greenplum cluster expansion" }
                if k == "EXCHANGE" && w[pos + 1] == "PARTITION" {
                    return "exchanging in an external leaf partition is Greenplum-only; the leaf stays an empty partition"
                }
            }
        }
        // gpbackup's EXCHANGE PARTITION entries drop the external table they swapped in.
        if word(0) == "DROP" && word(1) == "TABLE", let last = sig.last(where: { !lexed.isSymbol($0, UInt8(ascii: ";")) }),
           SQLIdentifier.unquote(lexed.text(last)).hasSuffix("_ext_part_") {
            return "the external leaf partition it drops is not created for PostgreSQL"
        }
        return nil
    }

    // MARK: - Clause rewrites (each returns nil when there is nothing to change)

    /// Removes `DISTRIBUTED BY (...)`, `DISTRIBUTED RANDOMLY`, `DISTRIBUTED REPLICATED`.
    public static func stripDistribution(_ sql: String) -> (String, String)? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        let depths = lexed.depths
        for (pos, index) in sig.enumerated() where depths[index] == 0 && lexed.keyword(index) == "DISTRIBUTED" && pos + 1 < sig.count {
            let next = sig[pos + 1]
            var end: Int?
            switch lexed.keyword(next) {
            case "RANDOMLY", "REPLICATED": end = next
            case "BY":
                if pos + 2 < sig.count, lexed.isSymbol(sig[pos + 2], UInt8(ascii: "(")) { end = lexed.matchingParen(sig[pos + 2]) }
            default: break
            }
            guard let last = end else { continue }
            let removed = String(decoding: lexed.bytes[lexed.tokens[index].range.lowerBound..<lexed.tokens[last].range.upperBound], as: UTF8.self)
            return (lexed.removing([index...last]), removed)
        }
        return nil
    }

    static let greenplumStorageOptions: Set<String> = [
        "appendonly", "appendoptimized", "orientation", "compresstype", "compresslevel", "blocksize", "checksum", "oids",
    ]

    /// Removes Greenplum storage options from a top-level `WITH (...)` (keeping others such as
    /// fillfactor), and `WITH OIDS`. With `segmentLocations`, removes tablespace `contentN` options.
    public static func stripStorageOptions(_ sql: String, segmentLocations: Bool = false) -> (String, [String])? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        let depths = lexed.depths
        for (pos, index) in sig.enumerated() where depths[index] == 0 && lexed.keyword(index) == "WITH" && pos + 1 < sig.count {
            let next = sig[pos + 1]
            if !segmentLocations && lexed.keyword(next) == "OIDS" {
                return (lexed.removing([index...next]), ["OIDS"])
            }
            guard lexed.isSymbol(next, UInt8(ascii: "(")), let close = lexed.matchingParen(next) else { continue }
            // Split the option list at depth-1 commas.
            var items: [(range: Range<Int>, name: String)] = []
            var itemStart = next + 1
            for k in (next + 1)...close {
                if k == close || (depths[k] == 1 && lexed.isSymbol(k, UInt8(ascii: ","))) {
                    let firstWord = (itemStart..<k).first { lexed.tokens[$0].kind == .word || lexed.tokens[$0].kind == .quotedIdentifier }
                    items.append((itemStart..<k, firstWord.map { SQLIdentifier.unquote(lexed.text($0)).lowercased() } ?? ""))
                    itemStart = k + 1
                }
            }
            func isGreenplumOption(_ name: String) -> Bool {
                if segmentLocations {
                    return name.hasPrefix("content") && BackupFileKind.isDigits(String(name.dropFirst("content".count)))
                }
                return greenplumStorageOptions.contains(name)
            }
            let removed = items.filter { isGreenplumOption($0.name) }
            guard !removed.isEmpty else { continue }
            let removedText = removed.map { r in
                String(decoding: lexed.bytes[lexed.tokens[r.range.lowerBound].range.lowerBound..<lexed.tokens[r.range.upperBound - 1].range.upperBound], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let kept = items.filter { !isGreenplumOption($0.name) }.map { r in
                String(decoding: lexed.bytes[lexed.tokens[r.range.lowerBound].range.lowerBound..<lexed.tokens[r.range.upperBound - 1].range.upperBound], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if kept.isEmpty {
                return (lexed.removing([index...close]), removedText)
            }
            return (lexed.removing([(index + 1)...close], replacements: [index: "WITH (" + kept.joined(separator: ", ") + ")"]), removedText)
        }
        return nil
    }

    /// Removes column `ENCODING (...)` clauses and `COLUMN c ENCODING (...)` /
    /// `DEFAULT COLUMN ENCODING (...)` elements of a column list.
    public static func stripColumnEncodings(_ sql: String) -> (String, Int)? {
        let lexed = SQLTokens(sql)
        let depths = lexed.depths
        var removals: [ClosedRange<Int>] = []
        var index = 0
        while index < lexed.tokens.count {
            defer { index += 1 }
            guard depths[index] == 1, lexed.keyword(index) == "ENCODING" else { continue }
            guard let open = ((index + 1)..<lexed.tokens.count).first(where: { lexed.tokens[$0].kind != .space && lexed.tokens[$0].kind != .comment }),
                  lexed.isSymbol(open, UInt8(ascii: "(")), let close = lexed.matchingParen(open) else { continue }
            // Find where this column-list element starts.
            var elementStart = index
            while elementStart > 0 {
                let prev = elementStart - 1
                if (depths[prev] == 1 && lexed.isSymbol(prev, UInt8(ascii: ","))) || (depths[prev] == 0 && lexed.isSymbol(prev, UInt8(ascii: "("))) { break }
                elementStart = prev
            }
            let firstWord = (elementStart..<index).first { lexed.tokens[$0].kind == .word }.map { lexed.keyword($0) }
            if firstWord == "COLUMN" || firstWord == "DEFAULT" {
                // The whole element goes, with the comma before it (or after it, when first).
                let before = elementStart - 1
                if lexed.isSymbol(before, UInt8(ascii: ",")) {
                    removals.append(before...close)
                } else if let comma = ((close + 1)..<lexed.tokens.count).first(where: { lexed.tokens[$0].kind != .space }),
                          lexed.isSymbol(comma, UInt8(ascii: ",")) {
                    removals.append(elementStart...comma)
                } else {
                    removals.append(elementStart...close)
                }
            } else {
                removals.append(index...close)
            }
            index = close
        }
        return removals.isEmpty ? nil : (lexed.removing(removals), removals.count)
    }

    /// Removes `USING ao_row|ao_column` (Greenplum 7 access methods).
    public static func stripAccessMethod(_ sql: String) -> (String, String)? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        let depths = lexed.depths
        for (pos, index) in sig.enumerated() where depths[index] == 0 && lexed.keyword(index) == "USING" && pos + 1 < sig.count {
            let method = SQLIdentifier.unquote(lexed.text(sig[pos + 1])).lowercased()
            if ["ao_row", "ao_column", "appendoptimized"].contains(method) {
                return (lexed.removing([index...sig[pos + 1]]), method)
            }
        }
        return nil
    }

    /// `CREATE INDEX ... USING bitmap` → `USING btree`.
    public static func replaceBitmapIndex(_ sql: String) -> String? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        for (pos, index) in sig.enumerated() where lexed.keyword(index) == "USING" && pos + 1 < sig.count && lexed.keyword(sig[pos + 1]) == "BITMAP" {
            return lexed.removing([], replacements: [sig[pos + 1]: "btree"])
        }
        return nil
    }

    /// Removes `RESOURCE QUEUE q`, `RESOURCE GROUP g`, `[NO]CREATEEXTTABLE [(...)]` from role statements.
    public static func stripRoleOptions(_ sql: String) -> (String, [String])? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        var removals: [ClosedRange<Int>] = []
        var removed: [String] = []
        var pos = 0
        while pos < sig.count {
            let index = sig[pos]
            let word = lexed.keyword(index)
            if word == "RESOURCE", pos + 2 < sig.count, ["QUEUE", "GROUP"].contains(lexed.keyword(sig[pos + 1])) {
                removals.append(index...sig[pos + 2])
                removed.append("RESOURCE \(lexed.keyword(sig[pos + 1])) \(lexed.text(sig[pos + 2]))")
                pos += 3
                continue
            }
            if word == "CREATEEXTTABLE" || word == "NOCREATEEXTTABLE" {
                var last = index
                if pos + 1 < sig.count, lexed.isSymbol(sig[pos + 1], UInt8(ascii: "(")), let close = lexed.matchingParen(sig[pos + 1]) {
                    last = close
                }
                removals.append(index...last)
                removed.append(String(decoding: lexed.bytes[lexed.tokens[index].range.lowerBound..<lexed.tokens[last].range.upperBound], as: UTF8.self))
                pos = (sig.firstIndex(of: last) ?? pos) + 1
                continue
            }
            pos += 1
        }
        return removals.isEmpty ? nil : (lexed.removing(removals), removed)
    }

    /// True for `ALTER ROLE r [WITH];`: nothing left to do after removing options.
    static func isEmptyAlterRole(_ sql: String) -> Bool {
        let lexed = SQLTokens(sql)
        let words = lexed.significant.map { lexed.tokens[$0].kind == .symbol ? lexed.text($0) : lexed.keyword($0) }
        guard words.count >= 3, words[0] == "ALTER", ["ROLE", "USER"].contains(words[1]) else { return false }
        let rest = words.dropFirst(3).filter { $0 != ";" }
        return rest.isEmpty || rest == ["WITH"]
    }

    /// Removes `NO SQL`, `CONTAINS SQL`, `READS SQL DATA`, `MODIFIES SQL DATA`, `EXECUTE ON ...`.
    public static func stripFunctionAttributes(_ sql: String) -> (String, [String])? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        let depths = lexed.depths
        var removals: [ClosedRange<Int>] = []
        var removed: [String] = []
        func words(_ pos: Int, _ n: Int) -> [String] { (pos..<min(pos + n, sig.count)).map { lexed.keyword(sig[$0]) } }
        var pos = 0
        while pos < sig.count {
            let index = sig[pos]
            guard depths[index] == 0 else { pos += 1; continue }
            var length = 0
            if words(pos, 2) == ["NO", "SQL"] || words(pos, 2) == ["CONTAINS", "SQL"] { length = 2 }
            else if words(pos, 3) == ["READS", "SQL", "DATA"] || words(pos, 3) == ["MODIFIES", "SQL", "DATA"] { length = 3 }
            else if words(pos, 2) == ["EXECUTE", "ON"] {
                let target = words(pos + 2, 2)
                if target.first.map({ ["MASTER", "COORDINATOR", "ANY", "INITPLAN"].contains($0) }) == true { length = 3 }
                else if target == ["ALL", "SEGMENTS"] { length = 4 }
            }
            if length > 0 {
                removals.append(index...sig[pos + length - 1])
                removed.append(words(pos, length).joined(separator: " "))
                pos += length
            } else {
                pos += 1
            }
        }
        return removals.isEmpty ? nil : (lexed.removing(removals), removed)
    }

    /// `CREATE AGGREGATE ... (PREFUNC = f)` → `COMBINEFUNC = f`.
    public static func renamePrefunc(_ sql: String) -> String? {
        let lexed = SQLTokens(sql)
        let depths = lexed.depths
        guard let index = lexed.tokens.indices.first(where: { depths[$0] == 1 && lexed.keyword($0) == "PREFUNC" }) else { return nil }
        return lexed.removing([], replacements: [index: "COMBINEFUNC"])
    }

    static func firstLine(_ sql: String) -> String {
        let line = sql.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? sql
        return line.count > 120 ? String(line.prefix(117)) + "..." : line
    }
}
