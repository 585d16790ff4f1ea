import Postgres
import XCTest

/// The quoting rules, checked against pg_dump's string_utils.c behaviour (no server needed).
final class QuotingTests: XCTestCase {
    func testPlainLowercaseIdentifierStaysBare() {
        XCTAssertEqual(quoteIdentifier("orders"), "orders")
        XCTAssertEqual(quoteIdentifier("_private"), "_private")
        XCTAssertEqual(quoteIdentifier("t1_col_2"), "t1_col_2")
    }

    func testFirstCharacterMustBeLowercaseLetterOrUnderscore() {
        XCTAssertEqual(quoteIdentifier("1abc"), "\"1abc\"")
        XCTAssertEqual(quoteIdentifier("$x"), "\"$x\"")
        XCTAssertEqual(quoteIdentifier(""), "\"\"")
    }

    func testUppercaseSpacesAndPunctuationAreQuoted() {
        XCTAssertEqual(quoteIdentifier("Orders"), "\"Orders\"")
        XCTAssertEqual(quoteIdentifier("order lines"), "\"order lines\"")
        XCTAssertEqual(quoteIdentifier("a-b"), "\"a-b\"")
        XCTAssertEqual(quoteIdentifier("a$b"), "\"a$b\"")  // legal unquoted in PG, but fmtId quotes it
    }

    func testNonASCIIIsQuoted() {
        XCTAssertEqual(quoteIdentifier("café"), "\"café\"")
        XCTAssertEqual(quoteIdentifier("日本"), "\"日本\"")
    }

    func testEmbeddedDoubleQuotesAreDoubled() {
        XCTAssertEqual(quoteIdentifier("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(quoteIdentifier("\""), "\"\"\"\"")
    }

    func testKeywordCategories() {
        // reserved, column-name and type/function-name keywords are quoted; unreserved are not.
        XCTAssertEqual(quoteIdentifier("select"), "\"select\"")
        XCTAssertEqual(quoteIdentifier("user"), "\"user\"")
        XCTAssertEqual(quoteIdentifier("between"), "\"between\"")  // column-name keyword
        XCTAssertEqual(quoteIdentifier("left"), "\"left\"")  // type/function-name keyword
        XCTAssertEqual(quoteIdentifier("abort"), "abort")  // unreserved
        XCTAssertEqual(quoteIdentifier("data"), "data")
        XCTAssertEqual(quoteIdentifier("Select"), "\"Select\"")
    }

    func testKeywordTableFollowsMajorVersion() {
        let pg15 = KeywordTable.forMajor(15)
        let pg16 = KeywordTable.forMajor(16)
        let pg17 = KeywordTable.forMajor(17)
        let pg18 = KeywordTable.forMajor(18)
        XCTAssertEqual(quoteIdentifier("system_user", keywords: pg15), "system_user")
        XCTAssertEqual(quoteIdentifier("system_user", keywords: pg16), "\"system_user\"")
        XCTAssertEqual(quoteIdentifier("json", keywords: pg16), "json")  // unreserved in 16
        XCTAssertEqual(quoteIdentifier("json", keywords: pg17), "\"json\"")  // column-name in 17
        XCTAssertEqual(quoteIdentifier("json_table", keywords: pg16), "json_table")
        XCTAssertEqual(quoteIdentifier("json_table", keywords: pg17), "\"json_table\"")
        XCTAssertEqual(pg17.category(of: "recheck"), .unreserved)
        XCTAssertNil(pg18.category(of: "recheck"))
        XCTAssertEqual(pg18.category(of: "virtual"), .unreserved)
        XCTAssertEqual(KeywordTable.forMajor(12).major, 15)
        XCTAssertEqual(KeywordTable.forMajor(19).major, 18)
        XCTAssertEqual(KeywordTable.newest.major, 18)
        XCTAssertEqual(pg15.categories.count, 460)
        XCTAssertEqual(pg16.categories.count, 471)
        XCTAssertEqual(pg17.categories.count, 491)
        XCTAssertEqual(pg18.categories.count, 494)
    }

    func testForceQuotes() {
        XCTAssertEqual(quoteIdentifier("orders", forceQuotes: true), "\"orders\"")
        XCTAssertEqual(quoteQualifiedName("public", "orders", forceQuotes: true), "\"public\".\"orders\"")
    }

