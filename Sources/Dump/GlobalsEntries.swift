import Archive
import Catalog
import DDL
import Postgres

/// `dump --with-globals`: what `dumpall -g` prints, as archive entries ahead of the database's.
///
/// The statements come from GlobalsDDL (the renderer `dumpall` uses), one object per entry and,
/// where pg_restore would otherwise lose a statement to a failing neighbour, one statement per
/// entry: CREATE ROLE fails for a role the target cluster already has, and ALTER ROLE must still
/// run (as it does when psql replays a pg_dumpall script); CREATE TABLESPACE refuses to run in the
/// implicit transaction of a multi-statement string. The order is pg_dumpall's: roles (created,
/// altered, commented), per-role settings, memberships, parameter privileges, tablespaces.
public enum GlobalsEntries {
    /// Reads the globals over the dump's connection (inside its snapshot) and emits the entries.
    /// Called before any other provider, so they get the lowest dump ids and come first.
    public static func emit(_ emitter: DumpEmitter, connection: Connection, options: DumpOptions,
                            warn: (String) -> Void) throws {
        var sel = GlobalsCatalog.Selection()
        sel.tablespaces = !options.noTablespaces
        sel.privileges = !options.noPrivileges
        sel.securityLabels = !options.noSecurityLabels
        sel.useRolesView = options.noRolePasswords
        let catalog = try GlobalsCatalog.load(connection, sel)
        var o = GlobalsDDL.Options()
        o.noTablespaces = options.noTablespaces
        o.noRolePasswords = options.noRolePasswords
        o.noComments = options.noComments
        o.noPrivileges = options.noPrivileges
        o.noSecurityLabels = options.noSecurityLabels
        try emit(emitter, catalog: catalog, options: o, warn: warn)
    }

    /// The entries for an already loaded catalog (pure apart from the emitter).
    public static func emit(_ emitter: DumpEmitter, catalog g: GlobalsCatalog, options o: GlobalsDDL.Options,
                            warn: (String) -> Void) throws {
        let ctx = emitter.context
        var roleIds: [String: Int] = [:]
        for r in g.roles {
            let cid = CatalogId(tableOid: GlobalObjects.authIdOid, oid: r.oid)
            let id = emitter.entry(catalogId: cid, desc: GlobalObjects.roleDesc, tag: r.name, section: .preData,
                                   definition: GlobalsDDL.createRole(r, ctx))
            roleIds[r.name] = id
            emitter.entry(catalogId: cid, desc: GlobalObjects.roleAttributesDesc, tag: r.name, section: .preData,
                          definition: GlobalsDDL.alterRole(r, o, ctx), dependencies: [id])
            let comment = GlobalsDDL.roleComment(r, o, ctx)
            if !comment.isEmpty {
                emitter.entry(catalogId: cid, desc: "COMMENT", tag: "ROLE \(ctx.id(r.name))", section: .none,
                              definition: comment, dependencies: [id])
            }
            let labels = GlobalsDDL.roleLabels(r, o, ctx)
            if !labels.isEmpty {
                emitter.entry(catalogId: cid, desc: "SECURITY LABEL", tag: "ROLE \(ctx.id(r.name))", section: .none,
                              definition: labels, dependencies: [id])
            }
        }
        for r in g.roles where !r.settings.isEmpty {
            emitter.entry(catalogId: CatalogId(tableOid: GlobalObjects.authIdOid, oid: r.oid),
                          desc: GlobalObjects.roleSettingsDesc, tag: r.name, section: .preData,
                          definition: GlobalsDDL.roleSettings(r, ctx), dependencies: roleIds[r.name].map { [$0] } ?? [])
        }
        for grant in try GlobalsDDL.membershipGrants(g, ctx, warn: warn) {
            let deps = [grant.role, grant.member] + (grant.grantor.map { [$0] } ?? [])
            emitter.entry(catalogId: CatalogId(tableOid: GlobalObjects.authMembersOid, oid: 0),
                          desc: GlobalObjects.roleMembershipDesc, tag: "\(grant.role) TO \(grant.member)",
                          section: .preData, definition: grant.statement,
                          dependencies: Array(Set(deps.compactMap { roleIds[$0] })).sorted())
        }
        if g.serverVersion >= 150000 && !o.noPrivileges {
            for p in g.parameterACLs {
                let sql = try GlobalsDDL.parameterACL(p, ctx)
                if sql.isEmpty { continue }
                emitter.entry(catalogId: CatalogId(tableOid: GlobalObjects.parameterACLOid, oid: 0), desc: "ACL",
                              tag: "PARAMETER \(ctx.id(p.name))", section: .none, definition: sql)
            }
        }
        guard !o.noTablespaces else { return }
        for t in g.tablespaces {
            let cid = CatalogId(tableOid: GlobalObjects.tablespaceOid, oid: t.oid)
            let id = emitter.entry(catalogId: cid, desc: GlobalObjects.tablespaceDesc, tag: t.name, section: .preData,
                                   definition: GlobalsDDL.createTablespace(t, ctx),
                                   dependencies: roleIds[t.owner].map { [$0] } ?? [])
            let label = "TABLESPACE \(ctx.id(t.name))"
            let options = GlobalsDDL.tablespaceOptions(t, ctx)
            if !options.isEmpty {
                emitter.entry(catalogId: cid, desc: GlobalObjects.tablespaceOptionsDesc, tag: t.name, section: .preData,
                              definition: options, dependencies: [id])
            }
            if !o.noPrivileges {
                let acl = try GlobalsDDL.tablespaceACL(t, ctx)
                if !acl.isEmpty {
                    emitter.entry(catalogId: cid, desc: "ACL", tag: label, section: .none, definition: acl, dependencies: [id])
                }
            }
            let comment = GlobalsDDL.tablespaceComment(t, o, ctx)
            if !comment.isEmpty {
                emitter.entry(catalogId: cid, desc: "COMMENT", tag: label, section: .none, definition: comment, dependencies: [id])
            }
            let labels = GlobalsDDL.tablespaceLabels(t, o, ctx)
            if !labels.isEmpty {
                emitter.entry(catalogId: cid, desc: "SECURITY LABEL", tag: label, section: .none, definition: labels,
                              dependencies: [id])
            }
        }
    }
}
