import Foundation

/// A minimal SQL tokenizer: enough to find clauses outside string literals, quoted identifiers,
/// dollar-quoted bodies and comments, so rewrites never touch function bodies or data.
struct SQLToken {
    enum Kind { case space, comment, word, quotedIdentifier, string, dollarString, number, symbol }
    var kind: Kind
    var range: Range<Int>
}

struct SQLTokens {
    let bytes: [UInt8]
    let tokens: [SQLToken]

    init(_ text: String) {
        bytes = Array(text.utf8)
        tokens = SQLTokens.tokenize(bytes)
    }

    func text(_ index: Int) -> String {
        String(decoding: bytes[tokens[index].range], as: UTF8.self)
    }

    /// Upper-cased text of a word token ("" for other kinds), for keyword comparisons.
    func keyword(_ index: Int) -> String {
        guard index >= 0, index < tokens.count, tokens[index].kind == .word else { return "" }
        return text(index).uppercased()
    }

    func isSymbol(_ index: Int, _ symbol: UInt8) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].kind == .symbol && bytes[tokens[index].range.lowerBound] == symbol
    }

    /// Indices of the tokens that are not whitespace or comments.
    var significant: [Int] {
        tokens.indices.filter { tokens[$0].kind != .space && tokens[$0].kind != .comment }
    }

    /// Parenthesis depth before each token.
    var depths: [Int] {
        var result: [Int] = []
        result.reserveCapacity(tokens.count)
        var depth = 0
        for index in tokens.indices {
            if isSymbol(index, UInt8(ascii: ")")) { depth = max(0, depth - 1) }
            result.append(depth)
            if isSymbol(index, UInt8(ascii: "(")) { depth += 1 }
        }
        return result
    }

    /// Index of the `)` matching the `(` at `open`, or nil.
    func matchingParen(_ open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.count {
            if isSymbol(index, UInt8(ascii: "(")) { depth += 1 }
            if isSymbol(index, UInt8(ascii: ")")) {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    /// The text with token ranges removed; whitespace directly before a removed range goes too.
    func removing(_ removals: [ClosedRange<Int>], replacements: [Int: String] = [:]) -> String {
        var drop = Set<Int>()
        for r in removals {
            for i in r { drop.insert(i) }
            var j = r.lowerBound - 1
            while j >= 0, tokens[j].kind == .space { drop.insert(j); j -= 1 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for index in tokens.indices where !drop.contains(index) {
            if let replacement = replacements[index] {
                out.append(contentsOf: replacement.utf8)
            } else {
                out.append(contentsOf: bytes[tokens[index].range])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x24 || b >= 0x80
    }

    private static func tokenize(_ s: [UInt8]) -> [SQLToken] {
        var tokens: [SQLToken] = []
        var i = 0
        let n = s.count
        func at(_ k: Int) -> UInt8 { k < n ? s[k] : 0 }
        while i < n {
            let start = i
            let b = s[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C {
                while i < n, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(s[i]) { i += 1 }
                tokens.append(SQLToken(kind: .space, range: start..<i))
            } else if b == UInt8(ascii: "-") && at(i + 1) == UInt8(ascii: "-") {
                while i < n, s[i] != 0x0A { i += 1 }
                tokens.append(SQLToken(kind: .comment, range: start..<i))
            } else if b == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: "*") {
                var depth = 0
                repeat {
                    if at(i) == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: "*") { depth += 1; i += 2 }
                    else if at(i) == UInt8(ascii: "*") && at(i + 1) == UInt8(ascii: "/") { depth -= 1; i += 2 }
                    else { i += 1 }
                } while depth > 0 && i < n
                tokens.append(SQLToken(kind: .comment, range: start..<min(i, n)))
            } else if b == UInt8(ascii: "'") || ((b == UInt8(ascii: "E") || b == UInt8(ascii: "e")) && at(i + 1) == UInt8(ascii: "'")) {
                let backslashEscapes = b != UInt8(ascii: "'")
                i += backslashEscapes ? 2 : 1
                while i < n {
                    if backslashEscapes && s[i] == UInt8(ascii: "\\") { i += 2; continue }
                    if s[i] == UInt8(ascii: "'") {
                        if at(i + 1) == UInt8(ascii: "'") { i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
                tokens.append(SQLToken(kind: .string, range: start..<min(i, n)))
            } else if b == UInt8(ascii: "\"") {
                i += 1
                while i < n {
                    if s[i] == UInt8(ascii: "\"") {
                        if at(i + 1) == UInt8(ascii: "\"") { i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
                tokens.append(SQLToken(kind: .quotedIdentifier, range: start..<min(i, n)))
            } else if b == UInt8(ascii: "$"), let tagEnd = dollarTagEnd(s, from: i) {
                let tag = Array(s[i...tagEnd])
                i = tagEnd + 1
                var closed = false
                while i < n {
                    if s[i] == UInt8(ascii: "$") && i + tag.count <= n && Array(s[i..<(i + tag.count)]) == tag {
                        i += tag.count
                        closed = true
                        break
                    }
                    i += 1
                }
                if !closed { i = n }
                tokens.append(SQLToken(kind: .dollarString, range: start..<i))
            } else if b >= 0x30 && b <= 0x39 {
                while i < n, (s[i] >= 0x30 && s[i] <= 0x39) || s[i] == UInt8(ascii: ".") { i += 1 }
                tokens.append(SQLToken(kind: .number, range: start..<i))
            } else if isWordByte(b) {
                while i < n, isWordByte(s[i]) { i += 1 }
                tokens.append(SQLToken(kind: .word, range: start..<i))
            } else {
                i += 1
                tokens.append(SQLToken(kind: .symbol, range: start..<i))
            }
        }
        return tokens
    }

    /// `$tag$` or `$$` starting at `i`: index of the closing `$` of the opening tag.
    private static func dollarTagEnd(_ s: [UInt8], from i: Int) -> Int? {
        var k = i + 1
        while k < s.count {
            let c = s[k]
            if c == UInt8(ascii: "$") { return k }
            let isTagByte = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c >= 0x80 || (k > i + 1 && c >= 0x30 && c <= 0x39)
            if !isTagByte { return nil }
            k += 1
        }
        return nil
    }
}

public enum SQLStatements {
    /// Splits SQL text into statements at top-level semicolons (each returned trimmed, with its
    /// `;`). Comments and blank lines between statements are dropped.
    public static func split(_ text: String) -> [String] {
        let lexed = SQLTokens(text)
        var statements: [String] = []
        var current: [UInt8] = []
        var hasContent = false
        for (index, token) in lexed.tokens.enumerated() {
            if !hasContent && (token.kind == .space || token.kind == .comment) { continue }
            current.append(contentsOf: lexed.bytes[token.range])
            if token.kind != .space && token.kind != .comment { hasContent = true }
            if lexed.isSymbol(index, UInt8(ascii: ";")) {
                statements.append(String(decoding: current, as: UTF8.self))
                current = []
                hasContent = false
            }
        }
        let rest = String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if hasContent && !rest.isEmpty { statements.append(rest) }
        return statements
    }
}
