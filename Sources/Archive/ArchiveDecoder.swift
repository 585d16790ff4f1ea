/// Reads the custom format's primitive fields (sign-and-magnitude ints, length-prefixed strings,
/// flagged offsets) with the sizes declared in the archive header, refusing absurd values before
/// allocating anything for them.
struct ArchiveDecoder {
    let input: ByteInput
    var intSize: Int = 4
    var offSize: Int = 8

    /// Largest string we accept when the file size is unknown (a pipe). pg_dump's strings are SQL
    /// text; a definition of a gigabyte is not something a sane archive holds.
    static let maxStringWithoutFileSize = 1 << 30

    var file: String { input.fileName }

    func readInt(_ what: @autoclosure () -> String) throws -> Int {
        let start = input.position
        let sign = try input.readByte(what())
        var value: UInt64 = 0
        for i in 0..<intSize {
            let b = try input.readByte(what())
            if i < 8 {
                value |= UInt64(b) << (8 * UInt64(i))
            } else if b != 0 {
                throw ArchiveError.invalidField(file: file, offset: start, field: what(), detail: "integer does not fit in 64 bits")
            }
        }
        guard value <= UInt64(Int64.max) else {
            throw ArchiveError.invalidField(file: file, offset: start, field: what(), detail: "integer out of range")
        }
        // pg_dump writes a C int; anything wider than 32 bits cannot come from it.
        guard value <= UInt64(UInt32.max) else {
            throw ArchiveError.invalidField(file: file, offset: start, field: what(), detail: "integer \(value) exceeds 32 bits")
        }
        return sign == 0 ? Int(value) : -Int(value)
    }

    func readString(_ what: @autoclosure () -> String) throws -> String? {
        let start = input.position
        let length = try readInt(what())
        if length < 0 { return nil }
        let limit = input.remaining.map { Int(clamping: $0) } ?? ArchiveDecoder.maxStringWithoutFileSize
        guard length <= limit else {
            throw ArchiveError.invalidField(
                file: file, offset: start, field: what(),
                detail: "string length \(length) exceeds the \(limit) bytes left in the file")
        }
        let bytes = try input.readBytes(length, what())
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a string that is the decimal form of a number (OIDs and dump ids are stored so).
    func readNumericString(_ what: @autoclosure () -> String) throws -> Int64? {
        let start = input.position
        guard let text = try readString(what()) else { return nil }
        guard let n = Int64(text.trimmingSpaces) else {
            throw ArchiveError.invalidField(file: file, offset: start, field: what(), detail: "expected a number, found \"\(text.prefix(40))\"")
        }
        return n
    }

    func readOffset(_ what: @autoclosure () -> String) throws -> (DataOffsetState, Int64) {
        let start = input.position
        let flag = try input.readByte(what())
        guard let state = DataOffsetState(rawValue: flag) else {
            throw ArchiveError.invalidField(file: file, offset: start, field: what(), detail: "unexpected data offset flag \(flag)")
        }
        var value: UInt64 = 0
        for i in 0..<offSize {
            let b = try input.readByte(what())
            if i < 8 {
                value |= UInt64(b) << (8 * UInt64(i))
            } else if b != 0 {
                throw ArchiveError.invalidField(file: file, offset: start, field: what(), detail: "file offset too large")
            }
        }
        guard value <= UInt64(Int64.max) else {
            throw ArchiveError.invalidField(file: file, offset: start, field: what(), detail: "file offset too large")
        }
        return (state, Int64(value))
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return s
    }
}
