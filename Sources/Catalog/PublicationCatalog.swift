import Postgres

public struct EventTriggerRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var owner: String
    public var event: String
    /// Tags already quoted and comma-separated ("'CREATE TABLE', 'ALTER TABLE'"), "" when none.
    public var tags: String
    public var function: String
    public var enabled: Character

    public init(
        id: CatalogId,
        name: String,
        owner: String,
        event: String,
        tags: String,
        function: String,
        enabled: Character
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.event = event
        self.tags = tags
        self.function = function
        self.enabled = enabled
    }
}

public struct PublicationRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var owner: String
    public var allTables: Bool
    public var insert: Bool, update: Bool, delete: Bool, truncate: Bool
    public var viaRoot: Bool
    /// pubgencols (18+): 'n' none, 's' stored; nil before 18.
    public var generatedColumns: Character?

    public init(
        id: CatalogId,
        name: String,
        owner: String,
        allTables: Bool,
        insert: Bool,
        update: Bool,
        delete: Bool,
        truncate: Bool,
        viaRoot: Bool,
        generatedColumns: Character? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.allTables = allTables
        self.insert = insert
        self.update = update
        self.delete = delete
        self.truncate = truncate
        self.viaRoot = viaRoot
        self.generatedColumns = generatedColumns
    }
}

/// pg_publication_rel rows with the table's identity, row filter and column list.
public struct PublicationTableRow: Sendable {
    public var id: CatalogId
    public var publicationOid: UInt32
    public var tableOid: UInt32
    public var tableSchema: String
    public var tableName: String
    public var tableKind: Character
    public var rowFilter: String?
    public var columns: [String]?

    public init(
        id: CatalogId,
        publicationOid: UInt32,
        tableOid: UInt32,
        tableSchema: String,
        tableName: String,
        tableKind: Character,
        rowFilter: String? = nil,
        columns: [String]? = nil
    ) {
        self.id = id
        self.publicationOid = publicationOid
        self.tableOid = tableOid
        self.tableSchema = tableSchema
        self.tableName = tableName
        self.tableKind = tableKind
        self.rowFilter = rowFilter
        self.columns = columns
    }
}

public struct PublicationSchemaRow: Sendable {
    public var id: CatalogId
    public var publicationOid: UInt32
    public var schemaOid: UInt32
    public var schemaName: String

    public init(
        id: CatalogId,
        publicationOid: UInt32,
        schemaOid: UInt32,
        schemaName: String
    ) {
        self.id = id
        self.publicationOid = publicationOid
        self.schemaOid = schemaOid
        self.schemaName = schemaName
    }
}

public struct SubscriptionRow: Sendable {
    public var id: CatalogId
    public var name: String
    public var owner: String
    public var connectionInfo: String
    public var slotName: String?
    public var synchronousCommit: String
    public var publications: [String]
    public var binary: Bool
    /// 'f', 't' or (16+) 'p'.
    public var stream: Character
    public var twoPhaseState: Character
    public var disableOnError: Bool
    public var origin: String?
    public var passwordRequired: Bool
    public var runAsOwner: Bool
    public var failover: Bool

    public init(
        id: CatalogId,
        name: String,
        owner: String,
        connectionInfo: String,
        slotName: String? = nil,
        synchronousCommit: String,
        publications: [String],
        binary: Bool,
        stream: Character,
        twoPhaseState: Character,
        disableOnError: Bool,
        origin: String? = nil,
        passwordRequired: Bool,
        runAsOwner: Bool,
        failover: Bool
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.connectionInfo = connectionInfo
        self.slotName = slotName
        self.synchronousCommit = synchronousCommit
        self.publications = publications
        self.binary = binary
        self.stream = stream
        self.twoPhaseState = twoPhaseState
        self.disableOnError = disableOnError
        self.origin = origin
        self.passwordRequired = passwordRequired
        self.runAsOwner = runAsOwner
        self.failover = failover
    }
}

