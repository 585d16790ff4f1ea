/// Plain rows of the relation catalogs (pg_namespace, pg_class, pg_attribute, pg_attrdef,
/// pg_constraint CHECK rows, pg_sequence), shaped like pg_dump's NamespaceInfo/TableInfo.
/// Every field has a default so tests can build rows by hand and set only what matters.

public struct NamespaceRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var name = ""
    public var ownerOid: UInt32 = 0
    public var owner = ""
    public var acl: String?
    public var aclDefault: String?
    public init() {}
}

/// pg_class.relkind codes pg_dump handles.
public enum Relkind: Character, Sendable {
    case table = "r", sequence = "S", view = "v", materializedView = "m", foreignTable = "f"
    case partitionedTable = "p", compositeType = "c", index = "i", partitionedIndex = "I", toast = "t"

    /// RELKIND_HAS_TABLESPACE.
    public var hasTablespace: Bool { [.table, .materializedView, .index, .sequence, .toast, .partitionedTable, .partitionedIndex].contains(self) }
    /// RELKIND_HAS_TABLE_AM.
    public var hasTableAccessMethod: Bool { [.table, .materializedView, .toast].contains(self) }
}

public struct RelationRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var name = ""
    public var namespaceOid: UInt32 = 0
    public var namespace = ""
    public var relkind = Relkind.table
    public var owner = ""
    public var acl: String?
    public var aclDefault: String?
    public var checkCount = 0
    public var hasIndex = false
    public var hasRules = false
    public var hasTriggers = false
    /// 'p' permanent, 'u' unlogged, 't' temporary.
    public var persistence: Character = "p"
    /// format_type(reloftype) for typed tables.
    public var ofType: String?
    /// reloptions without check_option (text array form), toast.* options separately.
    public var reloptions: String?
    public var toastReloptions: String?
    /// "LOCAL" / "CASCADED" for views WITH CHECK OPTION.
    public var checkOption: String?
    /// Tablespace name; "" for the database default (pg_dump's convention).
    public var tablespace = ""
    public var accessMethod: String?
    public var isPopulated = true
    /// 'd' default, 'n' nothing, 'f' full, 'i' index.
    public var replicaIdentity: Character = "d"
    public var rowSecurity = false
    public var forceRowSecurity = false
    public var isPartition = false
    /// pg_get_partkeydef for partitioned tables.
    public var partitionKey: String?
    /// pg_get_expr(relpartbound) for partitions.
    public var partitionBound: String?
    /// Foreign table server and options (already formatted "name 'value',\n    ...").
    public var foreignServer: String?
    public var foreignOptions: String?
    /// pg_get_viewdef for views and materialized views (with its trailing semicolon).
    public var viewDefinition: String?
    /// For sequences: the owning table and column (deptype 'a' or 'i').
    public var owningTable: UInt32 = 0
    public var owningColumn = 0
    public var isIdentitySequence = false
    public var isExtensionMember = false
    public init() {}
}

public struct ColumnRow: Sendable, Equatable {
    public var relationOid: UInt32 = 0
    public var number = 0
    public var name = ""
    /// format_type(atttypid, atttypmod).
    public var typeName = ""
    /// atttypid and attcollation (for index definitions rendered without pg_get_indexdef).
    public var typeOid: UInt32 = 0
    public var collationOid: UInt32 = 0
    /// quote_ident(attname), quoted by the server as pg_get_indexdef quotes it.
    public var quotedName = ""
    public var statisticsTarget = -1
    /// attstorage and the type's typstorage ('p', 'e', 'm', 'x').
    public var storage: Character {
        get { Character(Unicode.Scalar(storageCode)) }
        set { storageCode = newValue.asciiValue ?? 0 }
    }
    public var typeStorage: Character {
        get { Character(Unicode.Scalar(typeStorageCode)) }
        set { typeStorageCode = newValue.asciiValue ?? 0 }
    }
    public var notNull = false
    public var hasDefault = false
    public var isDropped = false
    public var isLocal = true
    /// Collation when it differs from the type's default (schema and name, unquoted).
    public var collationSchema: String?
    public var collationName: String?
    /// "n_distinct=-0.5, ..." (array_to_string(attoptions, ', ')).
    public var options = ""
    /// "name 'value',\n    ..." for foreign table columns.
    public var fdwOptions = ""
    /// 'p' pglz, 'l' lz4, nil default.
    public var compression: Character? {
        get { Self.character(compressionCode) }
        set { compressionCode = newValue?.asciiValue ?? 0 }
    }
    /// 'a' always, 'd' by default.
    public var identity: Character? {
        get { Self.character(identityCode) }
        set { identityCode = newValue?.asciiValue ?? 0 }
    }
    /// 's' stored (18: 'v' virtual).
    public var generated: Character? {
        get { Self.character(generatedCode) }
        set { generatedCode = newValue?.asciiValue ?? 0 }
    }
    /// PG18: name of the NOT NULL constraint, whether it is local, valid, and NO INHERIT.
    public var notNullName: String?
    public var notNullIsLocal = true
    public var notNullValid = true
    public var notNullNoInherit = false
    public var notNullConstraintId = CatalogId.none
    /// attacl (column privileges), raw aclitem[] text.
    public var acl: String?

    // The "char" columns as single bytes (0 for none): a Character takes 16 bytes, and a dump
    // holds every column of every table it dumps until its TOC is written.
    private var storageCode = UInt8(ascii: "p")
    private var typeStorageCode = UInt8(ascii: "p")
    private var compressionCode: UInt8 = 0
    private var identityCode: UInt8 = 0
    private var generatedCode: UInt8 = 0

    private static func character(_ code: UInt8) -> Character? { code == 0 ? nil : Character(Unicode.Scalar(code)) }

    public init() {}
}

public struct AttributeDefaultRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var relationOid: UInt32 = 0
    public var columnNumber = 0
    public var expression = ""
    public init() {}
}

public struct CheckConstraintRow: Sendable, Equatable {
    public var id = CatalogId.none
    public var relationOid: UInt32 = 0
    public var name = ""
    /// pg_get_constraintdef: "CHECK ((x > 0))" (plus " NOT VALID").
    public var definition = ""
    public var isLocal = true
    public var validated = true
    public init() {}
}

public struct InheritsRow: Sendable, Equatable {
    public var child: UInt32 = 0
    public var parent: UInt32 = 0
    public init() {}
}

public struct SequenceRow: Sendable, Equatable {
    public var relationOid: UInt32 = 0
    /// format_type(seqtypid): smallint, integer, bigint.
    public var typeName = "bigint"
    public var start = "1"
    public var increment = "1"
    public var maximum = ""
    public var minimum = ""
    public var cache = "1"
    public var cycle = false
    /// Current state for SEQUENCE SET.
    public var lastValue = "1"
    public var isCalled = false
    public init() {}
}
