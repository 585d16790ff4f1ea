import Foundation

/// pg_dump 17's --filter file (filter.c and read_dump_filters): one
/// `include|exclude OBJECT_TYPE PATTERN` per line, `#` comments and blank lines, patterns
/// possibly quoted (a quoted name may span lines; `""` is a quote, `\n` a newline) and
/// qualified. Read before connecting, as pg_dump reads it while parsing options.
struct DumpFilterFile {
    enum Command: String { case include, exclude }
    enum ObjectType: String, CaseIterable {
        case tableData = "table_data", tableDataAndChildren = "table_data_and_children", database, `extension`
        case foreignData = "foreign_data", function, index, schema, table, tableAndChildren = "table_and_children", trigger

        /// filter_object_type_name.
        var displayName: String {
            switch self {
            case .tableData: return "table data"
            case .tableDataAndChildren: return "table data and children"
            case .foreignData: return "foreign data"
            case .tableAndChildren: return "table and children"
            default: return rawValue
            }
        }
    }
    struct Item: Equatable {
        var command: Command
        var type: ObjectType
        var pattern: String
        /// The line the item ends on (pg_log_filter_error reports it).
        var line: Int
    }

    /// Where an item came from, for messages ("-" reads standard input).
    let path: String

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads and parses the whole file.
    static func read(_ path: String) throws -> [Item] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: path) else {
                throw ParseError(description: "could not open filter file \"\(path)\": \(String(cString: strerror(errno)))")
            }
            data = d
        }
        return try DumpFilterFile(path: path).parse(String(decoding: data, as: UTF8.self))
    }

    func error(_ line: Int, _ message: String) -> ParseError {
        path == "-"
            ? ParseError(description: "invalid format in filter read from standard input on line \(line): \(message)")
            : ParseError(description: "invalid format in filter read from file \"\(path)\" on line \(line): \(message)")
    }

    /// filter_read_item over every line.
    func parse(_ text: String) throws -> [Item] {
        // pg_get_line_buf keeps the newline; the parser treats it as trailing whitespace.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        if text.hasSuffix("\n") { lines.removeLast() }
        var items: [Item] = []
        var index = 0
        while index < lines.count {
            let lineNo = index + 1
            var line = lines[index][...]
            index += 1
            line = line.drop(while: Self.isSpace)
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            guard let commandWord = Self.keyword(&line) else {
                throw error(lineNo, "no filter command found (expected \"include\" or \"exclude\")")
            }
            guard let command = Command(rawValue: commandWord.lowercased()) else {
                throw error(lineNo, "invalid filter command (expected \"include\" or \"exclude\")")
            }
            guard let typeWord = Self.keyword(&line) else { throw error(lineNo, "missing filter object type") }
            guard let type = ObjectType(rawValue: typeWord.lowercased()) else {
                throw error(lineNo, "unsupported filter object type: \"\(typeWord)\"")
            }
            var currentLine = lineNo
            let pattern = try readPattern(line, lines: lines, index: &index, lineNo: &currentLine)
            items.append(Item(command: command, type: type, pattern: pattern, line: currentLine))
        }
        return items
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// filter_get_keyword: the next run of non-space characters.
    static func keyword(_ line: inout ArraySlice<UInt8>) -> String? {
        line = line.drop(while: isSpace)
        let word = line.prefix { !isSpace($0) }
        guard !word.isEmpty else { return nil }
        line = line.dropFirst(word.count)
        return String(decoding: word, as: UTF8.self)
    }

    /// read_pattern: normalizes spacing outside quotes, stops at '#'.
    func readPattern(_ start: ArraySlice<UInt8>, lines: [[UInt8]], index: inout Int, lineNo: inout Int) throws -> String {
        var str = start.drop(while: Self.isSpace)
        if str.isEmpty { throw error(lineNo, "missing object name pattern") }
        var out: [UInt8] = []
        var skipSpace = true
        var foundSpace = false
        let special = Set("#,.()\"".utf8)
        while let c = str.first, c != UInt8(ascii: "#") {
            while let c = str.first, !Self.isSpace(c), !special.contains(c) {
                if !skipSpace && foundSpace {
                    out.append(0x20)
                    skipSpace = true
                }
                out.append(c)
                str = str.dropFirst()
            }
            skipSpace = false
            if str.first == UInt8(ascii: "\"") {
                if foundSpace { out.append(0x20) }
                str = try readQuoted(str, into: &out, lines: lines, index: &index, lineNo: &lineNo)
            } else if str.first == UInt8(ascii: ",") {
                out += Array(", ".utf8)
                skipSpace = true
                str = str.dropFirst()
            } else if let c = str.first, Set(".()".utf8).contains(c) {
                out.append(c)
                skipSpace = true
                str = str.dropFirst()
            }
            foundSpace = false
            while let c = str.first, Self.isSpace(c) {
                foundSpace = true
                str = str.dropFirst()
            }
            _ = c
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// read_quoted_string: keeps the quotes (the pattern rules read them), may span lines.
    func readQuoted(_ start: ArraySlice<UInt8>, into out: inout [UInt8], lines: [[UInt8]], index: inout Int,
                    lineNo: inout Int) throws -> ArraySlice<UInt8> {
        out.append(UInt8(ascii: "\""))
        var str = start.dropFirst()
        while true {
            if let c = str.first, c == 0x0D || c == 0x0A {
                str = str.dropFirst()
                continue
            }
            if str.isEmpty {
                guard index < lines.count else { throw error(lineNo, "unexpected end of file") }
                str = lines[index][...]
                index += 1
                out.append(0x0A)
                lineNo += 1
                continue
            }
            let c = str.first!
            if c == UInt8(ascii: "\"") {
                out.append(c)
                str = str.dropFirst()
                if str.first == UInt8(ascii: "\"") {
                    out.append(c)
                    str = str.dropFirst()
                } else {
                    break
                }
            } else if c == UInt8(ascii: "\\") {
                str = str.dropFirst()
                if str.first == UInt8(ascii: "n") {
                    out.append(0x0A)
                } else if str.first == UInt8(ascii: "\\") {
                    out.append(c)
                }
                str = str.dropFirst()
            } else {
                out.append(c)
                str = str.dropFirst()
            }
        }
        return str
    }
}
