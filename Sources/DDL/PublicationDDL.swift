import Catalog

/// dumpEventTrigger, dumpPublication, dumpPublicationTable, dumpPublicationNamespace and dumpSubscription.
public enum PublicationDDL {
    public static func eventTrigger(_ e: EventTriggerRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.id(e.name)
        var q = "CREATE EVENT TRIGGER \(name) ON \(ctx.id(e.event))"
        if !e.tags.isEmpty { q += "\n         WHEN TAG IN (\(e.tags))" }
        q += "\n   EXECUTE FUNCTION \(e.function)();\n"
        if e.enabled != "O" {
            q += "\nALTER EVENT TRIGGER \(name) "
            switch e.enabled {
            case "D": q += "DISABLE"
            case "A": q += "ENABLE ALWAYS"
            case "R": q += "ENABLE REPLICA"
            default: q += "ENABLE"
            }
            q += ";\n"
        }
        return ObjectDDL(tag: e.name, create: q, drop: "DROP EVENT TRIGGER \(name);\n", commentName: name)
    }

    public static func publication(_ p: PublicationRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.id(p.name)
        var q = "CREATE PUBLICATION \(name)"
        if p.allTables { q += " FOR ALL TABLES" }
        var actions: [String] = []
        if p.insert { actions.append("insert") }
        if p.update { actions.append("update") }
        if p.delete { actions.append("delete") }
        if p.truncate { actions.append("truncate") }
        q += " WITH (publish = '\(actions.joined(separator: ", "))'"
        if p.viaRoot { q += ", publish_via_partition_root = true" }
        if ctx.pgDumpMajor >= 18, p.generatedColumns == "s" { q += ", publish_generated_columns = stored" }
        q += ");\n"
        return ObjectDDL(tag: p.name, create: q, drop: "DROP PUBLICATION \(name);\n", commentName: name)
    }

    public static func publicationTable(_ t: PublicationTableRow, publicationName: String, _ ctx: RenderContext) -> ObjectDDL {
        var q = "ALTER PUBLICATION \(ctx.id(publicationName)) ADD TABLE ONLY \(ctx.qualified(t.tableSchema, t.tableName))"
        if let columns = t.columns { q += " (" + columns.map { ctx.id($0) }.joined(separator: ", ") + ")" }
        if let filter = t.rowFilter { q += " WHERE (\(filter))" }
        q += ";\n"
        // No drop statement: pg_dump 15-18 write none for publication members.
        return ObjectDDL(tag: "\(publicationName) \(t.tableName)", create: q, drop: "", commentName: "")
    }

    public static func publicationSchema(_ s: PublicationSchemaRow, publicationName: String, _ ctx: RenderContext) -> ObjectDDL {
        return ObjectDDL(tag: "\(publicationName) \(s.schemaName)",
                         create: "ALTER PUBLICATION \(ctx.id(publicationName)) ADD TABLES IN SCHEMA \(ctx.id(s.schemaName));\n",
                         drop: "", commentName: "")
    }

    public static func subscription(_ s: SubscriptionRow, _ ctx: RenderContext) -> ObjectDDL {
        let name = ctx.id(s.name)
        var q = "CREATE SUBSCRIPTION \(name) CONNECTION \(ctx.literal(s.connectionInfo))"
        q += " PUBLICATION \(s.publications.map { ctx.id($0) }.joined(separator: ", ")) WITH (connect = false, slot_name = "
        q += s.slotName.map { ctx.literal($0) } ?? "NONE"
        if s.binary { q += ", binary = true" }
        if s.stream == "t" { q += ", streaming = on" } else if s.stream == "p" { q += ", streaming = parallel" }
        if s.twoPhaseState != "d" { q += ", two_phase = on" }
        if s.disableOnError { q += ", disable_on_error = true" }
        if ctx.pgDumpMajor >= 16 {
            if !s.passwordRequired { q += ", password_required = false" }
            if s.runAsOwner { q += ", run_as_owner = true" }
        }
        if ctx.pgDumpMajor >= 17, s.failover { q += ", failover = true" }
        // origin follows failover (checked against pg_dump 16-18); its place relative to
        // synchronous_commit is not covered by the oracle yet.
        if ctx.pgDumpMajor >= 16, let origin = s.origin, origin.lowercased() != "any" { q += ", origin = \(origin)" }
        if s.synchronousCommit != "off" { q += ", synchronous_commit = \(ctx.id(s.synchronousCommit))" }
        q += ");\n"
        return ObjectDDL(tag: s.name, create: q, drop: "DROP SUBSCRIPTION \(name);\n", commentName: name)
    }
}
