/// Objects the shared fixture does not cover, loaded on top of it by NonRelationOracleTests.
enum NonRelationEdgeCases {
    static let sql = #"""
        CREATE SCHEMA edge;
        -- Servers built without ICU (the 16-18 wheels) skip this one.
        DO $$ BEGIN
            EXECUTE $c$CREATE COLLATION edge.icu_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)$c$;
        EXCEPTION WHEN feature_not_supported THEN NULL;
        END $$;
        CREATE COLLATION edge.split_libc (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
        CREATE FUNCTION edge.neg(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT -$1';
        CREATE OPERATOR edge.~~~ (RIGHTARG = integer, FUNCTION = edge.neg);
        CREATE FUNCTION edge.needs_ext() RETURNS int LANGUAGE sql AS 'SELECT 1';
        ALTER FUNCTION edge.needs_ext() DEPENDS ON EXTENSION hstore;
        CREATE FUNCTION edge.c_style(text) RETURNS text LANGUAGE internal STRICT COST 3 AS 'textout';
        CREATE FUNCTION edge.setof_rows() RETURNS SETOF int LANGUAGE sql ROWS 1000 AS 'SELECT 1';
        CREATE FUNCTION edge.hyp_final(internal, VARIADIC "any") RETURNS bigint LANGUAGE internal AS 'hypothetical_rank_final';
        CREATE AGGREGATE edge.my_rank(VARIADIC "any" ORDER BY VARIADIC "any") (
            SFUNC = ordered_set_transition_multi, STYPE = internal, FINALFUNC = edge.hyp_final,
            FINALFUNC_EXTRA, HYPOTHETICAL);
        CREATE AGGREGATE edge.count_star(*) (SFUNC = int8inc, STYPE = bigint, INITCOND = '0');
        CREATE TYPE edge.mood AS ENUM ('a');
        CREATE TYPE edge.shellonly;
        CREATE DOMAIN edge.d_nn AS int CONSTRAINT d_nn_named NOT NULL CHECK (VALUE > 0) DEFAULT 5;
        CREATE OPERATOR FAMILY edge.empty_fam USING btree;
        CREATE OPERATOR CLASS edge.int_ops_plain FOR TYPE int USING hash AS OPERATOR 1 =, FUNCTION 1 hashint4(int);
        CREATE TEXT SEARCH DICTIONARY edge.syn (TEMPLATE = simple, StopWords = english, accept = false);
        CREATE EVENT TRIGGER edge_always ON ddl_command_start EXECUTE FUNCTION fx.evt_noop();
        ALTER EVENT TRIGGER edge_always ENABLE ALWAYS;
        ALTER EVENT TRIGGER edge_always DISABLE;
        CREATE PUBLICATION edge_pub_ops WITH (publish = 'update, delete');
        CREATE SUBSCRIPTION edge_sub CONNECTION 'dbname=nowhere' PUBLICATION p1
            WITH (connect = false, slot_name = 'edge_slot', two_phase = true, disable_on_error = true, synchronous_commit = 'local');
        CREATE TYPE edge.comp AS (a int, gone text, b text COLLATE "C");
        ALTER TYPE edge.comp DROP ATTRIBUTE gone;
        CREATE FUNCTION edge.quoted_path() RETURNS int LANGUAGE sql
            SET search_path = "My Schema", public SET TimeZone = 'UTC' AS 'SELECT 1';
        CREATE TYPE edge.vec;
        CREATE FUNCTION edge.vec_in(cstring) RETURNS edge.vec LANGUAGE internal IMMUTABLE STRICT AS 'array_in';
        CREATE FUNCTION edge.vec_out(edge.vec) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'array_out';
        CREATE TYPE edge.vec (INPUT = edge.vec_in, OUTPUT = edge.vec_out, INTERNALLENGTH = 8,
            SUBSCRIPT = raw_array_subscript_handler, ELEMENT = float4, PREFERRED = true, CATEGORY = 'A', COLLATABLE = true);
        COMMENT ON TYPE edge.comp IS 'composite';
        COMMENT ON COLUMN edge.comp.b IS 'column b';
        """#

    /// Subscription options pg_dump 16+ knows (created only on servers that have them).
    static func subscriptionSQL(major: Int) -> String {
        var options = "connect = false, slot_name = NONE, streaming = parallel, origin = none, password_required = false, run_as_owner = true"
        if major >= 17 { options += ", failover = true" }
        return "CREATE SUBSCRIPTION edge_sub16 CONNECTION 'dbname=nowhere' PUBLICATION p1 WITH (\(options));\n"
    }
}
