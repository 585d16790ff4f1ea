import Archive
import Foundation

/// A use-list (-L): the lines of a `pg_restore -l` listing, possibly edited. Each line that starts
/// with a dump id selects that entry and places it after the ones selected before it; text after
/// ';' is a comment.
struct UseList {
    let orderedIds: [Int]
    let ignoredLines: [String]

    /// Parses `text` against an archive whose largest dump id is `maxDumpId`.
    init(text: String, maxDumpId: Int, knownIds: Set<Int>, fileName: String) throws {
        var ids: [Int] = []
        var seen = Set<Int>()
        var ignored: [String] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            if let semicolon = line.firstIndex(of: ";") { line = line[..<semicolon] }
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            // strtol: optional leading white space, optional sign, digits.
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            var digits = Substring(trimmed)
            var negative = false
            if let f = digits.first, f == "+" || f == "-" { negative = f == "-"; digits = digits.dropFirst() }
            let number = digits.prefix(while: { $0.isASCII && $0.isNumber })
            guard !number.isEmpty, let value = Int(number.prefix(18)), !negative, value > 0, value <= maxDumpId,
                  !seen.contains(value)
            else {
                ignored.append(String(line))
                continue
            }
            guard knownIds.contains(value) else {
                throw RestoreError.useList(file: fileName, detail: "could not find entry for ID \(value)")
            }
            seen.insert(value)
            ids.append(value)
        }
        orderedIds = ids
        ignoredLines = ignored
    }

    static func load(path: String, maxDumpId: Int, knownIds: Set<Int>) throws -> UseList {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RestoreError.useList(file: path, detail: "could not open TOC file \"\(path)\": \(String(cString: strerror(errno)))")
        }
        return try UseList(text: String(decoding: data, as: UTF8.self), maxDumpId: maxDumpId, knownIds: knownIds, fileName: path)
    }

    /// Entries not named come first (in archive order), then the named ones in list order, as
    /// pg_restore's SortTocFromFile leaves them.
    func reorder(_ entries: [TocEntry]) -> [TocEntry] {
        let named = Set(orderedIds)
        var byId: [Int: TocEntry] = [:]
        for e in entries { byId[e.dumpId] = e }
        return entries.filter { !named.contains($0.dumpId) } + orderedIds.compactMap { byId[$0] }
    }
}
