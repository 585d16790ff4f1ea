import Foundation
import Postgres

/// Greenplum 6 partition clauses rewritten as PostgreSQL declarative partitions.
///
/// gpbackup prints a GP6 partitioned table as ONE statement: the root's CREATE TABLE followed by
/// `pg_get_partition_def(oid, true, true)`, which lists every partition (also those EVERY made)
/// with its own bounds and `WITH (tablename='<leaf>', appendonly=false, ...)`:
///
///     ) DISTRIBUTED BY (id) PARTITION BY RANGE(year) SUBPARTITION BY LIST(region)
///       (
///       START (2011) END (2012) EVERY (1) WITH (tablename='sales_1_prt_2', appendonly=false )
///               (
///               SUBPARTITION usa VALUES('usa') WITH (tablename='sales_1_prt_2_2_prt_usa', ...),
///               DEFAULT SUBPARTITION other  WITH (tablename='sales_1_prt_2_2_prt_other', ...)
///               ), ...
///       );
///
/// Each partition becomes `CREATE TABLE <leaf> PARTITION OF <parent> FOR VALUES ...` under the
/// name Greenplum gave it (`tablename`, or `<parent>_<level>_prt_<name>` when absent), so the
/// leaf-level data entries of `--leaf-partition-data` backups find their tables and root-level
/// data is routed by PostgreSQL into the same leaves Greenplum used.
public struct LegacyPartitionResult: Equatable {
    /// The root's CREATE TABLE (with `PARTITION BY` only) followed by one statement per partition.
    public var statements: [String]
    /// Partitions created (intermediate levels included).
    public var partitions: Int
    /// Greenplum storage options dropped from partition `WITH` clauses (`appendonly=false`, ...).
    public var removedOptions: [String]
}

public enum LegacyPartitionTranslation: Equatable {
    case translated(LegacyPartitionResult)
    /// The clause cannot be expressed faithfully; `flattened` is the CREATE TABLE without it (an
    /// unpartitioned table that can still take every leaf's rows), nil when even that failed.
    case unsupported(reason: String, flattened: String?)
}

extension GreenplumTranslator {
    /// nil when the statement has no Greenplum 6 partition clause.
    public static func legacyPartitioning(_ sql: String) -> LegacyPartitionTranslation? {
        LegacyPartitionParser(sql)?.translate()
    }
}

private struct Unsupported: Error { let reason: String }

private struct LegacyPartitionParser {
    let lexed: SQLTokens
    let sig: [Int]
    let depths: [Int]
    /// Token index → position in `sig`.
    let position: [Int: Int]
    /// (strategy, key group text) per level: `RANGE`, `(year)`.
    var levels: [(strategy: String, key: String)] = []
    let partitionToken: Int
    let headEnd: Int
    var specOpen = -1, specClose = -1
    var headError: String?

    init?(_ sql: String) {
        lexed = SQLTokens(sql)
        sig = lexed.significant
        depths = lexed.depths
        var map: [Int: Int] = [:]
        for (p, t) in sig.enumerated() { map[t] = p }
        position = map
        let sig = self.sig, lexed = self.lexed, depths = self.depths
        guard let byPos = sig.indices.first(where: { pos in
            depths[sig[pos]] == 0 && lexed.keyword(sig[pos]) == "PARTITION" && pos + 1 < sig.count && lexed.keyword(sig[pos + 1]) == "BY"
        }) else { return nil }
        partitionToken = sig[byPos]
        // PARTITION BY s (k) [SUBPARTITION BY s (k)]* [SUBPARTITION TEMPLATE (...)] ( spec )
        var pos = byPos
        var end = partitionToken
        while pos + 3 < sig.count, ["PARTITION", "SUBPARTITION"].contains(lexed.keyword(sig[pos])), lexed.keyword(sig[pos + 1]) == "BY" {
            let strategy = lexed.keyword(sig[pos + 2])
            guard lexed.isSymbol(sig[pos + 3], UInt8(ascii: "(")), let close = lexed.matchingParen(sig[pos + 3]), let closePos = map[close] else {
                return nil
            }
            levels.append((strategy, Self.text(lexed, sig[pos + 3], close)))
            if levels.count == 1 { end = close }
            pos = closePos + 1
        }
        headEnd = end
        // Declarative partitioning (Greenplum 7) ends here: no partition list follows the key.
        guard levels.count >= 1, pos < sig.count else { return nil }
        if lexed.keyword(sig[pos]) == "SUBPARTITION", pos + 2 < sig.count, lexed.keyword(sig[pos + 1]) == "TEMPLATE",
           let close = lexed.matchingParen(sig[pos + 2]), let closePos = map[close] {
            // pg_get_partition_def lists every subpartition explicitly; the template only matters
            // for partitions added later, which PostgreSQL has no notion of.
            pos = closePos + 1
        }
        guard pos < sig.count, lexed.isSymbol(sig[pos], UInt8(ascii: "(")), let close = lexed.matchingParen(sig[pos]) else {
            if levels.count == 1 && pos < sig.count && lexed.isSymbol(sig[pos], UInt8(ascii: ";")) { return nil }
            headError = "no partition list after the partition key"
            return
        }
        specOpen = sig[pos]
        specClose = close
        for level in levels where !["RANGE", "LIST"].contains(level.strategy) {
            headError = "partitioning strategy \(level.strategy) is not translated"
        }
    }

