import Archive
import Catalog

/// The kinds of dumpable objects, in pg_dump's DumpableObjectType order. The sort priority of
/// each kind lives with the sorter (pg_dump_sort.c's dbObjectTypePriority).
public enum DumpObjectKind: Int, CaseIterable, Sendable {
    case namespace, `extension`, type, shellType, function, aggregate, `operator`, accessMethod, opclass, opfamily
    case collation, conversion, table, tableAttach, attrDef, index, indexAttach, statsExt, rule, trigger
    case constraint, fkConstraint, procLang, cast, tableData, sequenceSet, dummyType, tsParser, tsDict, tsTemplate
    case tsConfig, fdw, foreignServer, defaultACL, transform, largeObject, largeObjectData, preDataBoundary
    case postDataBoundary, eventTrigger, refreshMatview, policy, publication, publicationRel
    case publicationTableInSchema, subscription
    // Appended for pg_dump 17+ / 18 (kept at the end so existing raw values do not move; the raw
    // value only breaks ties between kinds of equal sort priority, and these two have their own).
    /// pg_dump 17+ DO_SUBSCRIPTION_REL ("SUBSCRIPTION TABLE", binary upgrade only).
    case subscriptionRel
    /// pg_dump 18 DO_REL_STATS ("STATISTICS DATA": relation and attribute statistics).
    case relStats
}

/// One object pg_dump may dump: what the sorter orders and the emitter turns into TOC entries.
///
/// Catalog providers create these from catalog rows; `dependencies` start from pg_depend and
/// providers add the ones pg_dump adds by hand. `emit` writes the object's TOC entries (its
/// definition, then comments, security labels and ACLs) when the dump reaches it in sorted order.
public final class DumpObject {
    public let kind: DumpObjectKind
    public let catalogId: CatalogId
    /// Assigned by the graph when the object is added.
    public internal(set) var dumpId = 0
    /// The object's name (for sorting and messages; not quoted).
    public let name: String
    /// The containing schema's name, if any.
    public let namespace: String?
    /// Dump ids of objects this one must follow.
    public var dependencies: [Int] = []
    /// Extra sort keys pg_dump's DOTypeNameCompare uses after kind, schema and name (for example
    /// a function's argument types), already formatted as it compares them: compared element by
    /// element as bytes (strcmp). Build them with `SortTiebreak` (Sort/TypeNameOrder.swift).
    public var sortTiebreak: [String] = []

    // Facts pg_dump_sort.c reads from the kind-specific Info structs to repair dependency loops
    // (Sort/DependencyLoopRepair.swift). Providers fill those of their kinds; nil/false otherwise.
    /// Tables (and pg_dump 18 relation statistics): pg_class.relkind ("r", "v", "m", "p", ...).
    public var relkind: Character? {
        get { relkindCode == 0 ? nil : Character(Unicode.Scalar(relkindCode)) }
        set { relkindCode = newValue?.asciiValue ?? 0 }
    }
    /// Rules, triggers, policies, attribute defaults, constraints: dump id of the table they belong
    /// to; domain constraints: of the domain (pg_dump's ruletable / adtable / contable / condomain).
    public var parentDumpId: Int? {
        get { parentDumpIdStorage == 0 ? nil : Int(parentDumpIdStorage) }
        set { parentDumpIdStorage = Int32(newValue ?? 0) }
    }
    /// Constraints: pg_constraint.contype ("c", "p", "u", "f", "x", "n").
    public var constraintType: Character? {
        get { constraintTypeCode == 0 ? nil : Character(Unicode.Scalar(constraintTypeCode)) }
        set { constraintTypeCode = newValue?.asciiValue ?? 0 }
    }
    /// Rules: ev_type = '1' and is_instead (a view's or matview's ON SELECT rule).
    public var isOnSelectInsteadRule = false
    /// Types with I/O functions (base and range types): dump id of their shell type.
    public var shellTypeDumpId: Int? {
        get { shellTypeDumpIdStorage == 0 ? nil : Int(shellTypeDumpIdStorage) }
        set { shellTypeDumpIdStorage = Int32(newValue ?? 0) }
    }
    // Compact storage of the four properties above (dump ids start at 1, so 0 means none): a dump
    // of thousands of tables holds tens of thousands of these objects at once.
    private var relkindCode: UInt8 = 0
    private var constraintTypeCode: UInt8 = 0
    private var parentDumpIdStorage: Int32 = 0
    private var shellTypeDumpIdStorage: Int32 = 0
    /// Indexes on partitions: OID of the partitioned index they are attached to (0: none).
    public var parentIndexOid: UInt32 = 0
    /// pg_dump 18 relation statistics: their section (data for tables, post-data for indexes and
    /// matviews); loop repair can move a matview's statistics to post-data.
    public var statisticsSection: ArchiveSection?

