import Foundation
import ArgumentParser
import DDL
import Postgres

/// COPY's data format options, shared by `export` and `load`.
struct CopyFormatArguments: ParsableArguments {
    @Option(name: .customLong("format"), help: "text (default), csv or binary.")
    var format = "text"
    @Option(name: .customLong("delimiter"), help: "Column separator (default: tab in text, comma in CSV).")
    var delimiter: String?
    @Option(name: .customLong("null"), help: "String that represents NULL (default: \\N in text, empty in CSV).")
    var null: String?
    @Flag(name: .customLong("header"), help: "The first line holds the column names.")
    var header = false
    @Option(name: .customLong("quote"), help: "CSV quote character (default \").")
    var quote: String?
    @Option(name: .customLong("escape"), help: "CSV escape character (default: the quote character).")
    var escape: String?
    @Option(name: .customLong("force-quote"), help: "CSV: always quote these columns (comma-separated, or *). Export only.")
    var forceQuote: String?
    @Option(name: .customLong("encoding"), help: "Encoding of the file (default: the client encoding).")
    var encoding: String?

    func options(direction: CopyDirection) throws -> CopyFormatOptions {
        guard let f = CopyFormatOptions.Format(rawValue: format.lowercased()) else {
            throw CommandFailure("invalid --format \"\(format)\" (use text, csv or binary)")
        }
        var o = CopyFormatOptions(format: f)
        o.delimiter = delimiter.map(unescapeControl)
        o.null = null
        o.header = header
        o.quote = quote
        o.escape = escape
        if let forceQuote {
            o.forceQuote = forceQuote.trimmingCharacters(in: .whitespaces) == "*"
                ? ["*"] : try parseIdentifierList(forceQuote, separator: ",")
        }
        o.encoding = encoding
        try o.validate(direction: direction)
        return o
    }
}

/// `--delimiter '\t'` as typed in a shell means a tab, as in psql's \copy.
private func unescapeControl(_ s: String) -> String {
    s == "\\t" ? "\t" : s
}

/// `--compress gzip`, `zstd`, `gzip:9`, `zstd:19`.
func parseFileCompression(_ spec: String) throws -> (name: String, level: Int?) {
    let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
    var level: Int?
    if parts.count == 2 {
        guard let n = Int(parts[1]) else { throw CommandFailure("invalid compression level in \"\(spec)\"") }
        level = n
    }
    guard ["gzip", "zstd", "none"].contains(parts.first ?? "") else {
        throw CommandFailure("invalid --compress \"\(spec)\" (use gzip[:LEVEL], zstd[:LEVEL] or none)")
    }
    if parts[0] == "gzip", let level, !(1...9).contains(level) { throw CommandFailure("gzip level must be in range 1..9") }
    if parts[0] == "zstd", let level, !(1...22).contains(level) { throw CommandFailure("zstd level must be in range 1..22") }
    return (parts[0], level)
}
