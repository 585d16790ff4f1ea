/// Parses the text form of a one-dimensional PostgreSQL array ("{a,\"b c\",NULL}") the way
/// pg_dump's parsePGArray does: elements are unquoted and unescaped; NULL stays the string
/// "NULL" (pg_dump never distinguishes it in the arrays it parses: reloptions, indkey...).
public enum PostgresArray {
    public static func parse(_ text: String?) -> [String] {
        guard let text, text.hasPrefix("{"), text.hasSuffix("}"), text.count >= 2 else { return [] }
        var items: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        var sawAny = false
        for ch in text.dropFirst().dropLast() {
            if escaped { current.append(ch); escaped = false; continue }
            switch ch {
            case "\\": escaped = true
            case "\"": inQuotes.toggle(); sawAny = true
            case "," where !inQuotes:
                items.append(current); current = ""; sawAny = false
            default: current.append(ch); sawAny = true
            }
        }
        if sawAny || !items.isEmpty { items.append(current) }
        return items
    }

    /// An int2vector / oidvector's text form ("1 3 0").
    public static func parseVector(_ text: String?) -> [Int] {
        (text ?? "").split(separator: " ").compactMap { Int($0) }
    }
}

/// A catalog query failed or returned something pg_dump would also reject.
public struct CatalogQueryError: Error, CustomStringConvertible {
    public var what: String
    public var underlying: Error?
    public init(_ what: String, underlying: Error? = nil) {
        self.what = what
        self.underlying = underlying
    }
    public var description: String {
        underlying.map { "\(what): \($0)" } ?? what
    }
}