    // Flags providers set and loop repair may change; emit closures must honour them.
    /// Rules, constraints, attribute defaults: dumped as a TOC entry of their own instead of
    /// inside their table's / domain's / view's definition (then post-data for rules, constraints).
    public var separate = false
    /// Views whose ON SELECT rule was split off: CREATE VIEW prints a dummy definition.
    public var dummyView = false
    /// Matviews, functions: definition postponed into post-data (boundary loop repair).
    public var postponedDefinition = false
    /// Whether this object's definition / data are to be dumped (selection, extension membership).
    public var dumpDefinition = true
    public var dumpData = true
    /// Writes this object's TOC entries.
    public var emit: ((DumpEmitter, DumpObject) throws -> Void)?

    public init(kind: DumpObjectKind, catalogId: CatalogId, name: String, namespace: String?) {
        self.kind = kind
        self.catalogId = catalogId
        self.name = name
        self.namespace = namespace
    }
}

/// All dumpable objects of one dump, with lookup by catalog id and dump id.
public final class DumpGraph {
    public private(set) var objects: [DumpObject] = []
    private var byCatalogId: [CatalogId: DumpObject] = [:]
    /// Objects by dump id (ids are dense: slot i holds the object with id i, if any).
    private var byDumpId: [DumpObject?] = []
    private(set) var lastDumpId = 0
    /// Objects that belong to extensions (loaded once by the first provider that needs it):
    /// their definitions are not dumped.
    public var extensionMembership = ExtensionMembership()
    /// How each TABLE DATA object's data is written, by dump id, from the catalog phase until its
    /// entry is emitted (RelationsProvider.addTableData).
    var tableDataPlans: [Int: TableDataPlan] = [:]

    public init() {}

    /// Adds an object and assigns it the next dump id (pg_dump's AssignDumpId).
    @discardableResult
    public func add(_ object: DumpObject) -> DumpObject {
        lastDumpId += 1
        object.dumpId = lastDumpId
        objects.append(object)
        while byDumpId.count <= object.dumpId { byDumpId.append(nil) }
        byDumpId[object.dumpId] = object
        // The first object of a catalog row owns it for pg_depend lookups; later ones sharing the id
        // (a table's data, a matview refresh) are reached through their parent, as in pg_dump
        // where those objects carry no catalog table OID.
        if object.catalogId != .none, byCatalogId[object.catalogId] == nil { byCatalogId[object.catalogId] = object }
        return object
    }

    /// A dump id not tied to an object (comments, ACLs: pg_dump's createDumpId).
    public func newDumpId() -> Int {
        lastDumpId += 1
        return lastDumpId
    }

    /// Drops every object (and with them the catalog rows their emit closures hold) once the
    /// TOC is built, so that memory is reused by the data phase instead of adding to it.
    public func releaseObjects() {
        objects = []
        byCatalogId = [:]
        byDumpId = []
    }

    public func object(catalogId: CatalogId) -> DumpObject? { byCatalogId[catalogId] }
    public func object(dumpId: Int) -> DumpObject? { dumpId >= 0 && dumpId < byDumpId.count ? byDumpId[dumpId] : nil }
}
