import Postgres

/// The data format options shared by `pgfunnel export` and `pgfunnel load`, rendered into the
/// parenthesised option list of `COPY` (PostgreSQL 9.0+ syntax). Pure: no server needed.
public struct CopyFormatOptions: Equatable {
    public enum Format: String, CaseIterable { case text, csv, binary }

    public var format: Format = .text
    public var delimiter: String?
    public var null: String?
    public var header = false
    public var quote: String?
    public var escape: String?
    /// Column names for FORCE_QUOTE; `["*"]` means every column. Export (COPY TO) only.
    public var forceQuote: [String] = []
    public var encoding: String?

    public init(format: Format = .text) { self.format = format }

    /// Rejects combinations the server would reject anyway, with messages that name our options.
    public func validate(direction: CopyDirection) throws {
        func fail(_ message: String) -> CopyOptionsError { CopyOptionsError(message: message) }
        if format == .binary {
            for (name, value) in [("--delimiter", delimiter), ("--null", null), ("--quote", quote), ("--escape", escape)] where value != nil {
                throw fail("\(name) cannot be used with --format binary")
            }
            if header { throw fail("--header cannot be used with --format binary") }
        }
        if format != .csv {
            if quote != nil { throw fail("--quote is only available in CSV format") }
            if escape != nil { throw fail("--escape is only available in CSV format") }
            if !forceQuote.isEmpty { throw fail("--force-quote is only available in CSV format") }
        }
        if direction == .from && !forceQuote.isEmpty { throw fail("--force-quote is only available with export") }
        if let delimiter, delimiter.utf8.count != 1 { throw fail("--delimiter must be a single one-byte character") }
        if let quote, quote.utf8.count != 1 { throw fail("--quote must be a single one-byte character") }
        if let escape, escape.utf8.count != 1 { throw fail("--escape must be a single one-byte character") }
    }

    /// ` (FORMAT csv, DELIMITER ';', ...)`, with a leading space, or "" when everything is default.
    public func renderOptionList() -> String {
        var items: [String] = []
        if format != .text { items.append("FORMAT \(format.rawValue)") }
        if let delimiter { items.append("DELIMITER \(quoteCopyLiteral(delimiter))") }
        if let null { items.append("NULL \(quoteCopyLiteral(null))") }
        if header { items.append("HEADER") }
        if let quote { items.append("QUOTE \(quoteCopyLiteral(quote))") }
        if let escape { items.append("ESCAPE \(quoteCopyLiteral(escape))") }
        if forceQuote == ["*"] {
            items.append("FORCE_QUOTE *")
        } else if !forceQuote.isEmpty {
            items.append("FORCE_QUOTE (\(forceQuote.map { quoteIdentifier($0) }.joined(separator: ", ")))")
        }
        if let encoding { items.append("ENCODING \(quoteCopyLiteral(encoding))") }
        return items.isEmpty ? "" : " (" + items.joined(separator: ", ") + ")"
    }
}

public enum CopyDirection { case to, from }

public struct CopyOptionsError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// What `pgfunnel export` copies out.
public enum CopySource: Equatable {
    /// A table (already parsed into schema and name), optional columns and WHERE expression.
    case table(schema: String?, name: String, columns: [String], whereClause: String?)
    /// An arbitrary query (SELECT, VALUES, or DML with RETURNING).
    case query(String)
}

/// `COPY ... TO STDOUT (...)` for `source`.
public func renderCopyToStatement(_ source: CopySource, options: CopyFormatOptions) -> String {
    let options = options.renderOptionList()
    switch source {
    case let .table(schema, name, columns, whereClause):
        let table = quoteQualifiedName(schema, name)
        if let whereClause {
            let list = columns.isEmpty ? "*" : columns.map { quoteIdentifier($0) }.joined(separator: ", ")
            return "COPY (SELECT \(list) FROM \(table) WHERE \(whereClause)) TO STDOUT\(options)"
        }
        return "COPY \(table)\(renderColumnList(columns)) TO STDOUT\(options)"
    case let .query(sql):
        return "COPY (\(trimQuery(sql))) TO STDOUT\(options)"
    }
}

/// `COPY table [(cols)] FROM STDIN (...)`.
public func renderCopyFromStatement(schema: String?, name: String, columns: [String], options: CopyFormatOptions) -> String {
    "COPY \(quoteQualifiedName(schema, name))\(renderColumnList(columns)) FROM STDIN\(options.renderOptionList())"
}

private func renderColumnList(_ columns: [String]) -> String {
    columns.isEmpty ? "" : " (" + columns.map { quoteIdentifier($0) }.joined(separator: ", ") + ")"
}

/// A query without surrounding whitespace and trailing semicolons (COPY (...) refuses them).
private func trimQuery(_ sql: String) -> String {
    var s = Substring(sql)
    while let last = s.last, last == ";" || last.isWhitespace { s = s.dropLast() }
    while let first = s.first, first.isWhitespace { s = s.dropFirst() }
    return String(s)
}

/// COPY option values are plain string literals; an `E''` literal is needed for backslashes
/// only when standard_conforming_strings is off, so use E'' syntax whenever one appears.
func quoteCopyLiteral(_ value: String) -> String {
    value.contains("\\") ? quoteLiteralEscapeSyntax(value) : quoteLiteral(value)
}

/// Splits a pg_dump-style name list on unquoted `separator`s and folds each part as the server
/// folds identifiers: unquoted text lowercased (ASCII), `"..."` kept verbatim with `""` as `"`.
/// `parseIdentifierList("Public.\"My.Table\"", separator: ".")` is `["public", "My.Table"]`.
public func parseIdentifierList(_ text: String, separator: Character) throws -> [String] {
    var parts: [String] = []
    var current = ""
    var inQuotes = false
    var sawAnything = false
    var chars = Array(text)[...]
    while let c = chars.popFirst() {
        if inQuotes {
            if c == "\"" {
                if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { inQuotes = false }
            } else {
                current.append(c)
            }
        } else if c == "\"" {
            inQuotes = true
            sawAnything = true
        } else if c == separator {
            guard sawAnything else { throw CopyOptionsError(message: "empty name in \"\(text)\"") }
            parts.append(current)
            current = ""
            sawAnything = false
        } else if c.isWhitespace && separator == "," {
            continue  // "a, b" is fine in a column list
        } else {
            current += c.isASCII ? c.lowercased() : String(c)
            sawAnything = true
        }
    }
    if inQuotes { throw CopyOptionsError(message: "unterminated quoted name in \"\(text)\"") }
    guard sawAnything else { throw CopyOptionsError(message: "empty name in \"\(text)\"") }
    parts.append(current)
    return parts
}

/// `-t` argument: `name` or `schema.name` (pg_dump spelling) into schema and name.
public func parseTableName(_ text: String) throws -> (schema: String?, name: String) {
    let parts = try parseIdentifierList(text, separator: ".")
    switch parts.count {
    case 1: return (nil, parts[0])
    case 2: return (parts[0], parts[1])
    default: throw CopyOptionsError(message: "improper qualified name (too many dotted names): \(text)")
    }
}
