import Foundation

/// Incremental converter from gpbackup's data format (`COPY ... WITH CSV DELIMITER ','`: quote
/// `"`, escape `"`, NULL = empty unquoted field) to PostgreSQL COPY text format (tab-separated,
/// `\N` for NULL, backslash escapes), the format pg_dump archives carry.
///
/// Input may arrive in chunks of any size; a field or row may span chunks. Output is gathered in
/// one fixed buffer and handed to the sink whenever it fills, so memory stays bounded and no
/// allocation happens per row. Quote handling follows PostgreSQL's CSV reader (which is what
/// gprestore uses to load these files): a quote opens a quoted section anywhere in a field, and a
/// doubled quote inside a quoted section is a literal quote.
public struct CSVToCopyTextConverter {
    public typealias Sink = (UnsafeRawBufferPointer) throws -> Void

    private enum State {
        case fieldStart        // nothing of the current field seen yet
        case unquoted          // inside an unquoted part of a field
        case quoted            // inside a quoted section
        case quoteInQuoted     // saw `"` inside a quoted section: closing quote or first half of `""`
        case afterCarriageReturn  // a row ended with CR; swallow one LF
    }

    /// Where errors point to.
    public private(set) var path: String
    /// Columns per row (from the toc's attribute list); nil skips the check.
    public let expectedColumns: Int?

    private var state: State = .fieldStart
    private var output: UnsafeMutableRawBufferPointer
    private var outputCount = 0
    private var columnIndex = 0
    /// The current field had a quoted section, so an empty value is "" and not NULL.
    private var fieldWasQuoted = false
    private var fieldLength = 0
    /// First two raw bytes of an unquoted single field, to spot PostgreSQL's `\.` end marker.
    private var fieldFirstBytes: (UInt8, UInt8) = (0, 0)
    private var rowStartsOnLine: Int64 = 1
    public private(set) var rows: Int64 = 0
    public private(set) var line: Int64 = 1
    public private(set) var inputOffset: Int64 = 0
    private var released = false