    static func text(_ lexed: SQLTokens, _ first: Int, _ last: Int) -> String {
        String(decoding: lexed.bytes[lexed.tokens[first].range.lowerBound..<lexed.tokens[last].range.upperBound], as: UTF8.self)
    }

    func text(_ first: Int, _ last: Int) -> String { Self.text(lexed, first, last) }

    /// Everything after the partition list (normally `;`).
    var tail: String {
        let from = specClose >= 0 ? lexed.tokens[specClose].range.upperBound : lexed.bytes.count
        let t = String(decoding: lexed.bytes[from...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? ";" : t
    }

    /// The CREATE TABLE without any partitioning.
    var flattened: String? {
        guard specClose >= 0 else { return nil }
        let head = String(decoding: lexed.bytes[0..<lexed.tokens[partitionToken].range.lowerBound], as: UTF8.self)
        return head.trimmingCharacters(in: .whitespacesAndNewlines) + tail
    }

    func translate() -> LegacyPartitionTranslation {
        if let headError { return .unsupported(reason: headError, flattened: flattened) }
        // Table name: the tokens between TABLE and the column list's `(`.
        guard let tablePos = sig.firstIndex(where: { lexed.keyword($0) == "TABLE" }),
              let openPos = sig.indices[(tablePos + 1)...].first(where: { lexed.isSymbol(sig[$0], UInt8(ascii: "(")) }) else {
            return .unsupported(reason: "cannot find the table name", flattened: nil)
        }
        let qualified = sig[(tablePos + 1)..<openPos].map { lexed.text($0) }.joined()
        let nameParts = SQLIdentifier.splitQualified(qualified)
        guard let rootQuoted = nameParts.last, !rootQuoted.isEmpty else {
            return .unsupported(reason: "cannot find the table name", flattened: nil)
        }
        let schemaPrefix = nameParts.count > 1 ? nameParts.dropLast().joined(separator: ".") + "." : ""
        var result = LegacyPartitionResult(statements: [], partitions: 0, removedOptions: [])
        do {
            let head = String(decoding: lexed.bytes[0..<lexed.tokens[headEnd].range.upperBound], as: UTF8.self)
            result.statements.append(head + tail)
            try partitions(in: specOpen, close: specClose, level: 0, parent: schemaPrefix + rootQuoted,
                           parentName: SQLIdentifier.unquote(rootQuoted), schemaPrefix: schemaPrefix, into: &result)
        } catch let error as Unsupported {
            return .unsupported(reason: error.reason, flattened: flattened)
        } catch {
            return .unsupported(reason: "\(error)", flattened: flattened)
        }
        return .translated(result)
    }

    /// Significant-token positions of the elements of the list `open ... close`, split at its commas.
    func elements(_ open: Int, _ close: Int) -> [[Int]] {
        guard let start = position[open], let end = position[close] else { return [] }
        let depth = depths[open] + 1
        var items: [[Int]] = []
        var current: [Int] = []
        for p in (start + 1)..<end {
            if depths[sig[p]] == depth && lexed.isSymbol(sig[p], UInt8(ascii: ",")) {
                items.append(current)
                current = []
            } else {
                current.append(p)
            }
        }
        if !current.isEmpty { items.append(current) }
        return items
    }

    func partitions(in open: Int, close: Int, level: Int, parent: String, parentName: String, schemaPrefix: String,
                    into result: inout LegacyPartitionResult) throws {
        let strategy = levels[level].strategy
        if strategy == "LIST" && levels[level].key.contains(",") {
            throw Unsupported(reason: "multi-column LIST partition keys have no PostgreSQL equivalent")
        }
        for item in elements(open, close) {
            var i = 0
            func kw(_ k: Int) -> String { k < item.count ? lexed.keyword(sig[item[k]]) : "" }
            func group(at k: Int) throws -> (text: String, close: Int, next: Int) {
                guard k < item.count, lexed.isSymbol(sig[item[k]], UInt8(ascii: "(")), let c = lexed.matchingParen(sig[item[k]]),
                      let cp = item.firstIndex(of: position[c] ?? -1) else {
                    throw Unsupported(reason: "unexpected text in a partition definition: \(text(sig[item[0]], sig[item.last!]))")
                }
                return (text(sig[item[k]], c), c, cp + 1)
            }
            // `COLUMN c ENCODING (...)` elements: per-column compression, Greenplum-only.
            if kw(0) == "COLUMN" { continue }
            var isDefault = false
            if kw(i) == "DEFAULT" { isDefault = true; i += 1 }
            var name: String?
            if kw(i) == "PARTITION" || kw(i) == "SUBPARTITION" {
                guard i + 1 < item.count else { throw Unsupported(reason: "partition without a name") }
                name = SQLIdentifier.unquote(lexed.text(sig[item[i + 1]]))
                i += 2
            }
            var values: String?, start: String?, end: String?, tablename: String?, tablespace: String?
            var kept: [String] = []
            var children: (open: Int, close: Int)?
            var sawEvery = false
            while i < item.count {
                switch kw(i) {
                case "VALUES":
                    let g = try group(at: i + 1); values = g.text; i = g.next
                case "START":
                    let g = try group(at: i + 1); start = g.text; i = g.next
                    if kw(i) == "INCLUSIVE" { i += 1 } else if kw(i) == "EXCLUSIVE" {
                        throw Unsupported(reason: "START ... EXCLUSIVE bounds have no PostgreSQL equivalent")
                    }
                case "END":
                    let g = try group(at: i + 1); end = g.text; i = g.next
                    if kw(i) == "EXCLUSIVE" { i += 1 } else if kw(i) == "INCLUSIVE" {
                        throw Unsupported(reason: "END ... INCLUSIVE bounds have no PostgreSQL equivalent")
                    }
                case "EVERY":
                    let g = try group(at: i + 1); sawEvery = true; i = g.next
                case "WITH":
                    let g = try group(at: i + 1)
                    for option in elements(sig[item[i + 1]], g.close) where !option.isEmpty {
                        let optionName = SQLIdentifier.unquote(lexed.text(sig[option[0]])).lowercased()
                        let optionText = text(sig[option[0]], sig[option.last!])
                        if optionName == "tablename", let last = option.last, lexed.tokens[sig[last]].kind == .string {
                            let literal = lexed.text(sig[last])
                            tablename = String(literal.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
                        } else if GreenplumTranslator.greenplumStorageOptions.contains(optionName) {
                            result.removedOptions.append(optionText)
                        } else {
                            kept.append(optionText)
                        }
                    }
                    i = g.next
                case "TABLESPACE":
                    guard i + 1 < item.count else { throw Unsupported(reason: "TABLESPACE without a name") }
                    tablespace = lexed.text(sig[item[i + 1]]); i += 2
                default:
                    if lexed.isSymbol(sig[item[i]], UInt8(ascii: "(")) {
                        let g = try group(at: i)
                        children = (sig[item[i]], g.close)
                        i = g.next
                    } else {
                        throw Unsupported(reason: "clause '\(text(sig[item[i]], sig[item.last!]))' in a partition definition is not translated")
                    }
                }
            }
            // Without tablename an EVERY clause stands for several partitions whose names and
            // bounds Greenplum computed; with it, each partition is listed on its own line.
            if sawEvery && tablename == nil {
                throw Unsupported(reason: "EVERY without per-partition table names is not translated")
            }
            guard let leafName = tablename ?? name.map({ "\(parentName)_\(level + 1)_prt_\($0)" }) else {
                throw Unsupported(reason: "unnamed partitions (named by rank in Greenplum) without a tablename are not translated")
            }
            let bound: String
            if isDefault {
                bound = "DEFAULT"
            } else if strategy == "LIST", let values {
                bound = "FOR VALUES IN \(values)"
            } else if strategy == "RANGE", start != nil || end != nil {
                bound = "FOR VALUES FROM \(start ?? "(MINVALUE)") TO \(end ?? "(MAXVALUE)")"
            } else {
                throw Unsupported(reason: "partition \(leafName) has no \(strategy == "LIST" ? "VALUES" : "START/END") bound")
            }
            let leaf = schemaPrefix + quoteIdentifier(leafName)
            var statement = "CREATE TABLE \(leaf) PARTITION OF \(parent) \(bound)"
            let hasLevelBelow = level + 1 < levels.count
            if hasLevelBelow { statement += " PARTITION BY \(levels[level + 1].strategy) \(levels[level + 1].key)" }
            if !kept.isEmpty { statement += " WITH (\(kept.joined(separator: ", ")))" }
            if let tablespace { statement += " TABLESPACE \(tablespace)" }
            result.statements.append(statement + ";")
            result.partitions += 1
            switch (hasLevelBelow, children) {
            case let (true, .some(list)):
                try partitions(in: list.open, close: list.close, level: level + 1, parent: leaf, parentName: leafName,
                               schemaPrefix: schemaPrefix, into: &result)
            case (true, nil):
                throw Unsupported(reason: "partition \(leafName) lists no subpartitions")
            case (false, .some):
                throw Unsupported(reason: "partition \(leafName) has subpartitions but no SUBPARTITION BY level")
            case (false, nil):
                break
            }
        }
    }
}
