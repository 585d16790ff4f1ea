/// GRANT / REVOKE text as pg_dump writes it: ports of dumputils.c's buildACLCommands,
/// buildDefaultACLCommands, parseAclItem, quoteAclUserName and dequoteAclUserName.
///
/// The inputs are the text forms the server prints for `aclitem[]` values (`{a=r/b,=U/b}`), as
/// pg_dump 15+ reads them: the object's current ACL, `acldefault()` of its type and owner, and
/// its `pg_init_privs` entry if any. Everything here is pure; callers decide which of those
/// strings apply (see `DumpEmitter.emitACL`).

/// An `aclitem[]` (or one `aclitem`) text pg_dump could not parse; pg_dump stops with
/// "could not parse ACL list".
public struct ACLParseError: Error, Equatable, CustomStringConvertible, Sendable {
    public var acl: String
    public var baseACL: String?
    public var objectName: String
    public var objectType: String

    public init(acl: String, baseACL: String?, objectName: String, objectType: String) {
        self.acl = acl
        self.baseACL = baseACL
        self.objectName = objectName
        self.objectType = objectType
    }

    public var description: String {
        "could not parse ACL list (\(acl)) or default (\(baseACL ?? "")) for object \"\(objectName)\" (\(objectType))"
    }
}

/// One `aclitem` split the way parseAclItem does: role names dequoted (grantee "" is PUBLIC) and
/// privilege letters turned into GRANT keyword lists.
public struct ParsedACLItem: Equatable, Sendable {
    public var grantee: String
    public var grantor: String
    /// Privileges granted without grant option ("SELECT,UPDATE", "ALL", "SELECT(c)"...).
    public var privileges: String
    /// Privileges granted WITH GRANT OPTION; empty when `separateGrantOption` was false.
    public var privilegesWithGrantOption: String
}

