import Postgres
import Catalog

/// What a renderer produces for one object: the TOC entry's tag, definition and drop statement,
/// and the name COMMENT / SECURITY LABEL / ACL commands use after the object type keyword.
public struct ObjectDDL: Equatable, Sendable {
    public var tag: String
    public var create: String
    public var drop: String
    public var commentName: String

    public init(tag: String, create: String, drop: String, commentName: String) {
        self.tag = tag
        self.create = create
        self.drop = drop
        self.commentName = commentName
    }
}

extension RenderContext {
    /// appendStringLiteralDQ: dollar quoting with the shortest `$_...$` tag absent from `text`.
    public func dollarQuoted(_ text: String, prefix: String = "") -> String {
        dollarQuote(text, prefix: prefix)
    }

    /// `schema.name(argtype, ...)` with the name quoted (format_function_signature, honor_quotes).
    public func functionSignature(_ f: FunctionSignature) -> String {
        id(f.schema) + "." + id(f.name) + "(" + f.argumentTypes.joined(separator: ", ") + ")"
    }
}

/// pg_dump's SplitGUCList: a GUC_LIST_QUOTE value split into its elements, double quotes removed.
public func splitGUCList(_ raw: String) -> [String] {
    var result: [String] = []
    let s = Array(raw.unicodeScalars)
    var i = 0
    func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" }
    while i < s.count, isSpace(s[i]) { i += 1 }
    if i == s.count { return [] }
    while true {
        var name = String.UnicodeScalarView()
        if s[i] == "\"" {
            i += 1
            while true {
                guard i < s.count else { return result + [String(name)] }
                if s[i] == "\"" {
                    if i + 1 < s.count, s[i + 1] == "\"" { name.append("\""); i += 2; continue }
                    i += 1
                    break
                }
                name.append(s[i])
                i += 1
            }
        } else {
            while i < s.count, s[i] != ",", !isSpace(s[i]) { name.append(s[i]); i += 1 }
        }
        result.append(String(name))
        while i < s.count, isSpace(s[i]) { i += 1 }
        if i < s.count, s[i] == "," {
            i += 1
            while i < s.count, isSpace(s[i]) { i += 1 }
        } else {
            break
        }
        if i >= s.count { break }
    }
    return result
}

/// pg_dump's variable_is_guc_list_quote.
public func gucIsListQuoted(_ name: String) -> Bool {
    ["local_preload_libraries", "search_path", "session_preload_libraries", "shared_preload_libraries",
     "temp_tablespaces", "unix_socket_directories"].contains(name.lowercased())
}
