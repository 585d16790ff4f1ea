/// One table-of-contents entry: the unit pg_dump writes and pg_restore selects, orders and replays.
public struct TocEntry: Equatable, Sendable {
    public var dumpId: Int
    /// True when the entry has a data part (TABLE DATA, BLOBS, ...), pg_dump's "hadDumper".
    public var hasData: Bool
    public var tableOid: UInt32
    public var oid: UInt32
    public var tag: String
    public var desc: String
    public var section: ArchiveSection
    public var definition: String?
    public var dropStatement: String?
    public var copyStatement: String?
    public var namespace: String?
    public var tablespace: String?
    public var tableAccessMethod: String?
    /// pg_class.relkind as a character code (1.16+), 0 when absent.
    public var relkind: Int
    public var owner: String?
    /// The obsolete "WITH OIDS" flag string; always "false" in archives we accept.
    public var withOids: String?
    public var dependencies: [Int]
    /// Where this entry's data block starts, when the archive records it.
    public var dataState: DataOffsetState
    public var dataOffset: Int64

    public init(
        dumpId: Int, hasData: Bool = false, tableOid: UInt32 = 0, oid: UInt32 = 0,
        tag: String, desc: String, section: ArchiveSection,
        definition: String? = nil, dropStatement: String? = nil, copyStatement: String? = nil,
        namespace: String? = nil, tablespace: String? = nil, tableAccessMethod: String? = nil,
        relkind: Int = 0, owner: String? = nil, withOids: String? = "false",
        dependencies: [Int] = [], dataState: DataOffsetState = .noData, dataOffset: Int64 = 0
    ) {
        self.dumpId = dumpId
        self.hasData = hasData
        self.tableOid = tableOid
        self.oid = oid
        self.tag = tag
        self.desc = desc
        self.section = section
        self.definition = definition
        self.dropStatement = dropStatement
        self.copyStatement = copyStatement
        self.namespace = namespace
        self.tablespace = tablespace
        self.tableAccessMethod = tableAccessMethod
        self.relkind = relkind
        self.owner = owner
        self.withOids = withOids
        self.dependencies = dependencies
        self.dataState = dataState
        self.dataOffset = dataOffset
    }

    /// "TABLE DATA public t" style label for messages.
    public var label: String {
        var s = "TOC entry \(dumpId) (\(desc)"
        if let ns = namespace, !ns.isEmpty { s += " \(ns)." } else { s += " " }
        s += tag + ")"
        return s
    }
}

/// relkind codes pg_dump stores in 1.16 TOC entries.
public enum RelKind {
    public static let partitionedTable = Int(UInt8(ascii: "p"))
}
