import DDL
import XCTest

/// COPY statement rendering for `pgfunnel export` / `load`: pure, no server.
final class CopyOptionsTests: XCTestCase {
    func testDefaultsRenderNoOptionList() {
        XCTAssertEqual(renderCopyToStatement(.table(schema: nil, name: "t", columns: [], whereClause: nil), options: .init()),
                       "COPY t TO STDOUT")
        XCTAssertEqual(renderCopyFromStatement(schema: "public", name: "t", columns: [], options: .init()),
                       "COPY public.t FROM STDIN")
    }

    func testNamesAreQuoted() {
        let s = renderCopyToStatement(.table(schema: "My Schema", name: "user", columns: ["Id", "select", "a\"b"], whereClause: nil),
                                      options: .init())
        XCTAssertEqual(s, "COPY \"My Schema\".\"user\" (\"Id\", \"select\", \"a\"\"b\") TO STDOUT")
    }

    func testWhereBecomesSelect() {
        let s = renderCopyToStatement(.table(schema: "s", name: "t", columns: ["a", "b"], whereClause: "a > 1"), options: .init())
        XCTAssertEqual(s, "COPY (SELECT a, b FROM s.t WHERE a > 1) TO STDOUT")
        let all = renderCopyToStatement(.table(schema: nil, name: "t", columns: [], whereClause: "true"), options: .init())
        XCTAssertEqual(all, "COPY (SELECT * FROM t WHERE true) TO STDOUT")
    }

    func testQueryIsTrimmed() {
        XCTAssertEqual(renderCopyToStatement(.query("  SELECT 1 ;\n"), options: .init()), "COPY (SELECT 1) TO STDOUT")
    }

    func testEveryOption() throws {
        var o = CopyFormatOptions(format: .csv)
        o.delimiter = ";"
        o.null = "NULL"
        o.header = true
        o.quote = "'"
        o.escape = "\\"
        o.forceQuote = ["a", "B"]
        o.encoding = "LATIN1"
        try o.validate(direction: .to)
        XCTAssertEqual(o.renderOptionList(),
                       " (FORMAT csv, DELIMITER ';', NULL 'NULL', HEADER, QUOTE '''', ESCAPE E'\\\\', FORCE_QUOTE (a, \"B\"), ENCODING 'LATIN1')")
        o.forceQuote = ["*"]
        XCTAssertTrue(o.renderOptionList().contains("FORCE_QUOTE *"))
        XCTAssertEqual(CopyFormatOptions(format: .binary).renderOptionList(), " (FORMAT binary)")
    }

    func testInvalidCombinations() {
        var o = CopyFormatOptions(format: .binary)
        o.header = true
        XCTAssertThrowsError(try o.validate(direction: .to))
        o = CopyFormatOptions(format: .text)
        o.quote = "\""
        XCTAssertThrowsError(try o.validate(direction: .to))
        o = CopyFormatOptions(format: .csv)
        o.forceQuote = ["*"]
        XCTAssertNoThrow(try o.validate(direction: .to))
        XCTAssertThrowsError(try o.validate(direction: .from))
        o = CopyFormatOptions(format: .csv)
        o.delimiter = "ab"
        XCTAssertThrowsError(try o.validate(direction: .to))
    }

    func testTableNameParsing() throws {
        XCTAssertEqual(try parseTableName("Foo").name, "foo")
        XCTAssertNil(try parseTableName("Foo").schema)
        let q = try parseTableName("Public.\"My.Table\"")
        XCTAssertEqual(q.schema, "public")
        XCTAssertEqual(q.name, "My.Table")
        XCTAssertEqual(try parseTableName("\"a\"\"b\"").name, "a\"b")
        XCTAssertThrowsError(try parseTableName("a.b.c"))
        XCTAssertThrowsError(try parseTableName("\"open"))
        XCTAssertThrowsError(try parseTableName("s."))
        XCTAssertEqual(try parseIdentifierList("a, \"B,c\" ,d", separator: ","), ["a", "B,c", "d"])
    }
}
