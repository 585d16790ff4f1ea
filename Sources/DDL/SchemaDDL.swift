import Catalog

/// dumpNamespace: CREATE SCHEMA, or the "not creating" comment for the public schema.
public enum SchemaDDL {
    /// pg_database_owner, the default owner of public since 15.
    public static let databaseOwnerRole: UInt32 = 6171

    /// `create` is false for public (initdb creates it).
    public static func render(name: String, create: Bool, _ ctx: RenderContext) -> (create: String, drop: String) {
        if create {
            return ("CREATE SCHEMA \(ctx.id(name));\n", "DROP SCHEMA \(ctx.id(name));\n")
        }
        return ("-- *not* creating schema, since initdb creates it\n", "-- *not* dropping schema, since initdb creates it\n")
    }
}
