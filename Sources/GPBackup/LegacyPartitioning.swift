import Foundation

/// Greenplum 6 partition clauses (`PARTITION BY RANGE (c) (PARTITION a START (1) END (5), DEFAULT
/// PARTITION other)`) rewritten as PostgreSQL declarative partitions. Leaves keep Greenplum's
/// names (`<root>_1_prt_<name>`) so leaf-level data entries (`--leaf-partition-data`) still find
/// their tables. Only named partitions with explicit bounds are translated; EVERY, unnamed
/// partitions, subpartitions and inclusive/exclusive overrides are reported instead.
public enum LegacyPartitionTranslation: Equatable {
    case translated([String])
    case unsupported(String)
}

extension GreenplumTranslator {
    /// nil when the statement has no Greenplum 6 partition clause.
    public static func legacyPartitioning(_ sql: String) -> LegacyPartitionTranslation? {
        let lexed = SQLTokens(sql)
        let sig = lexed.significant
        let depths = lexed.depths
        guard let byPos = sig.indices.first(where: { pos in
            depths[sig[pos]] == 0 && lexed.keyword(sig[pos]) == "PARTITION" && pos + 1 < sig.count && lexed.keyword(sig[pos + 1]) == "BY"
        }) else { return nil }
        guard byPos + 3 < sig.count, ["RANGE", "LIST"].contains(lexed.keyword(sig[byPos + 2])),
              lexed.isSymbol(sig[byPos + 3], UInt8(ascii: "(")), let keyClose = lexed.matchingParen(sig[byPos + 3]),
              let keyClosePos = sig.firstIndex(of: keyClose) else { return nil }
        let strategy = lexed.keyword(sig[byPos + 2])
        guard keyClosePos + 1 < sig.count else { return nil }
        let afterKey = sig[keyClosePos + 1]
        if lexed.keyword(afterKey) == "SUBPARTITION" {
            return .unsupported("subpartitions need a multi-level rewrite that is not implemented")
        }
        guard lexed.isSymbol(afterKey, UInt8(ascii: "(")), let specClose = lexed.matchingParen(afterKey) else { return nil }

        // Table name: the tokens between TABLE and the column list's `(`.
        guard let tablePos = sig.firstIndex(where: { lexed.keyword($0) == "TABLE" }),
              let openPos = sig.indices[(tablePos + 1)...].first(where: { lexed.isSymbol(sig[$0], UInt8(ascii: "(")) }) else {
            return .unsupported("cannot find the table name")
        }
        let qualified = sig[(tablePos + 1)..<openPos].map { lexed.text($0) }.joined()
        let nameParts = SQLIdentifier.splitQualified(qualified)
        guard let rootQuoted = nameParts.last else { return .unsupported("cannot find the table name") }
        let schemaPrefix = nameParts.count > 1 ? nameParts.dropLast().joined(separator: ".") + "." : ""
        let rootName = SQLIdentifier.unquote(rootQuoted)

        // Partition specifications, split at depth-1 commas of the spec list.
        var items: [[Int]] = []
        var current: [Int] = []
        for k in (afterKey + 1)..<specClose {
            let kind = lexed.tokens[k].kind
            if kind == .space || kind == .comment { continue }
            if depths[k] == 1 && lexed.isSymbol(k, UInt8(ascii: ",")) {
                items.append(current)
                current = []
            } else {
                current.append(k)
            }
        }
        if !current.isEmpty { items.append(current) }

        func tokenText(_ range: ArraySlice<Int>) -> String {
            guard let first = range.first, let last = range.last else { return "" }
            return String(decoding: lexed.bytes[lexed.tokens[first].range.lowerBound..<lexed.tokens[last].range.upperBound], as: UTF8.self)
        }
        func parenGroup(_ item: [Int], at pos: Int) -> (text: String, next: Int)? {
            guard pos < item.count, lexed.isSymbol(item[pos], UInt8(ascii: "(")), let close = lexed.matchingParen(item[pos]),
                  let closePos = item.firstIndex(of: close) else { return nil }
            return (tokenText(item[pos...closePos]), closePos + 1)
        }

        let root = "\(schemaPrefix)\(rootQuoted)"
        var leaves: [String] = []
        for item in items {
            let words = item.map { lexed.keyword($0) }
            var pos = 0
            var isDefault = false
            if words.first == "DEFAULT" { isDefault = true; pos = 1 }
            guard pos + 1 < item.count, words[pos] == "PARTITION" else {
                return .unsupported("unnamed partitions (named by rank in Greenplum) are not translated")
            }
            let partName = SQLIdentifier.unquote(lexed.text(item[pos + 1]))
            pos += 2
            var bound: String
            if isDefault {
                bound = "DEFAULT"
            } else if strategy == "LIST", pos < item.count, words[pos] == "VALUES", let group = parenGroup(item, at: pos + 1) {
                bound = "FOR VALUES IN \(group.text)"
                pos = group.next
            } else if strategy == "RANGE", pos < item.count, words[pos] == "START", let start = parenGroup(item, at: pos + 1) {
                pos = start.next
                if pos < item.count && words[pos] == "INCLUSIVE" { pos += 1 }
                guard pos < item.count, words[pos] == "END", let end = parenGroup(item, at: pos + 1) else {
                    return .unsupported("range partition \(partName) without both START and END")
                }
                pos = end.next
                if pos < item.count && words[pos] == "EXCLUSIVE" { pos += 1 }
                bound = "FOR VALUES FROM \(start.text) TO \(end.text)"
            } else {
                return .unsupported("partition \(partName): only explicit START/END or VALUES bounds are translated")
            }
            guard pos == item.count else {
                return .unsupported("partition \(partName): clause '\(tokenText(item[pos...]))' is not translated")
            }
            let leaf = SQLIdentifier.quoteIfNeeded("\(rootName)_1_prt_\(partName)")
            leaves.append("CREATE TABLE \(schemaPrefix)\(leaf) PARTITION OF \(root) \(bound);")
        }
        // Everything up to the partition key, then whatever followed the spec list (normally `;`).
        let head = String(decoding: lexed.bytes[0..<lexed.tokens[keyClose].range.upperBound], as: UTF8.self)
        let tail = String(decoding: lexed.bytes[lexed.tokens[specClose].range.upperBound...], as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return .translated([head + (tail.isEmpty ? ";" : tail)] + leaves)
    }
}
