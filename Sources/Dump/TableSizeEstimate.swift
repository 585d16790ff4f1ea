import Postgres

/// What the dump's progress line counts its ETA against: the on-disk size of the tables whose
/// data is dumped (heap and TOAST, `pg_table_size`), as an estimate of their COPY text. Read in
/// one query, and only when the progress line is shown.
enum TableSizeEstimate {
    static let query = """
        SELECT COALESCE(pg_catalog.sum(pg_catalog.pg_table_size(c.oid)), 0)::pg_catalog.int8
        FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.oid[])
        """

    /// `{1,2,3}`: the array literal of the relation OIDs.
    static func oidArray(_ oids: [UInt32]) -> String {
        "{" + oids.map(String.init).joined(separator: ",") + "}"
    }

    static func bytes(of relationOids: [UInt32], connection: Connection) throws -> Int64 {
        guard !relationOids.isEmpty else { return 0 }
        let result = try connection.query(query, [oidArray(relationOids)])
        return result.rowCount == 1 ? Int64(result[0, 0] ?? "") ?? 0 : 0
    }
}
