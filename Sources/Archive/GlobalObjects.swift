/// Cluster-wide objects (`dump --with-globals`) in an archive.
///
/// pg_dump never writes them: they are the entries `pgfunnel dump --with-globals` adds ahead of
/// everything else (roles, their attributes, settings, memberships and comments; parameter
/// privileges; tablespaces with their options, ACLs and comments). Each such entry carries the
/// OID of the shared catalog its object lives in as its catalog table OID, which is how
/// `restore --no-globals` recognises them without relying on descs or tags.
public enum GlobalObjects {
    /// pg_authid, pg_auth_members, pg_tablespace, pg_parameter_acl (pg_database is not among
    /// them: DATABASE entries belong to pg_dump's own archive).
    public static let authIdOid: UInt32 = 1260
    public static let authMembersOid: UInt32 = 1261
    public static let tablespaceOid: UInt32 = 1213
    public static let parameterACLOid: UInt32 = 6243
    public static let catalogOids: Set<UInt32> = [authIdOid, authMembersOid, tablespaceOid, parameterACLOid]

    // Descs of the entries. pg_restore treats them as ordinary pre-data objects: no namespace
    // (so -n/-t leave them out), no owner and no drop statement (so no ALTER OWNER and no DROP
    // with -c). COMMENT, SECURITY LABEL and ACL keep pg_restore's own descs so that
    // --no-comments, --no-security-labels and -x apply to them as to any other.
    public static let roleDesc = "ROLE"
    public static let roleAttributesDesc = "ROLE ATTRIBUTES"
    public static let roleSettingsDesc = "ROLE SETTINGS"
    public static let roleMembershipDesc = "ROLE MEMBERSHIP"
    public static let tablespaceDesc = "TABLESPACE"
    public static let tablespaceOptionsDesc = "TABLESPACE OPTIONS"
}

extension TocEntry {
    /// True for the cluster-wide entries `dump --with-globals` writes.
    public var isGlobalObject: Bool { GlobalObjects.catalogOids.contains(tableOid) }
}
