import CLibPQ
import Foundation

/// The rows of a successful statement, in text format. Values are decoded on access, so a large
/// catalog result costs one libpq buffer rather than a copy per cell. A PGresult is read-only once
/// built, so a QueryResult may be read from any thread.
public final class QueryResult: RandomAccessCollection {
    public let columnNames: [String]
    /// The command tag, e.g. `SELECT 3`, `INSERT 0 1`.
    public let commandTag: String
    /// Rows affected or returned per the command tag (`PQcmdTuples`); nil when the tag has none.
    public let affectedRows: Int64?

    private let result: OpaquePointer
    private let columnIndexByName: [String: Int]

    init(taking result: OpaquePointer) {
        self.result = result
        let columnCount = Int(PQnfields(result))
        let names = (0..<columnCount).map { cString(PQfname(result, Int32($0))) ?? "" }
        columnNames = names
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil {
            index[name] = position  // first wins, like PQfnumber
        }
        columnIndexByName = index
        commandTag = cString(PQcmdStatus(result)) ?? ""
        affectedRows = cString(PQcmdTuples(result)).flatMap { Int64($0) }
    }

    deinit {
        PQclear(result)
    }

    public var rowCount: Int { Int(PQntuples(result)) }
    public var columnCount: Int { columnNames.count }

    /// The position of a column by its exact name; nil when absent.
    public func columnIndex(named name: String) -> Int? { columnIndexByName[name] }

    /// The value at a position; nil for SQL NULL or an out-of-range position.
    public subscript(row: Int, column: Int) -> String? {
        rawValue(row: row, column: column).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The value in a named column; nil for SQL NULL or an unknown column name.
    public subscript(row: Int, column: String) -> String? {
        guard let column = columnIndex(named: column) else { return nil }
        return self[row, column]
    }

    public func isNull(row: Int, column: Int) -> Bool {
        guard contains(row: row, column: column) else { return true }
        return PQgetisnull(result, Int32(row), Int32(column)) != 0
    }

    /// The raw bytes of a value, for text that is not UTF-8 (e.g. a LATIN1 database's names).
    public func bytes(row: Int, column: Int) -> [UInt8]? {
        rawValue(row: row, column: column).map { Array($0) }
    }

    /// The type OID of a column (PQftype), for formatting values by type as pg_dump's INSERTs do.
    public func columnType(_ column: Int) -> UInt32 {
        guard column >= 0 && column < columnCount else { return 0 }
        return UInt32(PQftype(result, Int32(column)))
    }

    /// A value as an unsigned decimal integer (an OID), read from its bytes in place: for bulk
    /// catalog results, where building a String per cell costs more than the parse. nil for SQL
    /// NULL, an empty value, a non-digit or an overflow.
    public func uint32(row: Int, column: Int) -> UInt32? {
        guard let bytes = rawValue(row: row, column: column), !bytes.isEmpty else { return nil }
        var value: UInt32 = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt32(byte - 48))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    /// The first byte of a value ("char" columns); nil for SQL NULL or an empty value.
    public func firstByte(row: Int, column: Int) -> UInt8? {
        rawValue(row: row, column: column)?.first
    }

    /// A boolean's text form read in place: true only for "t".
    public func bool(row: Int, column: Int) -> Bool {
        firstByte(row: row, column: column) == UInt8(ascii: "t")
    }

    /// A signed decimal integer read in place; nil for SQL NULL or anything else.
    public func int(row: Int, column: Int) -> Int? {
        guard let bytes = rawValue(row: row, column: column), !bytes.isEmpty else { return nil }
        return Self.parseInt(bytes[...])
    }

    /// The integers of an int2vector / oidvector ("1 3 0") read in place; empty for SQL NULL.
    public func intVector(row: Int, column: Int) -> [Int] {
        guard let bytes = rawValue(row: row, column: column) else { return [] }
        return bytes.split(separator: UInt8(ascii: " ")).compactMap { Self.parseInt($0) }
    }

    private static func parseInt(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var digits = bytes
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return negative ? -value : value
    }

    /// Calls `body` with a value's bytes in place (no copy); nil for SQL NULL. The buffer is only
    /// valid inside `body`.
    public func withValueBytes<R>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        try body(rawValue(row: row, column: column))
    }

    /// Points into the PGresult, so it must not escape `self`'s lifetime.
    private func rawValue(row: Int, column: Int) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(row: row, column: column), let value = PQgetvalue(result, Int32(row), Int32(column))
        else { return nil }
        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
        return value.withMemoryRebound(to: UInt8.self, capacity: length) {
            UnsafeBufferPointer(start: $0, count: length)
        }
    }

    /// Every row copied out as Swift strings; convenient for small results and assertions.
    public var rows: [[String?]] {
        (0..<rowCount).map { row in (0..<columnCount).map { self[row, $0] } }
    }

    private func contains(row: Int, column: Int) -> Bool {
        row >= 0 && row < rowCount && column >= 0 && column < columnCount
    }

    // MARK: RandomAccessCollection of rows

    public struct Row {
        public let result: QueryResult
        public let index: Int
        public subscript(column: Int) -> String? { result[index, column] }
        public subscript(column: String) -> String? { result[index, column] }
        public var values: [String?] { (0..<result.columnCount).map { result[index, $0] } }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
    public subscript(position: Int) -> Row { Row(result: self, index: position) }
}
