import Foundation

// Keyword tables generated from PostgreSQL's src/include/parser/kwlist.h (15.18 source tree and the
// 16.15 / 17.11 / 18.6 installs' include/server/parser/kwlist.h). Regenerate rather than hand-edit:
// the PostgresTests compare these tables with each test server's pg_get_keywords().

/// The grammar category of an SQL keyword, as in kwlist.h. Only `unreserved` keywords may be used
/// as bare identifiers everywhere, which is why pg_dump quotes every other category.
public enum KeywordCategory: String, Sendable, CaseIterable {
    case unreserved
    case columnName
    case typeOrFunctionName
    case reserved
}

/// The keyword list of one PostgreSQL major version. pg_dump quotes with the list it was compiled
/// with (its own version, not the server's), so callers pick the version whose output they mimic.
public struct KeywordTable: Sendable {
    public let major: Int
    public let categories: [String: KeywordCategory]

    /// Majors with an exact table. Later majors fall back to the newest table.
    public static let knownMajors: ClosedRange<Int> = 15...18
    public static var newest: KeywordTable { forMajor(knownMajors.upperBound) }

    /// The table for `major`; majors before 15 use 15's list, majors after 18 use 18's list.
    // TODO: add a table when a new major's kwlist.h is available (19+ currently map to 18).
    public static func forMajor(_ major: Int) -> KeywordTable {
        let clamped = min(max(major, knownMajors.lowerBound), knownMajors.upperBound)
        return tables[clamped] ?? tables[knownMajors.upperBound]!
    }

    public func category(of word: String) -> KeywordCategory? {
        categories[word]
    }

    /// Built once (static lets are initialized lazily and thread-safely).
    private static let tables: [Int: KeywordTable] = {
        var result: [Int: KeywordTable] = [:]
        var table = baseTable15()
        result[15] = KeywordTable(major: 15, categories: table)
        for version in 16...knownMajors.upperBound {
            for change in deltas[version] ?? [] {
                table[change.word] = change.category  // nil removes the keyword
            }
            result[version] = KeywordTable(major: version, categories: table)
        }
        return result
    }()

    private static func baseTable15() -> [String: KeywordCategory] {
        var table: [String: KeywordCategory] = [:]
        table.reserveCapacity(520)
        for (category, words) in [
            (KeywordCategory.unreserved, unreserved15),
            (.columnName, columnName15),
            (.typeOrFunctionName, typeOrFunctionName15),
            (.reserved, reserved15),
        ] {
            for word in words.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                table[String(word)] = category
            }
        }
        return table
    }

    /// One change between consecutive majors: a new keyword, a category change, or a removal (nil).
    private struct Change: Sendable {
        let word: String
        let category: KeywordCategory?
        init(_ word: String, _ category: KeywordCategory?) {
            self.word = word
            self.category = category
        }
    }

    private static let unreserved15 = """
        abort absolute access action add admin after aggregate also alter always asensitive
        assertion assignment at atomic attach attribute backward before begin breadth by cache
        call called cascade cascaded catalog chain characteristics checkpoint class close
        cluster columns comment comments commit committed compression configuration conflict
        connection constraints content continue conversion copy cost csv cube current cursor
        cycle data database day deallocate declare defaults deferred definer delete delimiter
        delimiters depends depth detach dictionary disable discard document domain double drop
        each enable encoding encrypted enum escape event exclude excluding exclusive execute
        explain expression extension external family filter finalize first following force
        forward function functions generated global granted groups handler header hold hour
        identity if immediate immutable implicit import include including increment index
        indexes inherit inherits inline input insensitive insert instead invoker isolation key
        label language large last leakproof level listen load local location lock locked logged
        mapping match matched materialized maxvalue merge method minute minvalue mode month move
        name names new next nfc nfd nfkc nfkd no normalized nothing notify nowait nulls object
        of off oids old operator option options ordinality others over overriding owned owner
        parallel parameter parser partial partition passing password plans policy preceding
        prepare prepared preserve prior privileges procedural procedure procedures program
        publication quote range read reassign recheck recursive ref referencing refresh reindex
        relative release rename repeatable replace replica reset restart restrict return returns
        revoke role rollback rollup routine routines rows rule savepoint schema schemas scroll
        search second security sequence sequences serializable server session set sets share
        show simple skip snapshot sql stable standalone start statement statistics stdin stdout
        storage stored strict strip subscription support sysid system tables tablespace temp
        template temporary text ties transaction transform trigger truncate trusted type types
        uescape unbounded uncommitted unencrypted unknown unlisten unlogged until update vacuum
        valid validate validator value varying version view views volatile whitespace within
        without work wrapper write xml year yes zone
        """

    private static let columnName15 = """
        between bigint bit boolean char character coalesce dec decimal exists extract float
        greatest grouping inout int integer interval least national nchar none normalize nullif
        numeric out overlay position precision real row setof smallint substring time timestamp
        treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest
        xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
        """

    private static let typeOrFunctionName15 = """
        authorization binary collation concurrently cross current_schema freeze full ilike inner
        is isnull join left like natural notnull outer overlaps right similar tablesample
        verbose
        """

    private static let reserved15 = """
        all analyse analyze and any array as asc asymmetric both case cast check collate column
        constraint create current_catalog current_date current_role current_time
        current_timestamp current_user default deferrable desc distinct do else end except false
        fetch for foreign from grant group having in initially intersect into lateral leading
        limit localtime localtimestamp not null offset on only or order placing primary
        references returning select session_user some symmetric table then to trailing true
        union unique user using variadic when where window with
        """

    private static let deltas: [Int: [Change]] = [
        16: [
            Change("absent", .unreserved),
            Change("format", .unreserved),
            Change("indent", .unreserved),
            Change("json", .unreserved),
            Change("json_array", .columnName),
            Change("json_arrayagg", .columnName),
            Change("json_object", .columnName),
            Change("json_objectagg", .columnName),
            Change("keys", .unreserved),
            Change("scalar", .unreserved),
            Change("system_user", .reserved),
        ],
        17: [
            Change("conditional", .unreserved),
            Change("empty", .unreserved),
            Change("error", .unreserved),
            Change("json", .columnName),
            Change("json_exists", .columnName),
            Change("json_query", .columnName),
            Change("json_scalar", .columnName),
            Change("json_serialize", .columnName),
            Change("json_table", .columnName),
            Change("json_value", .columnName),
            Change("keep", .unreserved),
            Change("merge_action", .columnName),
            Change("nested", .unreserved),
            Change("omit", .unreserved),
            Change("path", .unreserved),
            Change("plan", .unreserved),
            Change("quotes", .unreserved),
            Change("source", .unreserved),
            Change("string", .unreserved),
            Change("target", .unreserved),
            Change("unconditional", .unreserved),
        ],
        18: [
            Change("enforced", .unreserved),
            Change("objects", .unreserved),
            Change("period", .unreserved),
            Change("recheck", nil),
            Change("virtual", .unreserved),
        ],
    ]
}
