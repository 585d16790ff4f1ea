import Catalog

/// dumpIndex, dumpIndexAttach, dumpConstraint (index-backed and foreign keys), dumpTrigger,
/// dumpRule, dumpPolicy and dumpStatisticsExt.
public enum PostDataDDL {
    /// An index that implements no constraint.
    public static func index(_ x: IndexRow, table t: RelationRow, _ ctx: RenderContext) -> (create: String, drop: String) {
        let qualifiedIndex = ctx.qualified(t.namespace, x.name)
        var q = "\(x.definition);\n"
        q += clusterAndIdentity(x, table: t, ctx, identity: false)
        for (col, value) in zip(x.statisticsColumns, x.statisticsValues) {
            q += "ALTER INDEX \(qualifiedIndex) ALTER COLUMN \(col) SET STATISTICS \(value);\n"
        }
        if x.isReplicaIdentity {
            q += "\nALTER TABLE ONLY \(ctx.qualified(t.namespace, t.name)) REPLICA IDENTITY USING INDEX \(ctx.id(x.name));\n"
        }
        // An index attached to a partitioned index goes away with it; DROP would fail.
        return (q, x.parentIndex == 0 ? "DROP INDEX \(qualifiedIndex);\n" : "")
    }

    static func clusterAndIdentity(_ x: IndexRow, table t: RelationRow, _ ctx: RenderContext, identity: Bool) -> String {
        var q = ""
        if x.isClustered { q += "\nALTER TABLE \(ctx.qualified(t.namespace, t.name)) CLUSTER ON \(ctx.id(x.name));\n" }
        if identity && x.isReplicaIdentity {
            q += "\nALTER TABLE ONLY \(ctx.qualified(t.namespace, t.name)) REPLICA IDENTITY USING INDEX \(ctx.id(x.name));\n"
        }
        return q
    }

    /// A PRIMARY KEY / UNIQUE / EXCLUDE constraint, from its index.
    public static func indexConstraint(_ x: IndexRow, _ k: IndexConstraintRow, table t: RelationRow,
                                       columns: [ColumnRow], _ ctx: RenderContext) -> (create: String, drop: String) {
        let foreign = t.relkind == .foreignTable ? "FOREIGN " : ""
        let qualified = ctx.qualified(t.namespace, t.name)
        var q = "ALTER \(foreign)TABLE ONLY \(qualified)\n    ADD CONSTRAINT \(ctx.id(k.name)) "
        if k.type == "x" {
            q += "\(k.definition);\n"
        } else {
            func attname(_ n: Int) -> String {
                if n > 0 && n <= columns.count { return columns[n - 1].name }
                switch n {
                case -1: return "ctid"
                case -2: return "xmin"
                case -3: return "cmin"
                case -4: return "xmax"
                case -5: return "cmax"
                case -6: return "tableoid"
                default: return "?"
                }
            }
            q += k.type == "p" ? "PRIMARY KEY" : "UNIQUE"
            if x.nullsNotDistinct { q += " NULLS NOT DISTINCT" }
            let keys = x.keys.prefix(x.keyAttributeCount).prefix { $0 != 0 }.map { ctx.id(attname($0)) }
            q += " (" + keys.joined(separator: ", ")
            if k.withoutOverlaps { q += " WITHOUT OVERLAPS" }
            if x.keyAttributeCount < x.attributeCount {
                let included = x.keys.dropFirst(x.keyAttributeCount).prefix { $0 != 0 }.map { ctx.id(attname($0)) }
                q += ") INCLUDE (" + included.joined(separator: ", ")
            }
            q += ")"
            if ctx.hasReloptions(x.reloptions) { q += " WITH (\(ctx.reloptions(x.reloptions)))" }
            if k.deferrable {
                q += " DEFERRABLE"
                if k.deferred { q += " INITIALLY DEFERRED" }
            }
            q += ";\n"
        }
        q += clusterAndIdentity(x, table: t, ctx, identity: true)
        return (q, "ALTER \(foreign)TABLE ONLY \(qualified) DROP CONSTRAINT \(ctx.id(k.name));\n")
    }

    /// A foreign key: ONLY except on partitioned tables, whose keys always cascade.
    public static func foreignKey(_ f: ForeignKeyRow, table t: RelationRow, _ ctx: RenderContext) -> (create: String, drop: String) {
        let foreign = t.relkind == .foreignTable ? "FOREIGN " : ""
        let only = t.relkind == .partitionedTable ? "" : "ONLY "
        let target = "ALTER \(foreign)TABLE \(only)\(ctx.qualified(t.namespace, t.name))"
        return ("\(target)\n    ADD CONSTRAINT \(ctx.id(f.name)) \(f.definition);\n",
                "\(target) DROP CONSTRAINT \(ctx.id(f.name));\n")
    }

