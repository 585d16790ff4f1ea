/// Plain rows of the catalogs behind pg_dump's post-data entries of relations: indexes (and the
/// PRIMARY KEY / UNIQUE / EXCLUDE constraints they implement), foreign keys, triggers, rules,
/// row-level security policies and extended statistics.

public struct IndexRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var relationOid: UInt32 = 0
    public var name = ""
    /// pg_get_indexdef's text. Filled by the dumper: from the server (PostDataCatalog.
    /// indexDefinitions) or, for plain column indexes, rendered from `shape` (IndexDefinitionDDL).
    public var definition = ""
    /// What pg_get_indexdef reads, for indexes dumped on their own (nil for a constraint's index).
    /// Kept out of line: it is needed only until the definition is known, and the rows of every
    /// index stay in memory until the TOC is written.
    public var shape: IndexShape? {
        get { shapeBox?.shape }
        set { shapeBox = newValue.map(IndexShapeBox.init) }
    }
    private var shapeBox: IndexShapeBox?
    public var keys: [Int] = []
    public var keyAttributeCount = 0
    public var attributeCount = 0
    public var isClustered = false
    public var isReplicaIdentity = false
    public var nullsNotDistinct = false
    /// Index tablespace ("" for the default).
    public var tablespace = ""
    public var reloptions: String?
    /// Columns ("2") and values ("1000") of ALTER INDEX ... SET STATISTICS (text arrays).
    public var statisticsColumns: [String] = []
    public var statisticsValues: [String] = []
    /// The partitioned index this one is attached to, 0 if none.
    public var parentIndex: UInt32 = 0
    /// The constraint ('p', 'u', 'x') the index implements, if any.
    public var constraint: IndexConstraintRow?
    public init() {}
}

/// The parts of an index pg_get_indexdef prints, with names already quoted by the server
/// (quote_ident follows the server's keyword list and quote_all_identifiers, as pg_get_indexdef
/// does), and the facts that decide whether those parts are all it prints.
public struct IndexShape: Sendable, Equatable {
    public var quotedName = ""
    /// quote_ident(schema) || '.' || quote_ident(table).
    public var quotedTable = ""
    public var quotedAccessMethod = ""
    public var isUnique = false
    /// relkind 'I': pg_get_indexdef writes ON ONLY.
    public var isPartitioned = false
    /// indclass, indcollation and indoption, one per key column.
    public var operatorClasses: [UInt32] = []
    public var collations: [UInt32] = []
    public var options: [Int] = []
    public var hasExpressions = false
    public var hasPredicate = false
    /// An index column has attoptions (operator class parameters).
    public var hasColumnOptions = false
    public init() {}
}

private final class IndexShapeBox: Sendable, Equatable {
    let shape: IndexShape
    init(_ shape: IndexShape) { self.shape = shape }
    static func == (a: IndexShapeBox, b: IndexShapeBox) -> Bool { a.shape == b.shape }
}

public struct IndexConstraintRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var name = ""
    public var type: Character = "p"
    public var deferrable = false
    public var deferred = false
    /// pg_get_constraintdef (pg_dump only uses it for EXCLUDE).
    public var definition = ""
    /// 18: the last key column is a WITHOUT OVERLAPS period.
    public var withoutOverlaps = false
    public init() {}
}

public struct ForeignKeyRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var relationOid: UInt32 = 0
    public var name = ""
    public var referencedRelation: UInt32 = 0
    public var indexOid: UInt32 = 0
    public var definition = ""
    public init() {}
}

public struct TriggerRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var relationOid: UInt32 = 0
    public var name = ""
    /// pg_get_triggerdef(oid, false).
    public var definition = ""
    /// 'O' origin (default), 'D' disabled, 'R' replica, 'A' always.
    public var enabled: Character = "O"
    /// A partition's clone of its parent's trigger, listed because its enabled state differs.
    public var isPartitionClone = false
    public init() {}
}

public struct RuleRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var relationOid: UInt32 = 0
    public var name = ""
    /// '1' SELECT, '2' UPDATE, '3' INSERT, '4' DELETE.
    public var eventType: Character = "1"
    public var isInstead = false
    public var enabled: Character = "O"
    /// pg_get_ruledef.
    public var definition = ""
    public init() {}
}

public struct PolicyRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var relationOid: UInt32 = 0
    public var name = ""
    /// '*' all, 'r' select, 'a' insert, 'w' update, 'd' delete.
    public var command: Character = "*"
    public var permissive = true
    /// Quoted role list, nil for PUBLIC.
    public var roles: String?
    public var using: String?
    public var withCheck: String?
    public init() {}
}

public struct StatisticsRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var name = ""
    public var namespaceOid: UInt32 = 0
    public var owner = ""
    public var relationOid: UInt32 = 0
    public var statisticsTarget = -1
    /// pg_get_statisticsobjdef.
    public var definition = ""
    public init() {}
}
