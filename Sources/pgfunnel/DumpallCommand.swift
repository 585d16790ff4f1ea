import ArgumentParser
import Archive
import Catalog
import DDL
import Foundation
import Postgres
import Restore

/// `pgfunnel dumpall --globals-only`: pg_dumpall's roles, memberships, parameter privileges and
/// tablespaces script, statement for statement as pg_dumpall of the server's major prints it.
struct DumpallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dumpall",
        abstract: "Print the cluster's global objects as pg_dumpall -g does (roles, memberships, tablespaces).",
        discussion: """
        Only the globals are written (-g, -r or -t); databases are dumped with `pgfunnel dump`.

        Examples:
          pgfunnel dumpall -g -f globals.sql
          pgfunnel dumpall --roles-only --no-role-passwords -h /tmp -p 5432
        """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("f"), .customLong("file")], help: "Output file (standard output when omitted).")
    var file: String?
    @Flag(name: [.customShort("g"), .customLong("globals-only")], help: "Dump only global objects, no databases.")
    var globalsOnly = false
    @Flag(name: [.customShort("r"), .customLong("roles-only")], help: "Dump only roles, no databases or tablespaces.")
    var rolesOnly = false
    @Flag(name: [.customShort("t"), .customLong("tablespaces-only")], help: "Dump only tablespaces, no databases or roles.")
    var tablespacesOnly = false
    @Flag(name: .customLong("no-role-passwords"), help: "Do not dump passwords for roles.")
    var noRolePasswords = false
    @Flag(name: .customLong("no-comments"), help: "Do not dump comments.")
    var noComments = false
    @Flag(name: .customLong("no-tablespaces"), help: "Do not dump tablespace assignments.")
    var noTablespaces = false
    @Flag(name: [.customShort("x"), .customLong("no-privileges"), .customLong("no-acl")], help: "Do not dump privileges.")
    var noPrivileges = false
    @Flag(name: .customLong("no-security-labels"), help: "Do not dump security label assignments.")
    var noSecurityLabels = false
    @Flag(name: .customLong("quote-all-identifiers"), help: "Quote all identifiers.")
    var quoteAllIdentifiers = false
    @Option(name: .customLong("role"), help: "SET ROLE before dumping.")
    var role: String?
    @Option(name: [.customShort("l"), .customLong("database")], help: "Alternative default database.")
    var database: String?
    @Option(name: .customLong("restrict-key"), help: "Use this string as psql's \\restrict key.")
    var restrictKey: String?

    func run() throws {
        if rolesOnly && tablespacesOnly {
            throw CommandFailure("options -r/--roles-only and -t/--tablespaces-only cannot be used together")
        }
        if globalsOnly && (rolesOnly || tablespacesOnly) {
            throw CommandFailure("options -g/--globals-only and \(rolesOnly ? "-r/--roles-only" : "-t/--tablespaces-only") cannot be used together")
        }
        guard globalsOnly || rolesOnly || tablespacesOnly else {
            throw CommandFailure("pgfunnel dumpall writes only the global objects: use -g/--globals-only, -r/--roles-only or -t/--tablespaces-only (and `pgfunnel dump` for each database)")
        }
        let key = restrictKey ?? RestrictKey.generate()
        guard RestrictKey.isValid(key) else { throw CommandFailure("invalid restrict key") }
        try SignalCleanup.run {
            let conn = try connect()
            try conn.execute("SELECT pg_catalog.set_config('search_path', '', false);")
            if let role { try conn.execute("SET ROLE \(quoteIdentifier(role))") }
            if quoteAllIdentifiers { try conn.execute("SET quote_all_identifiers = true") }
            var sel = GlobalsCatalog.Selection()
            sel.roles = !tablespacesOnly
            sel.tablespaces = !rolesOnly && !noTablespaces
            sel.privileges = !noPrivileges
            sel.securityLabels = !noSecurityLabels
            sel.useRolesView = noRolePasswords
            let catalog = try GlobalsCatalog.load(conn, sel)
            conn.close()
            var ctx = RenderContext(serverVersion: catalog.serverVersion, pgDumpMajor: min(max(catalog.serverVersion / 10000, 15), 18))
            ctx.quoteAllIdentifiers = quoteAllIdentifiers
            ctx.standardConformingStrings = catalog.standardConformingStrings != "off"
            var opts = GlobalsDDL.Options()
            opts.rolesOnly = rolesOnly
            opts.tablespacesOnly = tablespacesOnly
            opts.noTablespaces = noTablespaces
            opts.noRolePasswords = noRolePasswords
            opts.noComments = noComments
            opts.noPrivileges = noPrivileges
            opts.noSecurityLabels = noSecurityLabels
            opts.restrictKey = key
            let script = try GlobalsDDL.script(catalog, opts, ctx, warn: { printError("pgfunnel: warning: \($0)") })
            let output = try OutputFile(path: file)
            SignalCleanup.install(output)
            try output.write(script)
            try output.commit()
        }
    }

    /// pg_dumpall's choice of database: -l, else "postgres", falling back to "template1". A -d
    /// connection string supplies the other parameters; its database name is ignored, as in pg_dumpall.
    func connect() throws -> Connection {
        var params = connection.parameters()
        params.overrideDatabase = database ?? "postgres"
        do {
            return try Connection(parameters: params, passwordProvider: connection.passwordProvider)
        } catch {
            if database != nil { throw error }
            params.overrideDatabase = "template1"
            return try Connection(parameters: params, passwordProvider: connection.passwordProvider)
        }
    }
}
