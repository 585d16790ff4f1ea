import Foundation
import XCTest
@testable import GPBackup

final class CSVToCopyTextTests: XCTestCase {
    /// (CSV as gpbackup writes it, columns, COPY text, rows)
    let cases: [(csv: String, columns: Int, copy: String, rows: Int64)] = [
        ("1,2\n", 2, "1\t2\n", 1),
        (",\n", 2, "\\N\t\\N\n", 1),                                    // NULL = empty unquoted
        ("\"\",\"\"\n", 2, "\t\n", 1),                                  // empty strings
        ("\n", 1, "\\N\n", 1),                                          // one NULL column = empty line
        ("\"\"\n", 1, "\n", 1),                                         // one empty-string column
        ("\"a,b\",c\n", 2, "a,b\tc\n", 1),                             // delimiter inside quotes
        ("\"say \"\"hi\"\"\",x\n", 2, "say \"hi\"\tx\n", 1),           // doubled quotes
        ("\"line1\nline2\",2\n", 2, "line1\\nline2\t2\n", 1),          // embedded LF
        ("\"cr\r\nlf\",2\n", 2, "cr\\r\\nlf\t2\n", 1),                 // embedded CRLF
        ("a\tb,back\\slash\n", 2, "a\\tb\tback\\\\slash\n", 1),        // tab and backslash escaped
        ("\"\\.\"\n", 1, "\\\\.\n", 1),                                 // quoted \. is data
        ("\"NULL\",null\n", 2, "NULL\tnull\n", 1),                      // the words are data
        ("héllo,日本語\n", 2, "héllo\t日本語\n", 1),                     // multibyte UTF-8
        ("\"😀,\"\"\",é\n", 2, "😀,\"\té\n", 1),
        ("1,2\r\n3,4\r\n", 2, "1\t2\n3\t4\n", 2),                       // CRLF line ends
        ("1,2", 2, "1\t2\n", 1),                                        // no final newline
        ("1,", 2, "1\t\\N\n", 1),                                       // trailing NULL, no newline
        ("", 3, "", 0),                                                  // empty table
        ("a\"b\"c,d\n", 2, "abc\td\n", 1),                             // PostgreSQL: quote inside a field
        ("\"x\"y,z\n", 2, "xy\tz\n", 1),
        ("\u{08}\u{0C}\u{0B},1\n", 2, "\\b\\f\\v\t1\n", 1),
        ("1\n2\n3\n", 1, "1\n2\n3\n", 3),
    ]

    private func convert(_ csv: String, columns: Int?, chunkSizes: [Int], outputBuffer: Int = 64) throws -> (String, Int64) {
        var converter = CSVToCopyTextConverter(path: "test.csv", expectedColumns: columns, outputBufferSize: outputBuffer)
        defer { converter.release() }
        var out: [UInt8] = []
        let bytes = Array(csv.utf8)
        var offset = 0
        var chunkIndex = 0
        while offset < bytes.count {
            let size = max(1, chunkSizes[chunkIndex % chunkSizes.count])
            let end = min(bytes.count, offset + size)
            try bytes[offset..<end].withUnsafeBytes { chunk in
                try converter.consume(chunk) { out.append(contentsOf: $0) }
            }
            offset = end
            chunkIndex += 1
        }
        let rows = try converter.finish { out.append(contentsOf: $0) }
        return (String(decoding: out, as: UTF8.self), rows)
    }

    func testTableOfAwkwardValues() throws {
        for (csv, columns, copy, rows) in cases {
            let (got, count) = try convert(csv, columns: columns, chunkSizes: [1 << 20])
            XCTAssertEqual(got, copy, "csv: \(csv.debugDescription)")
            XCTAssertEqual(count, rows, "csv: \(csv.debugDescription)")
        }
    }

    /// Every split point of every case, and byte-at-a-time, must give the same output.
    func testChunkBoundariesAtEveryPosition() throws {
        for (csv, columns, copy, rows) in cases {
            let length = csv.utf8.count
            for split in 0...length {
                let (got, count) = try convert(csv, columns: columns, chunkSizes: [max(split, 1), length + 1])
                XCTAssertEqual(got, copy, "csv: \(csv.debugDescription) split at \(split)")
                XCTAssertEqual(count, rows)
            }
            let (oneByOne, _) = try convert(csv, columns: columns, chunkSizes: [1], outputBuffer: 64)
            XCTAssertEqual(oneByOne, copy)
        }
    }

    func testSmallOutputBufferFlushesManyTimes() throws {
        let row = "\"a\\b\tc\",\"x\ny\"\n"
        let csv = String(repeating: row, count: 1000)
        let (got, rows) = try convert(csv, columns: 2, chunkSizes: [7, 13, 4096], outputBuffer: 64)
        XCTAssertEqual(rows, 1000)
        XCTAssertEqual(got, String(repeating: "a\\\\b\\tc\tx\\ny\n", count: 1000))
    }

    func testUnterminatedQuoteIsAnErrorWithLine() {
        XCTAssertThrowsGPBackupError(try self.convert("1,2\n3,\"abc\nmore\n", columns: 2, chunkSizes: [5])) {
            $0 == .malformedCSV(path: "test.csv", line: 2, offset: 16, reason: "unterminated quoted field at the end of the data (the row starts on this line)")
        }
    }

    func testColumnCountMismatchIsAnError() {
        XCTAssertThrowsGPBackupError(try self.convert("1,2\n3\n", columns: 2, chunkSizes: [100])) {
            $0 == .malformedCSV(path: "test.csv", line: 2, offset: 5, reason: "missing data: 1 of 2 columns")
        }
        XCTAssertThrowsGPBackupError(try self.convert("1,2\n\"a\nb\",2,3\n", columns: 2, chunkSizes: [3])) {
            $0 == .malformedCSV(path: "test.csv", line: 2, offset: 11, reason: "extra data: more than 2 columns")
        }
    }

    func testUnquotedEndOfDataMarkerIsAnError() {
        XCTAssertThrowsGPBackupError(try self.convert("1\n\\.\n2\n", columns: 1, chunkSizes: [2])) {
            if case let .malformedCSV(_, line, _, reason) = $0 { return line == 2 && reason.contains("end-of-data marker") }
            return false
        }
    }

    func testRestartContinuesIntoSameOutput() throws {
        var converter = CSVToCopyTextConverter(path: "seg0", expectedColumns: 1)
        defer { converter.release() }
        var out: [UInt8] = []
        try Array("1\n2".utf8).withUnsafeBytes { try converter.consume($0) { out.append(contentsOf: $0) } }
        XCTAssertEqual(try converter.finish { out.append(contentsOf: $0) }, 2)
        converter.restart(path: "seg1")
        try Array("3\n".utf8).withUnsafeBytes { try converter.consume($0) { out.append(contentsOf: $0) } }
        XCTAssertEqual(try converter.finish { out.append(contentsOf: $0) }, 1)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "1\n2\n3\n")
    }
}