public enum PublicationCatalog {
    public static func eventTriggers(_ c: Connection) throws -> [EventTriggerRow] {
        try c.catalogRows("event triggers", """
            SELECT e.tableoid, e.oid, e.evtname, e.evtenabled, e.evtevent, pg_catalog.pg_get_userbyid(e.evtowner) AS owner,
                   pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_literal(x) FROM pg_catalog.unnest(e.evttags) AS t(x)), ', ') AS evttags,
                   e.evtfoid::pg_catalog.regproc AS evtfname
            FROM pg_catalog.pg_event_trigger e ORDER BY e.oid
            """).map { r in
            EventTriggerRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("evtname"),
                            owner: try r.string("owner"), event: try r.string("evtevent"), tags: r.optional("evttags") ?? "",
                            function: try r.string("evtfname"), enabled: try r.char("evtenabled"))
        }
    }

    public static func publications(_ c: Connection, serverVersion v: Int) throws -> [PublicationRow] {
        try c.catalogRows("publications", """
            SELECT p.tableoid, p.oid, p.pubname, pg_catalog.pg_get_userbyid(p.pubowner) AS owner, p.puballtables,
                   p.pubinsert, p.pubupdate, p.pubdelete, \(v >= 110000 ? "p.pubtruncate" : "false AS pubtruncate"),
                   \(v >= 130000 ? "p.pubviaroot" : "false AS pubviaroot"), \(v >= 180000 ? "p.pubgencols" : "NULL AS pubgencols")
            FROM pg_catalog.pg_publication p ORDER BY p.oid
            """).map { r in
            PublicationRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("pubname"),
                           owner: try r.string("owner"), allTables: try r.bool("puballtables"), insert: try r.bool("pubinsert"),
                           update: try r.bool("pubupdate"), delete: try r.bool("pubdelete"), truncate: try r.bool("pubtruncate"),
                           viaRoot: try r.bool("pubviaroot"), generatedColumns: r.optional("pubgencols")?.first)
        }
    }

    public static func publicationTables(_ c: Connection, serverVersion v: Int) throws -> [PublicationTableRow] {
        let extra = v >= 150000 ? """
            pg_catalog.pg_get_expr(pr.prqual, pr.prrelid) AS prrelqual,
            (CASE WHEN pr.prattrs IS NOT NULL THEN
               (SELECT array_agg(attname) FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,
                  pg_catalog.pg_attribute WHERE attrelid = pr.prrelid AND attnum = prattrs[s])
             ELSE NULL END) AS prattrs
            """ : "NULL AS prrelqual, NULL AS prattrs"
        return try c.catalogRows("publication tables", """
            SELECT pr.tableoid, pr.oid, pr.prpubid, pr.prrelid, n.nspname, cl.relname, cl.relkind, \(extra)
            FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_class cl ON cl.oid = pr.prrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace ORDER BY pr.oid
            """).map { r in
            PublicationTableRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), publicationOid: try r.oid("prpubid"),
                                tableOid: try r.oid("prrelid"), tableSchema: try r.string("nspname"), tableName: try r.string("relname"),
                                tableKind: try r.char("relkind"), rowFilter: r.optional("prrelqual"), columns: try r.textArray("prattrs"))
        }
    }

    public static func publicationSchemas(_ c: Connection, serverVersion v: Int) throws -> [PublicationSchemaRow] {
        guard v >= 150000 else { return [] }
        return try c.catalogRows("publication schemas", """
            SELECT pn.tableoid, pn.oid, pn.pnpubid, pn.pnnspid, n.nspname
            FROM pg_catalog.pg_publication_namespace pn JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid ORDER BY pn.oid
            """).map { r in
            PublicationSchemaRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), publicationOid: try r.oid("pnpubid"),
                                 schemaOid: try r.oid("pnnspid"), schemaName: try r.string("nspname"))
        }
    }

    /// Subscriptions of the current database; empty unless the session is a superuser (pg_dump
    /// warns and skips them otherwise). Like pg_dump's is_superuser, this reads the server's
    /// reported is_superuser setting (which SET ROLE updates) rather than asking: a query here
    /// would be one whose sending depends on another's result.
    public static func subscriptions(_ c: Connection, serverVersion v: Int) throws -> [SubscriptionRow] {
        guard c.parameterStatus("is_superuser") == "on" else { return [] }
        return try c.catalogRows("subscriptions", """
            SELECT s.tableoid, s.oid, s.subname, pg_catalog.pg_get_userbyid(s.subowner) AS owner, s.subconninfo, s.subslotname,
                   s.subsynccommit, s.subpublications,
                   \(v >= 140000 ? "s.subbinary, s.substream" : "false AS subbinary, false AS substream"),
                   \(v >= 150000 ? "s.subtwophasestate, s.subdisableonerr" : "'d' AS subtwophasestate, false AS subdisableonerr"),
                   \(v >= 160000 ? "s.suborigin, s.subpasswordrequired, s.subrunasowner" : "NULL AS suborigin, true AS subpasswordrequired, false AS subrunasowner"),
                   \(v >= 170000 ? "s.subfailover" : "false AS subfailover")
            FROM pg_catalog.pg_subscription s
            WHERE s.subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
            ORDER BY s.oid
            """).map { r in
            SubscriptionRow(id: CatalogId(tableOid: try r.oid("tableoid"), oid: try r.oid("oid")), name: try r.string("subname"),
                            owner: try r.string("owner"), connectionInfo: try r.string("subconninfo"), slotName: r.optional("subslotname"),
                            synchronousCommit: try r.string("subsynccommit"), publications: try r.textArray("subpublications") ?? [],
                            binary: try r.bool("subbinary"), stream: try r.char("substream"), twoPhaseState: try r.char("subtwophasestate"),
                            disableOnError: try r.bool("subdisableonerr"), origin: r.optional("suborigin"),
                            passwordRequired: try r.bool("subpasswordrequired"), runAsOwner: try r.bool("subrunasowner"),
                            failover: try r.bool("subfailover"))
        }
    }
}