    func testQualifiedName() {
        XCTAssertEqual(quoteQualifiedName("public", "orders"), "public.orders")
        XCTAssertEqual(quoteQualifiedName("My Schema", "table"), "\"My Schema\".\"table\"")
        XCTAssertEqual(quoteQualifiedName(nil, "Orders"), "\"Orders\"")
        XCTAssertEqual(quoteQualifiedName("", "orders"), "orders")
    }

    func testLiteralDoublesSingleQuotes() {
        XCTAssertEqual(quoteLiteral("it's"), "'it''s'")
        XCTAssertEqual(quoteLiteral(""), "''")
        XCTAssertEqual(quoteLiteral("naïve ✓"), "'naïve ✓'")
    }

    func testLiteralBackslashesDependOnStandardConformingStrings() {
        XCTAssertEqual(quoteLiteral(#"C:\dir"#), #"'C:\dir'"#)
        XCTAssertEqual(quoteLiteral(#"C:\dir's"#, standardConformingStrings: false), #"'C:\\dir''s'"#)
    }

    func testEscapeSyntaxLiteralLikeAppendStringLiteralConn() {
        XCTAssertEqual(quoteLiteralEscapeSyntax(#"a\b'c"#), #"E'a\\b''c'"#)
        XCTAssertEqual(quoteLiteralEscapeSyntax("plain's"), "'plain''s'")
    }

    func testDollarQuoteAvoidsDelimitersInTheBody() {
        XCTAssertEqual(dollarQuote("select 1"), "$$select 1$$")
        XCTAssertEqual(dollarQuote("a $$ b"), "$_$a $$ b$_$")
        XCTAssertEqual(dollarQuote("a $$ $_ b"), "$_X$a $$ $_ b$_X$")
        // A body ending in the prefix must not be closed by it.
        XCTAssertEqual(dollarQuote("cost $", prefix: ""), "$_$cost $$_$")
        XCTAssertEqual(dollarQuote("body", prefix: "fn"), "$fn$body$fn$")
    }

    func testConninfoValueQuoting() {
        XCTAssertEqual(quoteConninfoValue("localhost"), "localhost")
        XCTAssertEqual(quoteConninfoValue("db.name_1"), "db.name_1")
        XCTAssertEqual(quoteConninfoValue(""), "''")
        XCTAssertEqual(quoteConninfoValue("/tmp/my dir"), "'/tmp/my dir'")
        XCTAssertEqual(quoteConninfoValue(#"it's\x"#), #"'it\'s\\x'"#)
    }

    func testErrorDescriptionLooksLikePsql() {
        var error = PostgresError(
            kind: .queryFailed, message: "duplicate key value violates unique constraint \"t_pkey\"",
            sql: "INSERT INTO t VALUES (1)", severity: "ERROR", sqlState: "23505")
        error.detail = "Key (id)=(1) already exists."
        XCTAssertEqual(
            error.description,
            """
            ERROR:  duplicate key value violates unique constraint "t_pkey"
            DETAIL:  Key (id)=(1) already exists.
            STATEMENT:  INSERT INTO t VALUES (1)
            """)
        let long = PostgresError(kind: .queryFailed, message: "x", sql: String(repeating: "a", count: 10_000))
        XCTAssertEqual(long.sql?.count, PostgresError.sqlPrefixLimit + 3)
    }

    /// The byte-level literal quoter (INSERT data) agrees with quoteLiteral on known values, and
    /// keeps bytes that are not UTF-8 as they are.
    func testByteLiteralQuotingMatchesStringQuoting() {
        func bytes(_ v: [UInt8], _ std: Bool) -> [UInt8] {
            var out: [UInt8] = []
            v.withUnsafeBufferPointer { appendQuotedLiteral($0, to: &out, standardConformingStrings: std) }
            return out
        }
        for v in ["", "plain", "it's", "''", "a\\b", "'\\'", "ü'ü", "end'", "'start"] {
            for std in [true, false] {
                XCTAssertEqual(bytes(Array(v.utf8), std), Array(quoteLiteral(v, standardConformingStrings: std).utf8), "\(v) \(std)")
            }
        }
        XCTAssertEqual(bytes([0xE9, 0x27, 0xFF], true), [0x27, 0xE9, 0x27, 0x27, 0xFF, 0x27])
        XCTAssertEqual(bytes(Array("a\\b".utf8), false), Array("'a\\\\b'".utf8))
    }
}
