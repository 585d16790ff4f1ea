import Foundation

/// pg_dump_sort.c's sortDumpableObjectsByTypeName / DOTypeNameCompare: the starting order the
/// dependency sort preserves wherever dependencies allow.
///
/// Keys, in order: kind priority; schema name (objects without a schema after those with one);
/// object name (pg_dump's dobj.name, not the TOC tag: a constraint's name is conname, a
/// function's proname); the kind's raw value (opclass before opfamily of the same name); the
/// kind's natural-key tiebreak (`DumpObject.sortTiebreak`, see `SortTiebreak`); finally the
/// catalog OID. Names compare as bytes, like strcmp in the C locale.
public enum TypeNameOrder {
    /// Sorts objects by type and name (pg_dump's qsort with DOTypeNameCompare). Objects equal in
    /// every key keep their input order.
    public static func sorted(_ objects: [DumpObject], pgDumpMajor: Int) -> [DumpObject] {
        // The keys are read out of the objects once: comparing them in place would copy (retain and
        // release) their strings at every one of the sort's few hundred thousand comparisons.
        let keys = objects.enumerated().map { Key($0.element, index: $0.offset, pgDumpMajor: pgDumpMajor) }
        // Positions are sorted, not the keys themselves: the stable sort's buffer is then a few
        // bytes per object rather than a copy of every key.
        var order = (0..<Int32(keys.count)).map { $0 }
        keys.withUnsafeBufferPointer { k in
            order.sort { a, b in
                let c = k[Int(a)].compare(k[Int(b)])
                return c != 0 ? c < 0 : a < b
            }
        }
        return order.map { objects[Int($0)] }
    }

    /// DOTypeNameCompare's keys of one object.
    struct Key {
        let priority: Int
        let namespace: String?
        let name: String
        let kind: Int
        let tiebreak: [String]
        let oid: UInt32
        let index: Int

        init(_ o: DumpObject, index: Int, pgDumpMajor: Int) {
            priority = SortPriority.level(of: o.kind, pgDumpMajor: pgDumpMajor).rawValue
            namespace = o.namespace
            name = o.name
            kind = o.kind.rawValue
            tiebreak = o.sortTiebreak
            oid = o.catalogId.oid
            self.index = index
        }

        func compare(_ b: Key) -> Int {
            if priority != b.priority { return priority < b.priority ? -1 : 1 }
            switch (namespace, b.namespace) {
            case let (na?, nb?):
                let c = byteCompare(na, nb)
                if c != 0 { return c }
            case (.some, nil): return -1
            case (nil, .some): return 1
            case (nil, nil): break
            }
            var c = byteCompare(name, b.name)
            if c != 0 { return c }
            if kind != b.kind { return kind < b.kind ? -1 : 1 }
            c = compareTiebreaks(tiebreak, b.tiebreak)
            if c != 0 { return c }
            if oid != b.oid { return oid < b.oid ? -1 : 1 }
            return 0
        }
    }

    /// strcmp of two strings' UTF-8 bytes (Swift's String ordering is by Unicode scalars
    /// after normalisation, which is not what pg_dump does).
    public static func byteCompare(_ a: String, _ b: String) -> Int {
        // memcmp over the strings' own UTF-8 storage when both have it (native strings do).
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Int in
                let n = min(x.count, y.count)
                if n > 0, let px = x.baseAddress, let py = y.baseAddress {
                    let c = memcmp(px, py, n)
                    if c != 0 { return c < 0 ? -1 : 1 }
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
        if let result = fast ?? nil { return result }
        var ia = a.utf8.makeIterator()
        var ib = b.utf8.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    static func compareTiebreaks(_ a: [String], _ b: [String]) -> Int {
        for (x, y) in zip(a, b) {
            let c = byteCompare(x, y)
            if c != 0 { return c }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

/// Builders for `DumpObject.sortTiebreak`, one per kind DOTypeNameCompare breaks ties for. Each
/// encodes pg_dump's comparison as strings compared element by element with strcmp: numbers are
/// offset and zero-padded so that byte order is numeric order.
public enum SortTiebreak {
    /// A type named as pgTypeNameCompare compares it: its schema's name, then pg_type.typname.
    public struct TypeName: Hashable, Sendable {
        public var namespace: String
        public var name: String
        public init(namespace: String, name: String) {
            self.namespace = namespace
            self.name = name
        }
    }

    /// Functions and aggregates: number of arguments, then each argument type (pronargs,
    /// proargtypes; for aggregates pg_dump's FuncInfo holds the same).
    public static func function(argumentTypes: [TypeName]) -> [String] {
        [number(argumentTypes.count)] + argumentTypes.flatMap { [$0.namespace, $0.name] }
    }

    /// Operators: oprkind sorted 'r' (postfix), 'l' (prefix), 'b' (infix) — pg_dump compares
    /// kind2 - kind1 — then left and right operand types (nil for InvalidOid).
    public static func `operator`(kind: Character, left: TypeName?, right: TypeName?) -> [String] {
        let code = Int(kind.asciiValue ?? 0)
        return [number(255 - code), left?.namespace ?? "", left?.name ?? "", right?.namespace ?? "", right?.name ?? ""]
    }

    /// Operator classes and families: the access method's name.
    public static func accessMethod(_ name: String) -> [String] { [name] }

    /// Collations: collencoding (-1 for "any encoding").
    public static func collation(encoding: Int) -> [String] { [number(encoding)] }

    /// Attribute defaults: the column number (adnum).
    public static func attrDef(columnNumber: Int) -> [String] { [number(columnNumber)] }

    /// Policies, rules, triggers: the table's name (its schema was compared already).
    public static func parentTable(_ tableName: String) -> [String] { [tableName] }

    /// Constraints and FK constraints: domain constraints before table constraints, then the
    /// domain's or table's name.
    public static func constraint(domain: String?, table: String?) -> [String] {
        if let domain { return ["0", domain] }
        return ["1", table ?? ""]
    }

    /// Default ACLs: the role the defaults belong to (defaclrole's name).
    public static func defaultACL(role: String) -> [String] { [role] }

    /// Publication tables and publication schemas: the publication's name.
    public static func publication(_ name: String) -> [String] { [name] }

    /// Subscription tables (pg_dump 17+): the subscription's name.
    public static func subscription(_ name: String) -> [String] { [name] }

    /// A number as a string whose byte order is numeric order (for |n| < 10^9).
    static func number(_ n: Int) -> String {
        let shifted = String(n + 1_000_000_000)
        return String(repeating: "0", count: max(0, 10 - shifted.count)) + shifted
    }
}
