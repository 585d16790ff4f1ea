// All SQL and conninfo quoting lives here so that every module quotes exactly the way pg_dump does
// (src/fe_utils/string_utils.c: fmtId, appendStringLiteral, appendStringLiteralConn,
// appendStringLiteralDQ, appendConnStrVal). Swift strings are always valid Unicode, so the
// invalid-multibyte handling of the C versions has no counterpart here; the output is UTF-8 text and
// assumes a UTF-8 client encoding.

/// Quotes an identifier with pg_dump's `fmtId` rules: it stays bare only if it starts with
/// `[a-z_]`, contains only `[a-z0-9_]`, and is not a keyword of any category other than
/// unreserved. Otherwise it is wrapped in double quotes with embedded `"` doubled.
///
/// - Parameters:
///   - forceQuotes: quote unconditionally, like pg_dump's `--quote-all-identifiers`.
///   - keywords: the keyword list of the pg_dump version being mimicked (pg_dump uses its own
///     compiled-in list, not the server's). Defaults to the newest known list.
public func quoteIdentifier(
    _ name: String, forceQuotes: Bool = false, keywords: KeywordTable = .newest
) -> String {
    if !forceQuotes && !identifierNeedsQuotes(name, keywords: keywords) {
        return name
    }
    var quoted = "\""
    quoted.reserveCapacity(name.utf8.count + 2)
    for character in name.unicodeScalars {
        if character == "\"" { quoted.unicodeScalars.append("\"") }
        quoted.unicodeScalars.append(character)
    }
    quoted.unicodeScalars.append("\"")
    return quoted
}

/// Whether `fmtId` would quote `name` (ignoring `--quote-all-identifiers`).
public func identifierNeedsQuotes(_ name: String, keywords: KeywordTable = .newest) -> Bool {
    // These checks match the identifier production in scan.l: ASCII only, no locale-aware case.
    guard let first = name.utf8.first, (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z"))
        || first == UInt8(ascii: "_")
    else { return true }
    for byte in name.utf8 {
        let isSafe = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_")
        if !isSafe { return true }
    }
    // Column-name and type/function-name keywords could sometimes stay bare, but pg_dump does not
    // try to tell those contexts apart, and neither do we.
    if let category = keywords.category(of: name), category != .unreserved {
        return true
    }
    return false
}

/// `schema.name` with each part quoted by `quoteIdentifier` (pg_dump's `fmtQualifiedId`).
/// A nil or empty schema yields just the quoted name.
public func quoteQualifiedName(
    _ schema: String?, _ name: String, forceQuotes: Bool = false, keywords: KeywordTable = .newest
) -> String {
    let quotedName = quoteIdentifier(name, forceQuotes: forceQuotes, keywords: keywords)
    guard let schema, !schema.isEmpty else { return quotedName }
    return quoteIdentifier(schema, forceQuotes: forceQuotes, keywords: keywords) + "." + quotedName
}

/// A single-quoted string literal like `appendStringLiteral` (what pg_dump writes into archives
/// through `appendStringLiteralAH`): `'` is doubled, and `\` is doubled too when the target
/// session has `standard_conforming_strings = off`. No `E` prefix is added.
public func quoteLiteral(_ value: String, standardConformingStrings: Bool = true) -> String {
    var quoted = "'"
    quoted.reserveCapacity(value.utf8.count + 2)
    for scalar in value.unicodeScalars {
        if scalar == "'" || (scalar == "\\" && !standardConformingStrings) {
            quoted.unicodeScalars.append(scalar)
        }
        quoted.unicodeScalars.append(scalar)
    }
    quoted.unicodeScalars.append("'")
    return quoted
}

/// `quoteLiteral` on raw bytes, appended to `out`: the value is copied byte for byte (a database
/// in another encoding than UTF-8 keeps its bytes), `'` doubled, and `\` doubled when
/// `standard_conforming_strings` is off. Safe byte-wise because every server encoding keeps ASCII
/// bytes out of its multibyte characters.
public func appendQuotedLiteral(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], standardConformingStrings: Bool = true) {
    out.append(UInt8(ascii: "'"))
    // Copy runs between the bytes that need doubling in one append each (most values have none).
    var start = 0
    for i in 0..<value.count {
        let byte = value[i]
        if byte == UInt8(ascii: "'") || (byte == UInt8(ascii: "\\") && !standardConformingStrings) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start...i]))
            start = i
        }
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start...]))
    out.append(UInt8(ascii: "'"))
}

/// A string literal like `appendStringLiteralConn`, which pg_dump uses for queries it sends
/// itself: a value containing a backslash becomes `E'...'` with backslashes (and quotes) doubled,
/// which reads the same whatever the server's `standard_conforming_strings`; any other value is a
/// plain `'...'` literal. Callers concatenating the result after an identifier must keep a space
/// before it (the C version inserts one), or `E'` would merge with the preceding token.
public func quoteLiteralEscapeSyntax(_ value: String) -> String {
    if value.unicodeScalars.contains("\\") {
        return "E" + quoteLiteral(value, standardConformingStrings: false)
    }
    return quoteLiteral(value, standardConformingStrings: true)
}

/// A dollar-quoted literal like `appendStringLiteralDQ`: the delimiter is `$` + `prefix`, extended
/// with characters from `_XXXXXXX` until it no longer occurs in `value` (checked without the
/// trailing `$`, since a value ending in `$foo` must not be quoted with `$foo$`).
public func dollarQuote(_ value: String, prefix: String = "") -> String {
    let suffixes: [Character] = Array("_XXXXXXX")
    var delimiter = "$" + prefix
    var next = 0
    while value.contains(delimiter) {
        delimiter.append(suffixes[next])
        next = (next + 1) % suffixes.count
    }
    delimiter += "$"
    return delimiter + value + delimiter
}

/// A libpq conninfo value like `appendConnStrVal`: bare when it is non-empty and consists only of
/// `[A-Za-z0-9_.]`, otherwise single-quoted with `'` and `\` backslash-escaped.
public func quoteConninfoValue(_ value: String) -> String {
    let needsQuotes = value.isEmpty || value.utf8.contains { byte in
        !((byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "."))
    }
    guard needsQuotes else { return value }
    var quoted = "'"
    for scalar in value.unicodeScalars {
        if scalar == "'" || scalar == "\\" { quoted.unicodeScalars.append("\\") }
        quoted.unicodeScalars.append(scalar)
    }
    quoted.unicodeScalars.append("'")
    return quoted
}
