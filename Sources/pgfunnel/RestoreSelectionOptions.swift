import ArgumentParser
import Archive
import Restore

/// The options that select and shape what a restore does, shared by -f and -d.
struct RestoreSelectionOptions: ParsableArguments {
    @Flag(name: [.customShort("a"), .customLong("data-only")], help: "Restore only the data, no schema.")
    var dataOnly = false
    @Flag(name: [.customShort("s"), .customLong("schema-only")], help: "Restore only the schema, no data.")
    var schemaOnly = false
    @Option(name: .customLong("section"), help: "Restore named section (pre-data, data, or post-data).")
    var section: [String] = []
    @Flag(name: [.customShort("c"), .customLong("clean")], help: "Clean (drop) database objects before recreating.")
    var clean = false
    @Flag(name: .customLong("if-exists"), help: "Use IF EXISTS when dropping objects.")
    var ifExists = false
    @Flag(name: [.customShort("C"), .customLong("create")], help: "Create the target database.")
    var create = false
    @Flag(name: [.customShort("1"), .customLong("single-transaction")], help: "Restore as a single transaction.")
    var singleTransaction = false
    @Flag(name: [.customShort("e"), .customLong("exit-on-error")], help: "Exit on error, default is to continue.")
    var exitOnError = false
    @Flag(name: .customLong("disable-triggers"), help: "Disable triggers during data-only restore.")
    var disableTriggers = false
    @Option(name: [.customShort("S"), .customLong("superuser")], help: "Superuser user name to use for disabling triggers.")
    var superuser: String?
    @Flag(name: .customLong("use-set-session-authorization"), help: "Use SET SESSION AUTHORIZATION instead of ALTER OWNER.")
    var useSetSessionAuthorization = false
    @Flag(name: .customLong("enable-row-security"), help: "Enable row security.")
    var enableRowSecurity = false
    @Flag(name: [.customShort("O"), .customLong("no-owner")], help: "Skip restoration of object ownership.")
    var noOwner = false
    @Flag(name: [.customShort("x"), .customLong("no-privileges"), .customLong("no-acl")], help: "Skip restoration of access privileges.")
    var noPrivileges = false
    @Flag(name: .customLong("no-comments"), help: "Do not restore comment commands.")
    var noComments = false
    @Flag(name: .customLong("no-publications"), help: "Do not restore publications.")
    var noPublications = false
    @Flag(name: .customLong("no-subscriptions"), help: "Do not restore subscriptions.")
    var noSubscriptions = false
    @Flag(name: .customLong("no-security-labels"), help: "Do not restore security labels.")
    var noSecurityLabels = false
    @Flag(name: .customLong("no-tablespaces"), help: "Do not restore tablespace assignments.")
    var noTablespaces = false
    @Flag(name: .customLong("no-globals"), help: "Skip the roles, memberships and tablespaces `dump --with-globals` put into the archive.")
    var noGlobals = false
    @Flag(name: .customLong("no-table-access-method"), help: "Do not restore table access methods.")
    var noTableAccessMethod = false
    @Flag(name: .customLong("no-data-for-failed-tables"), help: "Do not restore data of tables that could not be created.")
    var noDataForFailedTables = false
    @Flag(name: .customLong("strict-names"), help: "Require table and/or schema include patterns to match at least one entity each.")
    var strictNames = false
    @Option(name: [.customShort("n"), .customLong("schema")], help: "Restore only objects in this schema.")
    var schemas: [String] = []
    @Option(name: [.customShort("N"), .customLong("exclude-schema")], help: "Do not restore objects in this schema.")
    var excludeSchemas: [String] = []
    @Option(name: [.customShort("t"), .customLong("table")], help: "Restore named relation (table, view, etc.).")
    var tables: [String] = []
    @Option(name: [.customShort("I"), .customLong("index")], help: "Restore named index.")
    var indexes: [String] = []
    @Option(name: [.customShort("P"), .customLong("function")], help: "Restore named function.")
    var functions: [String] = []
    @Option(name: [.customShort("T"), .customLong("trigger")], help: "Restore named trigger.")
    var triggers: [String] = []
    @Option(name: [.customShort("L"), .customLong("use-list")], help: "Use table of contents from this file for selecting/ordering output.")
    var useList: String?
    @Option(name: .customLong("role"), help: "Do SET ROLE before restore.")
    var role: String?
    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Verbose mode.")
    var verbose = false

    func restoreOptions() throws -> RestoreOptions {
        var o = RestoreOptions()
        o.dataOnly = dataOnly
        o.schemaOnly = schemaOnly
        if !section.isEmpty {
            var set = Set<ArchiveSection>()
            for name in section {
                switch name {
                case "pre-data": set.insert(.preData)
                case "data": set.insert(.data)
                case "post-data": set.insert(.postData)
                default: throw CommandFailure("unrecognized section name: \"\(name)\"")
                }
            }
            o.sections = set
        }
        o.clean = clean
        o.ifExists = ifExists
        o.createDatabase = create
        o.singleTransaction = singleTransaction
        o.exitOnError = exitOnError || singleTransaction
        o.disableTriggers = disableTriggers
        o.superuser = superuser.flatMap { $0.isEmpty ? nil : $0 }
        o.useSetSessionAuthorization = useSetSessionAuthorization
        o.enableRowSecurity = enableRowSecurity
        o.noOwner = noOwner
        o.noPrivileges = noPrivileges
        o.noComments = noComments
        o.noPublications = noPublications
        o.noSubscriptions = noSubscriptions
        o.noSecurityLabels = noSecurityLabels
        o.noTablespaces = noTablespaces
        o.noGlobals = noGlobals
        o.noTableAccessMethod = noTableAccessMethod
        o.noDataForFailedTables = noDataForFailedTables
        o.strictNames = strictNames
        o.schemaNames = schemas
        o.excludeSchemaNames = excludeSchemas
        o.tableNames = tables
        o.indexNames = indexes
        o.functionNames = functions
        o.triggerNames = triggers
        o.useListPath = useList
        o.role = role
        o.verbose = verbose
        return o
    }
}