    public static func indexAttach(parent: (schema: String, name: String), partition: (schema: String, name: String),
                                   _ ctx: RenderContext) -> String {
        "ALTER INDEX \(ctx.qualified(parent.schema, parent.name)) ATTACH PARTITION \(ctx.qualified(partition.schema, partition.name));\n"
    }

    static func enableKeyword(_ state: Character) -> String {
        switch state {
        case "D", "f": return "DISABLE"
        case "A": return "ENABLE ALWAYS"
        case "R": return "ENABLE REPLICA"
        default: return "ENABLE"
        }
    }

    public static func trigger(_ g: TriggerRow, table t: RelationRow, _ ctx: RenderContext) -> (create: String, drop: String) {
        let qualified = ctx.qualified(t.namespace, t.name)
        let foreign = t.relkind == .foreignTable ? "FOREIGN " : ""
        let alter = "\nALTER \(foreign)TABLE \(qualified) \(enableKeyword(g.enabled)) TRIGGER \(ctx.id(g.name));\n"
        if g.isPartitionClone {
            // The clone exists once the partition is attached; only its enabled state differs.
            return (alter, "")
        }
        var q = "\(g.definition);\n"
        if g.enabled != "O" && g.enabled != "t" { q += alter }
        return (q, "DROP TRIGGER \(ctx.id(g.name)) ON \(qualified);\n")
    }

    /// A rule other than a view's ON SELECT rule merged into CREATE VIEW. A separate ON SELECT
    /// rule (a view split out of a dependency loop) becomes CREATE OR REPLACE VIEW.
    public static func rule(_ r: RuleRow, view: TableModel?, table t: RelationRow, _ ctx: RenderContext) -> (create: String, drop: String) {
        let qualified = ctx.qualified(t.namespace, t.name)
        var q: String
        let isView = r.eventType == "1" && r.isInstead
        if isView {
            q = "CREATE OR REPLACE VIEW \(qualified)"
            if ctx.hasReloptions(t.reloptions) { q += " WITH (\(ctx.reloptions(t.reloptions)))" }
            q += " AS\n\(TableDDL.viewAsClause(t))"
            if let co = t.checkOption { q += "\n  WITH \(co) CHECK OPTION" }
            q += ";\n"
        } else {
            q = "\(r.definition)\n"
        }
        if r.enabled != "O" {
            q += "ALTER TABLE \(qualified) "
            switch r.enabled {
            case "A": q += "ENABLE ALWAYS RULE \(ctx.id(r.name));\n"
            case "R": q += "ENABLE REPLICA RULE \(ctx.id(r.name));\n"
            case "D": q += "DISABLE RULE \(ctx.id(r.name));\n"
            default: break
            }
        }
        let drop: String
        if isView, let view {
            drop = "CREATE OR REPLACE VIEW \(qualified) AS\n\(TableDDL.dummyViewAsClause(view, ctx));\n"
        } else {
            drop = "DROP RULE \(ctx.id(r.name)) ON \(qualified);\n"
        }
        return (q, drop)
    }

    public static func rowSecurity(table t: RelationRow, _ ctx: RenderContext) -> String {
        "ALTER TABLE \(ctx.qualified(t.namespace, t.name)) ENABLE ROW LEVEL SECURITY;"
    }

    public static func policy(_ p: PolicyRow, table t: RelationRow, _ ctx: RenderContext) -> (create: String, drop: String) {
        let qualified = ctx.qualified(t.namespace, t.name)
        let cmd: String
        switch p.command {
        case "r": cmd = " FOR SELECT"
        case "a": cmd = " FOR INSERT"
        case "w": cmd = " FOR UPDATE"
        case "d": cmd = " FOR DELETE"
        default: cmd = ""
        }
        var q = "CREATE POLICY \(ctx.id(p.name)) ON \(qualified)\(p.permissive ? "" : " AS RESTRICTIVE")\(cmd)"
        if let roles = p.roles { q += " TO \(roles)" }
        if let u = p.using { q += " USING (\(u))" }
        if let w = p.withCheck { q += " WITH CHECK (\(w))" }
        q += ";\n"
        return (q, "DROP POLICY \(ctx.id(p.name)) ON \(qualified);\n")
    }

    public static func statistics(_ s: StatisticsRow, namespace: String, _ ctx: RenderContext) -> (create: String, drop: String) {
        let qualified = ctx.qualified(namespace, s.name)
        var q = "\(s.definition);\n"
        if s.statisticsTarget >= 0 { q += "ALTER STATISTICS \(qualified) SET STATISTICS \(s.statisticsTarget);\n" }
        return (q, "DROP STATISTICS \(qualified);\n")
    }
}
