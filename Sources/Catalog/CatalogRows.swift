import Postgres

/// A catalog query returned something the dumper cannot use: which query, which row, which column.
public struct CatalogError: Error, CustomStringConvertible, Sendable {
    public var query: String
    public var row: Int
    public var column: String
    public var problem: String

    public init(query: String, row: Int, column: String, problem: String) {
        self.query = query
        self.row = row
        self.column = column
        self.problem = problem
    }

    public var description: String { "catalog query \(query), row \(row), column \(column): \(problem)" }
}

/// Typed access to one row of a catalog query, with errors that name the query and column.
public struct CatalogRow {
    public let row: QueryResult.Row
    public let queryName: String

    public init(_ row: QueryResult.Row, query: String) {
        self.row = row
        self.queryName = query
    }

    /// A NOT NULL column.
    public func string(_ column: String) throws -> String {
        guard let v = row[column] else {
            throw CatalogError(query: queryName, row: row.index, column: column, problem: "unexpected NULL")
        }
        return v
    }

    public func optional(_ column: String) -> String? { row[column] }

    public func oid(_ column: String) throws -> UInt32 {
        let s = try string(column)
        guard let v = UInt32(s) else {
            throw CatalogError(query: queryName, row: row.index, column: column, problem: "not an OID: \(s)")
        }
        return v
    }

    public func int(_ column: String) throws -> Int {
        let s = try string(column)
        guard let v = Int(s) else {
            throw CatalogError(query: queryName, row: row.index, column: column, problem: "not an integer: \(s)")
        }
        return v
    }

    /// PostgreSQL's boolean text output ("t"/"f").
    public func bool(_ column: String) throws -> Bool { try string(column) == "t" }

    /// A "char" column.
    public func char(_ column: String) throws -> Character {
        let s = try string(column)
        guard let c = s.first else {
            throw CatalogError(query: queryName, row: row.index, column: column, problem: "empty \"char\"")
        }
        return c
    }

    /// A text[] column parsed with PostgreSQL's array syntax (pg_dump's parsePGArray).
    public func textArray(_ column: String) throws -> [String]? {
        guard let s = row[column] else { return nil }
        guard let items = PGArray.parse(s) else {
            throw CatalogError(query: queryName, row: row.index, column: column, problem: "malformed array: \(s)")
        }
        return items
    }
}

extension Connection {
    /// Runs a catalog query and wraps each row for typed access.
    public func catalogRows(_ name: String, _ sql: String, _ parameters: [String?] = []) throws -> [CatalogRow] {
        try query(sql, parameters).map { CatalogRow($0, query: name) }
    }
}

/// One-dimensional array literal parsing, as pg_dump's parsePGArray (NULL elements become "NULL"
/// strings, which never happens for the arrays dumped here).
public enum PGArray {
    public static func parse(_ text: String) -> [String]? {
        var chars = Array(text.unicodeScalars)
        guard chars.first == "{", chars.last == "}" else { return nil }
        chars.removeFirst()
        chars.removeLast()
        var items: [String] = []
        var i = 0
        if chars.isEmpty { return [] }
        while i <= chars.count {
            var item = String.UnicodeScalarView()
            if i < chars.count, chars[i] == "\"" {
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    item.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { return nil }
                i += 1
            } else {
                while i < chars.count, chars[i] != "," {
                    item.append(chars[i])
                    i += 1
                }
            }
            items.append(String(item))
            guard i < chars.count else { break }
            guard chars[i] == "," else { return nil }
            i += 1
        }
        return items
    }

    /// Integer/OID vector text ("1 2 3", as int2vector/oidvector print).
    public static func oidVector(_ text: String?) -> [UInt32] {
        (text ?? "").split(separator: " ").compactMap { UInt32($0) }
    }
}

/// A reference to a function as pg_dump's format_function_signature(honor_quotes) prints it
/// after the schema: `schema.name(argtype, ...)`.
public struct FunctionSignature: Equatable, Sendable {
    public var schema: String
    public var name: String
    public var argumentTypes: [String]
    public init(schema: String, name: String, argumentTypes: [String]) {
        self.schema = schema
        self.name = name
        self.argumentTypes = argumentTypes
    }
}

/// Bulk lookup of function signatures by OID (one round trip for any number of functions), for
/// objects that reference functions outside the dump (casts, transforms).
public enum FunctionSignatureCatalog {
    /// The functions procedural languages, transforms and casts refer to (handlers, inline and
    /// validator functions, FROM/TO SQL functions, cast functions), found server-side so that
    /// the query does not wait for those catalogs' results.
    public static func referencedByLanguagesTransformsAndCasts(_ connection: Connection) throws -> [UInt32: FunctionSignature] {
        try signatures(connection.catalogRows("function signatures", """
            SELECT p.oid, n.nspname, p.proname,
                   ARRAY(SELECT pg_catalog.format_type(t, NULL)
                         FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY AS a(t, i) ORDER BY i) AS argtypes
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            WHERE p.oid IN (
              SELECT lanplcallfoid FROM pg_catalog.pg_language UNION SELECT laninline FROM pg_catalog.pg_language
              UNION SELECT lanvalidator FROM pg_catalog.pg_language
              UNION SELECT trffromsql::pg_catalog.oid FROM pg_catalog.pg_transform
              UNION SELECT trftosql::pg_catalog.oid FROM pg_catalog.pg_transform
              UNION SELECT castfunc FROM pg_catalog.pg_cast)
            """))
    }

    private static func signatures(_ rows: [CatalogRow]) throws -> [UInt32: FunctionSignature] {
        var result: [UInt32: FunctionSignature] = [:]
        for r in rows {
            result[try r.oid("oid")] = FunctionSignature(schema: try r.string("nspname"), name: try r.string("proname"),
                                                         argumentTypes: try r.textArray("argtypes") ?? [])
        }
        return result
    }
}
