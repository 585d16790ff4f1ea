/// The queries that turn -t/-T/--exclude-table-data patterns into table names.
enum DumpSelectionQueries {
    /// Tables matching ($1 name regex, $2 schema regex or NULL for visible tables); with
    /// `withChildren` (--table-and-children and friends, pg_dump 16's expand_table_name_patterns)
    /// also every table inheriting from a match, at any depth.
    static func tables(withChildren: Bool) -> String {
        let match = """
            SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r','S','v','m','f','p') AND c.relname OPERATOR(pg_catalog.~) $1
              AND ($2::text IS NULL AND pg_catalog.pg_table_is_visible(c.oid) OR n.nspname OPERATOR(pg_catalog.~) $2)
            """
        let tree = withChildren ? """
            WITH RECURSIVE partition_tree (relid) AS (
            \(match)
            UNION
            SELECT i.inhrelid FROM partition_tree p JOIN pg_catalog.pg_inherits i ON p.relid OPERATOR(pg_catalog.=) i.inhparent
            )
            SELECT relid FROM partition_tree
            """ : match
        return """
            SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid IN (\(tree))
            """
    }
}
