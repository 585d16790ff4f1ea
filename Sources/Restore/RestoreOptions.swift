import Archive

/// Every option that shapes what a restore selects and prints, named after pg_restore's.
public struct RestoreOptions: Sendable {
    public var schemaOnly = false                 // -s
    public var dataOnly = false                   // -a
    public var sections: Set<ArchiveSection> = [.preData, .data, .postData]   // --section
    public var clean = false                      // -c
    public var ifExists = false                   // --if-exists
    public var createDatabase = false             // -C
    public var singleTransaction = false          // -1
    public var exitOnError = false                // -e
    public var disableTriggers = false            // --disable-triggers
    public var superuser: String?                 // -S
    public var useSetSessionAuthorization = false // --use-set-session-authorization
    public var enableRowSecurity = false          // --enable-row-security
    public var noOwner = false                    // -O
    public var noPrivileges = false               // -x
    public var noComments = false
    public var noPublications = false
    public var noSubscriptions = false
    public var noSecurityLabels = false
    public var noTablespaces = false
    public var noTableAccessMethod = false
    /// --no-globals: leave out the entries of `dump --with-globals` (TocEntry.isGlobalObject).
    public var noGlobals = false
    public var noDataForFailedTables = false
    public var strictNames = false
    public var schemaNames: [String] = []         // -n
    public var excludeSchemaNames: [String] = []  // -N
    public var tableNames: [String] = []          // -t
    public var indexNames: [String] = []          // -I
    public var functionNames: [String] = []       // -P
    public var triggerNames: [String] = []        // -T
    public var useListPath: String?               // -L
    public var role: String?                      // --role
    public var verbose = false                    // -v
    /// Key for psql's \restrict / \unrestrict lines; generated when nil (scripts only).
    public var restrictKey: String?

    public init() {}

    /// pg_restore's selTypes: any of -t, -I, -P, -T given.
    var selectsTypes: Bool { selectsTables || selectsIndexes || selectsFunctions || selectsTriggers }
    var selectsTables: Bool { !tableNames.isEmpty }
    var selectsIndexes: Bool { !indexNames.isEmpty }
    var selectsFunctions: Bool { !functionNames.isEmpty }
    var selectsTriggers: Bool { !triggerNames.isEmpty }

    /// Rejects combinations pg_restore rejects, with its wording.
    public func validate() throws {
        if dataOnly && schemaOnly {
            throw RestoreError.invalidOptions("options -s/--schema-only and -a/--data-only cannot be used together")
        }
        if dataOnly && clean {
            throw RestoreError.invalidOptions("options -c/--clean and -a/--data-only cannot be used together")
        }
        if createDatabase && singleTransaction {
            throw RestoreError.invalidOptions("options -C/--create and -1/--single-transaction cannot be used together")
        }
        if ifExists && !clean {
            throw RestoreError.invalidOptions("option --if-exists requires option -c/--clean")
        }
        if let key = restrictKey, !RestrictKey.isValid(key) {
            throw RestoreError.invalidOptions("invalid restrict key")
        }
    }
}

/// Errors of the restore layer (selection, use-list, replay).
public enum RestoreError: Error, CustomStringConvertible, Equatable {
    case invalidOptions(String)
    case useList(file: String, detail: String)
    case notFound(kind: String, name: String)
    case output(file: String, detail: String)
    case fatal(String)

    public var description: String {
        switch self {
        case let .invalidOptions(m): return m
        case let .useList(file, detail): return "\(file): \(detail)"
        case let .notFound(kind, name): return "\(kind) \"\(name)\" not found"
        case let .output(file, detail): return "could not write to output file \"\(file)\": \(detail)"
        case let .fatal(m): return m
        }
    }
}
