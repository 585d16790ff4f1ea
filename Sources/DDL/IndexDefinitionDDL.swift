import Catalog

/// pg_get_indexdef's text for the common index, rendered from its catalog row instead of asking
/// the server: pg_get_indexdef opens the table and scans pg_opclass for every column, which on
/// thousands of tables costs more than the rest of the index query.
///
/// Only indexes whose definition is fully determined by the names in their `IndexShape` are
/// rendered: plain columns, each with its type's default operator class (found by exact type,
/// as GetDefaultOpClass finds it first), the column's own collation, default ordering and no
/// operator class options; no expressions, predicate or storage parameters. Anything else
/// returns nil and is deparsed by the server (PostDataCatalog.indexDefinitions).
/// IndexDefinitionOracleTests compares both with pg_get_indexdef on every index of the fixture.
public enum IndexDefinitionDDL {
    /// - Parameters:
    ///   - columns: the table's columns in attnum order (dropped ones included), as
    ///     RelationCatalog.columns returns them.
    ///   - defaultOperatorClasses: default operator class OID -> the type it is the default for.
    public static func render(_ x: IndexRow, columns: [ColumnRow], defaultOperatorClasses: [UInt32: UInt32]) -> String? {
        guard let s = x.shape, !s.hasExpressions, !s.hasPredicate, !s.hasColumnOptions, x.reloptions == nil,
              x.keyAttributeCount > 0, x.attributeCount == x.keys.count, x.keyAttributeCount <= x.attributeCount,
              s.operatorClasses.count == x.keyAttributeCount, s.collations.count == x.keyAttributeCount,
              s.options.count == x.keyAttributeCount
        else { return nil }
        func column(_ attnum: Int) -> ColumnRow? {
            guard attnum >= 1, attnum <= columns.count else { return nil }
            let c = columns[attnum - 1]
            return c.number == attnum && !c.isDropped && !c.quotedName.isEmpty ? c : nil
        }
        var q = "CREATE \(s.isUnique ? "UNIQUE " : "")INDEX \(s.quotedName) ON \(s.isPartitioned ? "ONLY " : "")"
        q += "\(s.quotedTable) USING \(s.quotedAccessMethod) ("
        for k in 0..<x.attributeCount {
            guard let c = column(x.keys[k]) else { return nil }
            if k == x.keyAttributeCount {
                q += ") INCLUDE ("
            } else if k > 0 {
                q += ", "
            }
            q += c.quotedName
            guard k < x.keyAttributeCount else { continue }
            // Printed after the name by pg_get_indexdef when they differ from the column's defaults.
            guard s.options[k] == 0, s.collations[k] == 0 || s.collations[k] == c.collationOid,
                  let inputType = defaultOperatorClasses[s.operatorClasses[k]], inputType == c.typeOid
            else { return nil }
        }
        q += ")"
        if x.nullsNotDistinct { q += " NULLS NOT DISTINCT" }
        return q
    }
}
