import Catalog

extension RenderContext {
    /// dumputils.c appendReloptionsArray: "name=value, ..." from a reloptions text array. The
    /// value stays bare when fmtId would leave it bare, and is a string literal otherwise
    /// (so numbers and keywords such as false are quoted: fillfactor='70').
    public func reloptions(_ array: String?, prefix: String = "") -> String {
        PostgresArray.parse(array).map { option -> String in
            let name: Substring
            let value: Substring
            if let eq = option.firstIndex(of: "=") {
                name = option[..<eq]
                value = option[option.index(after: eq)...]
            } else {
                name = Substring(option)
                value = ""
            }
            let v = String(value)
            return prefix + id(String(name)) + "=" + (id(v) == v ? v : literal(v))
        }.joined(separator: ", ")
    }

    /// pg_dump's nonemptyReloptions.
    public func hasReloptions(_ array: String?) -> Bool { array.map { $0.count > 2 } ?? false }
}
