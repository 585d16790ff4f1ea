import Foundation
import Postgres

/// Helpers for the quoted identifiers gpbackup writes (`quote_ident` output).
public enum SQLIdentifier {
    /// `"My""Name"` → `My"Name`; `plain` stays; a leading quoted part followed by more text
    /// (a function signature `"Fn"(integer)`) has only that part unquoted.
    public static func unquote(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "\"") else { return text }
        var result: [UInt8] = []
        var i = 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                    result.append(b)
                    i += 2
                    continue
                }
                result.append(contentsOf: bytes[(i + 1)...])
                return String(decoding: result, as: UTF8.self)
            }
            result.append(b)
            i += 1
        }
        return text  // unterminated quote: leave it alone
    }

    /// Splits a qualified name at dots outside double quotes: `"a.b".c` → [`"a.b"`, `c`].
    public static func splitQualified(_ text: String) -> [String] {
        var parts: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        for b in text.utf8 {
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if b == UInt8(ascii: ".") && !inQuotes {
                parts.append(String(decoding: current, as: UTF8.self))
                current = []
            } else {
                current.append(b)
            }
        }
        parts.append(String(decoding: current, as: UTF8.self))
        return parts
    }

    /// Column names of a toc `attributestring` such as `(i,"Mixed Case","a,b")`, in their quoted
    /// form. An empty string or `()` means no columns.
    public static func parseColumnList(_ attributes: String) -> [String] {
        var text = Substring(attributes.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("(") && text.hasSuffix(")") { text = text.dropFirst().dropLast() }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        var columns: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        for b in text.utf8 {
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if b == UInt8(ascii: ",") && !inQuotes {
                columns.append(String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespaces))
                current = []
            } else {
                current.append(b)
            }
        }
        columns.append(String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespaces))
        return columns
    }

    /// Quotes an identifier where PostgreSQL needs it (pg_dump's `fmtId`, from Postgres/Quoting).
    public static func quoteIfNeeded(_ name: String) -> String { quoteIdentifier(name) }
}
