import Postgres

/// What DDL rendering depends on besides the catalog structs: the source server's version, the
/// pg_dump release whose text we reproduce (its keyword list decides quoting), and pg_dump's
/// output options that change definitions.
public struct RenderContext: Sendable {
    /// Source server version as PQserverVersion gives it (150004, 180001, ...).
    public var serverVersion: Int
    /// Major version of the pg_dump release being reproduced.
    public var pgDumpMajor: Int
    public var quoteAllIdentifiers = false
    public var standardConformingStrings = true
    public var noOwner = false
    public var noPrivileges = false
    public var noComments = false
    public var noSecurityLabels = false
    public var noTablespaces = false
    public var noTableAccessMethod = false
    public var noToastCompression = false
    public var schemaOnly = false
    public var dataOnly = false

    public init(serverVersion: Int, pgDumpMajor: Int) {
        self.serverVersion = serverVersion
        self.pgDumpMajor = pgDumpMajor
    }

    var keywords: KeywordTable { KeywordTable.forMajor(pgDumpMajor) }

    /// pg_dump's fmtId.
    public func id(_ name: String) -> String {
        quoteIdentifier(name, forceQuotes: quoteAllIdentifiers, keywords: keywords)
    }

    /// pg_dump's fmtQualifiedId.
    public func qualified(_ schema: String?, _ name: String) -> String {
        quoteQualifiedName(schema, name, forceQuotes: quoteAllIdentifiers, keywords: keywords)
    }

    /// appendStringLiteralAH.
    public func literal(_ s: String) -> String {
        quoteLiteral(s, standardConformingStrings: standardConformingStrings)
    }
}
