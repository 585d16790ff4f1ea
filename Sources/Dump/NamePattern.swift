/// pg_dump's name patterns (-n, -t, ...): psql's processSQLNamePattern rules. Unquoted text is
/// folded to lower case, `*` and `?` are wildcards, an unquoted `.` separates schema from name,
/// and double quotes keep text literally ("" stands for one quote). Each part becomes an anchored
/// POSIX regular expression the server matches against catalog names.
public struct NamePattern: Equatable, Sendable {
    public let schemaRegex: String?
    public let nameRegex: String

    public init(_ pattern: String) {
        var parts: [String] = [""]
        var inQuotes = false
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\"" {
                if inQuotes, i + 1 < chars.count, chars[i + 1] == "\"" {
                    parts[parts.count - 1] += "\""
                    i += 2
                    continue
                }
                inQuotes.toggle()
            } else if !inQuotes && c == "." {
                parts.append("")
            } else if !inQuotes && c == "*" {
                parts[parts.count - 1] += ".*"
            } else if !inQuotes && c == "?" {
                parts[parts.count - 1] += "."
            } else {
                let ch = inQuotes ? c : Character(c.lowercased())
                if "|()[]{}^$\\+.*?".contains(ch) { parts[parts.count - 1] += "\\" }
                parts[parts.count - 1].append(ch)
            }
            i += 1
        }
        nameRegex = "^(" + parts[parts.count - 1] + ")$"
        schemaRegex = parts.count >= 2 ? "^(" + parts[parts.count - 2] + ")$" : nil
    }
}