    public init(path: String, expectedColumns: Int?, outputBufferSize: Int = defaultStreamBufferSize) {
        self.path = path
        self.expectedColumns = expectedColumns
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: max(outputBufferSize, 64), alignment: 16)
    }

    /// Frees the output buffer. Call once when done (also after an error).
    public mutating func release() {
        if !released {
            output.deallocate()
            released = true
        }
    }

    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r"), backslash = UInt8(ascii: "\\"), tab = UInt8(ascii: "\t")

    @inline(__always)
    private mutating func ensureRoom(_ count: Int, _ sink: Sink) throws {
        if outputCount + count > output.count { try flush(sink) }
    }

    private mutating func flush(_ sink: Sink) throws {
        if outputCount > 0 {
            try sink(UnsafeRawBufferPointer(rebasing: output[0..<outputCount]))
            outputCount = 0
        }
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        output[outputCount] = byte
        outputCount += 1
    }

    /// Appends one data byte with COPY text escaping.
    @inline(__always)
    private mutating func putEscaped(_ byte: UInt8, _ sink: Sink) throws {
        try ensureRoom(2, sink)
        switch byte {
        case Self.backslash: put(Self.backslash); put(Self.backslash)
        case Self.tab: put(Self.backslash); put(UInt8(ascii: "t"))
        case Self.newline: put(Self.backslash); put(UInt8(ascii: "n"))
        case Self.carriageReturn: put(Self.backslash); put(UInt8(ascii: "r"))
        case 0x08: put(Self.backslash); put(UInt8(ascii: "b"))
        case 0x0C: put(Self.backslash); put(UInt8(ascii: "f"))
        case 0x0B: put(Self.backslash); put(UInt8(ascii: "v"))
        default: put(byte)
        }
        if fieldLength < 2 {
            if fieldLength == 0 { fieldFirstBytes.0 = byte } else { fieldFirstBytes.1 = byte }
        }
        fieldLength += 1
    }

    private mutating func endField(_ sink: Sink) throws {
        if fieldLength == 0 && !fieldWasQuoted {
            try ensureRoom(2, sink)
            put(Self.backslash); put(UInt8(ascii: "N"))
        }
        columnIndex += 1
        fieldWasQuoted = false
        fieldLength = 0
    }

    private mutating func endRow(_ sink: Sink) throws {
        // PostgreSQL's CSV reader stops at an unquoted `\.` line; gpbackup never writes one
        // (CopyAttributeOutCSV quotes it), so seeing one means the file is not what we think.
        if columnIndex == 0 && !fieldWasQuoted && fieldLength == 2
            && fieldFirstBytes == (Self.backslash, UInt8(ascii: ".")) {
            throw malformed("unquoted end-of-data marker \\. inside the data", atRowStart: true)
        }
        // A zero-column table writes empty lines: no field, not a NULL.
        if expectedColumns == 0 && columnIndex == 0 && fieldLength == 0 && !fieldWasQuoted {
            try ensureRoom(1, sink)
            put(Self.newline)
            rows += 1
            return
        }
        try endField(sink)
        if let expected = expectedColumns, columnIndex != expected {
            throw malformed(columnIndex < expected ? "missing data: \(columnIndex) of \(expected) columns"
                                                   : "extra data: \(columnIndex) columns, expected \(expected)",
                            atRowStart: true)
        }
        try ensureRoom(1, sink)
        put(Self.newline)
        rows += 1
        columnIndex = 0
    }

    private mutating func endOfDelimiter(_ sink: Sink) throws {
        try endField(sink)
        if let expected = expectedColumns, columnIndex >= expected {
            throw malformed("extra data: more than \(expected) columns", atRowStart: true)
        }
        try ensureRoom(1, sink)
        put(Self.tab)
    }

    private func malformed(_ reason: String, atRowStart: Bool) -> GPBackupError {
        .malformedCSV(path: path, line: atRowStart ? rowStartsOnLine : line, offset: inputOffset, reason: reason)
    }

    /// Byte classes for the fast path: bit 1 = copied unchanged outside quotes, bit 2 = copied
    /// unchanged inside quotes (where the delimiter is data).
    private static let byteClasses: UnsafeMutablePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 {
            switch UInt8(b) {
            case comma: table[b] = 2
            case quote, newline, carriageReturn, backslash, tab, 0x08, 0x0C, 0x0B: table[b] = 0
            default: table[b] = 3
            }
        }
        return table
    }()

    /// Converts one chunk. Complete output rows (and possibly part of the current one) go to `sink`.
    /// Runs of bytes that need no escaping are found with a table lookup and copied in one piece;
    /// only delimiters, quotes, line ends and characters COPY text escapes take the per-byte path.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer, into sink: Sink) throws {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let classes = Self.byteClasses
        let n = chunk.count
        var i = 0
        while i < n {
            let mask: UInt8
            switch state {
            case .fieldStart, .unquoted: mask = 1
            case .quoted: mask = 2
            default: mask = 0
            }
            if mask != 0 {
                var j = i
                while j < n && classes[Int(base[j])] & mask != 0 { j += 1 }
                if j > i {
                    try copyRun(base + i, j - i, sink)
                    if state == .fieldStart { state = .unquoted }
                    inputOffset += Int64(j - i)
                    i = j
                    if i == n { break }
                }
            }
            try step(base[i], sink)
            inputOffset += 1
            i += 1
        }
    }

    /// Appends bytes that need no escaping.
    @inline(__always)
    private mutating func copyRun(_ start: UnsafePointer<UInt8>, _ count: Int, _ sink: Sink) throws {
        if fieldLength < 2 {
            if fieldLength == 0 {
                fieldFirstBytes.0 = start[0]
                if count > 1 { fieldFirstBytes.1 = start[1] }
            } else {
                fieldFirstBytes.1 = start[0]
            }
        }
        fieldLength += count
        var from = start
        var left = count
        while left > 0 {
            if outputCount == output.count { try flush(sink) }
            let take = min(left, output.count - outputCount)
            (output.baseAddress! + outputCount).copyMemory(from: from, byteCount: take)
            outputCount += take
            from += take
            left -= take
        }
    }

    /// The state machine for one byte.
    @inline(__always)
    private mutating func step(_ byte: UInt8, _ sink: Sink) throws {
        switch state {
        case .afterCarriageReturn:
            state = .fieldStart
            if byte == Self.newline {
                line += 1
                rowStartsOnLine = line
                return
            }
            fallthrough
        case .fieldStart, .unquoted:
            switch byte {
            case Self.comma:
                try endOfDelimiter(sink)
                state = .fieldStart
            case Self.newline:
                try endRow(sink)
                line += 1
                rowStartsOnLine = line
                state = .fieldStart
            case Self.carriageReturn:
                try endRow(sink)
                state = .afterCarriageReturn
            case Self.quote:
                fieldWasQuoted = true
                state = .quoted
            default:
                try putEscaped(byte, sink)
                state = .unquoted
            }
        case .quoted:
            if byte == Self.quote {
                state = .quoteInQuoted
            } else {
                if byte == Self.newline { line += 1 }
                try putEscaped(byte, sink)
            }
        case .quoteInQuoted:
            switch byte {
            case Self.quote:
                // `""` inside quotes: one literal quote.
                try putEscaped(Self.quote, sink)
                state = .quoted
            case Self.comma:
                try endOfDelimiter(sink)
                state = .fieldStart
            case Self.newline:
                try endRow(sink)
                line += 1
                rowStartsOnLine = line
                state = .fieldStart
            case Self.carriageReturn:
                try endRow(sink)
                state = .afterCarriageReturn
            default:
                // Text right after a closing quote continues the field unquoted, as in PostgreSQL.
                try putEscaped(byte, sink)
                state = .unquoted
            }
        }
    }

    /// Ends the input: completes a last row without a line terminator, flushes the output and
    /// returns the number of rows converted.
    public mutating func finish(into sink: Sink) throws -> Int64 {
        switch state {
        case .quoted:
            throw malformed("unterminated quoted field at the end of the data (the row starts on this line)", atRowStart: true)
        case .unquoted, .quoteInQuoted:
            try endRow(sink)
        case .fieldStart:
            // Input ended right after a delimiter: the row's last field is NULL.
            if columnIndex > 0 { try endRow(sink) }
        case .afterCarriageReturn:
            break
        }
        state = .fieldStart
        try flush(sink)
        return rows
    }

    /// Starts over for the next input (the next segment's rows of the same table), keeping the
    /// output buffer and its unflushed bytes. Call only after `finish`.
    public mutating func restart(path: String) {
        self.path = path
        state = .fieldStart
        columnIndex = 0
        fieldWasQuoted = false
        fieldLength = 0
        rows = 0
        line = 1
        rowStartsOnLine = 1
        inputOffset = 0
    }
}