public enum ACLCommands {
    /// Builds the REVOKE / GRANT commands that turn `baseACLs` into `acls` (buildACLCommands).
    ///
    /// - Parameters:
    ///   - name: the object's name as the commands print it, already quoted ("t", "f(integer)",
    ///     "" for default ACLs).
    ///   - subname: the column name, already quoted, for column privileges; nil otherwise.
    ///   - namespace: the schema (unquoted) the name is qualified with; nil or "" for none.
    ///   - type: the GRANT object type keyword: TABLE, SEQUENCE, FUNCTION, PROCEDURE, LANGUAGE,
    ///     SCHEMA, DATABASE, TABLESPACE, TYPE, FOREIGN DATA WRAPPER, FOREIGN SERVER, PARAMETER,
    ///     LARGE OBJECT, or a plural (TABLES, ...) for default privileges.
    ///   - acls: the ACL to reach; nil or "" means "nothing to do" (pg_dump's NULL ACL).
    ///   - baseACLs: the ACL the object starts from (acldefault or initprivs; "{}" for none).
    ///   - owner: the object's owner (unquoted); nil or "" when unknown.
    ///   - prefix: prepended to each GRANT/REVOKE ("ALTER DEFAULT PRIVILEGES ... ").
    /// - Returns: the commands, possibly empty.
    public static func build(name: String, subname: String?, namespace: String?, type: String,
                             acls: String?, baseACLs: String?, owner: String?, prefix: String = "",
                             context: RenderContext) throws -> String {
        guard let acls, !acls.isEmpty else { return "" }
        let owner = (owner?.isEmpty ?? true) ? nil : owner
        let failure = ACLParseError(acl: acls, baseACL: baseACLs, objectName: name, objectType: type)
        guard let aclItems = parsePGArray(acls), let baseItems = parsePGArray(baseACLs ?? "") else { throw failure }

        // Plain string comparison, as pg_dump does: both sides are aclitemout() output.
        let grantItems = aclItems.filter { !baseItems.contains($0) }
        let revokeItems = baseItems.filter { !aclItems.contains($0) }

        // "ON <type> <object> "; default privileges have no object, which pg_dump 15 still
        // surrounded with spaces ("ON TABLES  TO") and 16+ does not.
        var target = type + " "
        if let ns = namespace, !ns.isEmpty { target += context.id(ns) + "." }
        target += name
        if !(name.isEmpty && context.pgDumpMajor >= 16) { target += " " }

        // Revokes and the owner's own grants go first, everything else after.
        var first = ""
        var second = ""
        for item in revokeItems {
            guard let parsed = parseItem(item, type: type, subname: subname, separateGrantOption: false,
                                         pgDumpMajor: context.pgDumpMajor) else { throw failure }
            guard !parsed.privileges.isEmpty else { continue }
            first += "\(prefix)REVOKE \(parsed.privileges) ON \(target)FROM "
            first += parsed.grantee.isEmpty ? "PUBLIC;\n" : "\(context.id(parsed.grantee));\n"
        }

        // Grants keep the ACL's order (grants WITH GRANT OPTION precede the grants made with
        // them), except that the owner's own grants are forced first.
        for item in grantItems {
            guard var parsed = parseItem(item, type: type, subname: subname, separateGrantOption: true,
                                         pgDumpMajor: context.pgDumpMajor) else { throw failure }
            guard !parsed.privileges.isEmpty || !parsed.privilegesWithGrantOption.isEmpty else { continue }
            if parsed.grantor.isEmpty, let owner { parsed.grantor = owner }
            var text = ""
            let needsSession = !parsed.grantor.isEmpty && parsed.grantor != owner
            if needsSession { text += "SET SESSION AUTHORIZATION \(context.id(parsed.grantor));\n" }
            let grantee = parsed.grantee.isEmpty ? "PUBLIC" : context.id(parsed.grantee)
            if !parsed.privileges.isEmpty {
                text += "\(prefix)GRANT \(parsed.privileges) ON \(target)TO \(grantee);\n"
            }
            if !parsed.privilegesWithGrantOption.isEmpty {
                text += "\(prefix)GRANT \(parsed.privilegesWithGrantOption) ON \(target)TO \(grantee) WITH GRANT OPTION;\n"
            }
            if needsSession { text += "RESET SESSION AUTHORIZATION;\n" }
            if let owner, parsed.grantee == owner, parsed.grantor == owner { first += text } else { second += text }
        }
        return first + second
    }

    /// ALTER DEFAULT PRIVILEGES commands for one pg_default_acl row (buildDefaultACLCommands).
    /// `type` is TABLES, SEQUENCES, FUNCTIONS, TYPES or SCHEMAS; `defaultACL` is acldefault() of
    /// the object type for global entries and "{}" for per-schema ones.
    public static func buildDefault(type: String, namespace: String?, acls: String?, defaultACL: String?,
                                    owner: String, context: RenderContext) throws -> String {
        // The role is named in the command itself (not SET ROLE) so that a permission error
        // changes nothing rather than some other role's defaults.
        var prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE \(context.id(owner)) "
        if let namespace { prefix += "IN SCHEMA \(context.id(namespace)) " }
        return try build(name: "", subname: nil, namespace: nil, type: type, acls: acls, baseACLs: defaultACL,
                         owner: owner, prefix: prefix, context: context)
    }

    /// The ACL pg_dump assumes the public schema starts from, whatever pg_init_privs says:
    /// `{owner=UC/owner,=U/owner}` (getNamespaces).
    public static func publicSchemaInitPrivileges(owner: String) -> String {
        let q = quoteUserName(owner)
        return "{" + arrayElement("\(q)=UC/\(q)") + "," + arrayElement("=U/\(q)") + "}"
    }

    // MARK: aclitem parsing

    /// parseAclItem: `grantee=privs/grantor`. Returns nil on a syntax error.
    ///
    /// With `separateGrantOption` false every privilege lands in `privileges` (used for
    /// REVOKE). "ALL" replaces the list when every privilege of the type is present with the
    /// same grant option, so that dumps stay valid when newer servers add privileges.
    public static func parseItem(_ item: String, type: String, subname: String?, separateGrantOption: Bool,
                                 pgDumpMajor: Int) -> ParsedACLItem? {
        let chars = Array(item.unicodeScalars)
        var pos = 0
        let grantee = dequoteUserName(chars, &pos)
        guard pos < chars.count, chars[pos] == "=" else { return nil }
        let privStart = pos + 1
        guard let slash = chars[privStart...].firstIndex(of: "/") else { return nil }
        let privCodes = Array(chars[privStart..<slash])
        pos = slash + 1
        let grantor = dequoteUserName(chars, &pos)
        guard pos == chars.count else { return nil }

        var privs: [String] = []
        var privsWithGO: [String] = []
        var allWithGO = true
        var allWithoutGO = true
        func add(_ list: inout [String], _ keyword: String) {
            list.append(subname.map { "\(keyword)(\($0))" } ?? keyword)
        }
        func convert(_ code: Unicode.Scalar, _ keyword: String) {
            // strchr semantics: the first occurrence decides, '*' right after it is the grant option.
            if let i = privCodes.firstIndex(of: code) {
                if i + 1 < privCodes.count, privCodes[i + 1] == "*", separateGrantOption {
                    add(&privsWithGO, keyword)
                    allWithoutGO = false
                } else {
                    add(&privs, keyword)
                    allWithGO = false
                }
            } else {
                allWithGO = false
                allWithoutGO = false
            }
        }

        switch type {
        case "TABLE", "SEQUENCE", "TABLES", "SEQUENCES":
            convert("r", "SELECT")
            if type == "SEQUENCE" || type == "SEQUENCES" {
                convert("U", "USAGE")
            } else {
                convert("a", "INSERT")
                convert("x", "REFERENCES")
                // The rest do not apply to columns.
                if subname == nil {
                    convert("d", "DELETE")
                    convert("t", "TRIGGER")
                    convert("D", "TRUNCATE")
                    // MAINTAIN exists from PostgreSQL 17 (dumputils.c of 17+).
                    if pgDumpMajor >= 17 { convert("m", "MAINTAIN") }
                }
            }
            convert("w", "UPDATE")
        case "FUNCTION", "FUNCTIONS", "PROCEDURE", "PROCEDURES":
            convert("X", "EXECUTE")
        case "LANGUAGE":
            convert("U", "USAGE")
        case "SCHEMA", "SCHEMAS":
            convert("C", "CREATE")
            convert("U", "USAGE")
        case "DATABASE":
            convert("C", "CREATE")
            convert("c", "CONNECT")
            convert("T", "TEMPORARY")
        case "TABLESPACE":
            convert("C", "CREATE")
        case "TYPE", "TYPES", "FOREIGN DATA WRAPPER", "FOREIGN SERVER":
            convert("U", "USAGE")
        case "FOREIGN TABLE":
            convert("r", "SELECT")
        case "PARAMETER":
            convert("s", "SET")
            convert("A", "ALTER SYSTEM")
        case "LARGE OBJECT", "LARGE OBJECTS":
            convert("r", "SELECT")
            convert("w", "UPDATE")
        default:
            return nil
        }

        let all = subname.map { "ALL(\($0))" } ?? "ALL"
        if allWithGO {
            privs = []
            privsWithGO = [all]
        } else if allWithoutGO {
            privsWithGO = []
            privs = [all]
        }
        return ParsedACLItem(grantee: String(String.UnicodeScalarView(grantee)),
                             grantor: String(String.UnicodeScalarView(grantor)),
                             privileges: privs.joined(separator: ","),
                             privilegesWithGrantOption: privsWithGO.joined(separator: ","))
    }

    /// quoteAclUserName: a role name as aclitemout's putid() writes it (double quotes unless
    /// the name is only ASCII letters, digits and underscores; `"` doubled).
    public static func quoteUserName(_ name: String) -> String {
        // isalnum() in the C locale pg_dump runs under: ASCII only.
        let safe = name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        let body = name.replacingOccurrences(of: "\"", with: "\"\"")
        return safe ? body : "\"\(body)\""
    }

    /// dequoteAclUserName for a whole string (up to an unquoted '=' or the end).
    public static func dequoteUserName(_ text: String) -> String {
        let chars = Array(text.unicodeScalars)
        var pos = 0
        return String(String.UnicodeScalarView(dequoteUserName(chars, &pos)))
    }

    /// Reads a role name at `pos`, stopping at an unquoted '=' or the end.
    static func dequoteUserName(_ chars: [Unicode.Scalar], _ pos: inout Int) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        while pos < chars.count, chars[pos] != "=" {
            if chars[pos] != "\"" {
                out.append(chars[pos])
                pos += 1
                continue
            }
            pos += 1
            // Until an unescaped quote; "" stands for one ".
            while !(pos < chars.count && chars[pos] == "\"" && !(pos + 1 < chars.count && chars[pos + 1] == "\"")) {
                if pos >= chars.count { return out } // unterminated: a syntax error the caller sees
                if chars[pos] == "\"" { pos += 1 }
                out.append(chars[pos])
                pos += 1
            }
            pos += 1
        }
        return out
    }

    // MARK: array text

    /// parsePGArray: the elements of a one-dimensional array's text form, or nil when malformed.
    /// "" (no array at all) gives no elements, as pg_dump's parse of an empty string does.
    public static func parsePGArray(_ text: String) -> [String]? {
        if text.isEmpty { return [] }
        let chars = Array(text.unicodeScalars)
        guard chars.first == "{", chars.last == "}" else { return nil }
        var items: [String] = []
        var pos = 1
        let end = chars.count - 1
        if pos == end { return [] }
        while pos < end {
            var element = String.UnicodeScalarView()
            if chars[pos] == "\"" {
                pos += 1
                while pos < end, chars[pos] != "\"" {
                    if chars[pos] == "\\" { pos += 1; guard pos < end else { return nil } }
                    element.append(chars[pos])
                    pos += 1
                }
                guard pos < end else { return nil }
                pos += 1
            } else {
                while pos < end, chars[pos] != "," {
                    if chars[pos] == "\\" { pos += 1; guard pos < end else { return nil } }
                    element.append(chars[pos])
                    pos += 1
                }
            }
            items.append(String(element))
            if pos < end {
                guard chars[pos] == "," else { return nil }
                pos += 1
                if pos == end { return nil }
            }
        }
        return items
    }

    /// appendPGArray's quoting of one element (array_out's choices: quotes for an empty
    /// string, NULL, or any of `"`, backslash, `{`, `}`, `,` and white space).
    static func arrayElement(_ value: String) -> String {
        let special: Set<Unicode.Scalar> = ["\"", "\\", "{", "}", ",", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
        let needsQuotes = value.isEmpty || value.uppercased() == "NULL" || value.unicodeScalars.contains { special.contains($0) }
        guard needsQuotes else { return value }
        var out = "\""
        for c in value.unicodeScalars {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }
}

extension ACLCommands {
    /// acldefault(kind, owner) as the server prints it, for objects whose catalog rows carry no
    /// default: f (functions), T (types), l (languages), F (FDWs), S (servers).
    public static func defaultACL(kind: Character, owner: String) -> String {
        let o = quoteUserName(owner)
        let items: [String]
        switch kind {
        case "f": items = ["=X/\(o)", "\(o)=X/\(o)"]
        case "T", "l": items = ["=U/\(o)", "\(o)=U/\(o)"]
        default: items = ["\(o)=U/\(o)"]
        }
        return "{" + items.map(arrayElement).joined(separator: ",") + "}"
    }

}
