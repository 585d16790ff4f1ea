import Catalog

/// dumpEnumType, dumpRangeType, dumpBaseType, dumpDomain, dumpCompositeType, dumpUndefinedType,
/// dumpShellType and the separately dumped (NOT VALID) domain constraints of dumpConstraint.
public enum TypeDDL {
    static func qualified(_ t: TypeRow, _ ctx: RenderContext) -> String { ctx.qualified(t.schema, t.name) }

    static func plain(_ t: TypeRow, _ ctx: RenderContext, _ create: String, dropKeyword: String = "TYPE", cascade: Bool = false) -> ObjectDDL {
        ObjectDDL(tag: t.name, create: create, drop: "DROP \(dropKeyword) \(qualified(t, ctx))\(cascade ? " CASCADE" : "");\n",
                  commentName: ctx.id(t.name))
    }

    public static func enumType(_ t: TypeRow, labels: [String], _ ctx: RenderContext) -> ObjectDDL {
        var q = "CREATE TYPE \(qualified(t, ctx)) AS ENUM ("
        for (i, label) in labels.enumerated() {
            if i > 0 { q += "," }
            q += "\n    " + ctx.literal(label)
        }
        q += "\n);\n"
        return plain(t, ctx, q)
    }

    public static func rangeType(_ t: TypeRow, _ ctx: RenderContext) -> ObjectDDL {
        var q = "CREATE TYPE \(qualified(t, ctx)) AS RANGE ("
        q += "\n    subtype = \(t.rangeSubtype)"
        if let multi = t.rangeMultirange { q += ",\n    multirange_type_name = \(multi)" }
        if !t.rangeOpclassDefault {
            q += ",\n    subtype_opclass = \(ctx.id(t.rangeOpclassSchema)).\(ctx.id(t.rangeOpclassName))"
        }
        if let cs = t.collationSchema, let cn = t.collationName { q += ",\n    collation = \(ctx.qualified(cs, cn))" }
        if t.rangeCanonical != "-" { q += ",\n    canonical = \(t.rangeCanonical)" }
        if t.rangeSubtypeDiff != "-" { q += ",\n    subtype_diff = \(t.rangeSubtypeDiff)" }
        q += "\n);\n"
        return plain(t, ctx, q)
    }

    /// A pseudo-type that is not defined (dumpUndefinedType: CREATE TYPE x;).
    public static func undefinedType(_ t: TypeRow, _ ctx: RenderContext) -> ObjectDDL {
        plain(t, ctx, "CREATE TYPE \(qualified(t, ctx));\n")
    }

    /// dumpShellType: the definition only (no drop statement, no comment).
    public static func shellType(_ t: TypeRow, _ ctx: RenderContext) -> ObjectDDL {
        ObjectDDL(tag: t.name, create: "CREATE TYPE \(qualified(t, ctx));\n", drop: "", commentName: ctx.id(t.name))
    }

    public static func baseType(_ t: TypeRow, _ ctx: RenderContext) -> ObjectDDL {
        var q = "CREATE TYPE \(qualified(t, ctx)) (\n    INTERNALLENGTH = \(t.length == "-1" ? "variable" : t.length)"
        q += ",\n    INPUT = \(t.input)"
        q += ",\n    OUTPUT = \(t.output)"
        if t.receiveOid != 0 { q += ",\n    RECEIVE = \(t.receive)" }
        if t.sendOid != 0 { q += ",\n    SEND = \(t.send)" }
        if t.typmodInOid != 0 { q += ",\n    TYPMOD_IN = \(t.typmodIn)" }
        if t.typmodOutOid != 0 { q += ",\n    TYPMOD_OUT = \(t.typmodOut)" }
        if t.analyzeOid != 0 { q += ",\n    ANALYZE = \(t.analyze)" }
        if t.collatable { q += ",\n    COLLATABLE = true" }
        if let expr = t.defaultExpression {
            q += ",\n    DEFAULT = \(expr)"
        } else if let literal = t.defaultLiteral {
            q += ",\n    DEFAULT = " + ctx.literal(literal)
        }
        if t.subscriptOid != 0 { q += ",\n    SUBSCRIPT = \(t.subscriptFunction)" }
        if let element = t.element { q += ",\n    ELEMENT = \(element)" }
        if t.category != "U" { q += ",\n    CATEGORY = " + ctx.literal(t.category) }
        if t.preferred { q += ",\n    PREFERRED = true" }
        if t.delimiter != "," { q += ",\n    DELIMITER = " + ctx.literal(t.delimiter) }
        switch t.alignment {
        case "c": q += ",\n    ALIGNMENT = char"
        case "s": q += ",\n    ALIGNMENT = int2"
        case "i": q += ",\n    ALIGNMENT = int4"
        case "d": q += ",\n    ALIGNMENT = double"
        default: break
        }
        switch t.storage {
        case "p": q += ",\n    STORAGE = plain"
        case "e": q += ",\n    STORAGE = external"
        case "x": q += ",\n    STORAGE = extended"
        case "m": q += ",\n    STORAGE = main"
        default: break
        }
        if t.byValue { q += ",\n    PASSEDBYVALUE" }
        q += "\n);\n"
        return plain(t, ctx, q, cascade: true)
    }

    /// dumpDomain: constraints not dumped separately are inlined (the validated ones); NOT NULL
    /// constraints (17+ catalogs them) are rendered by typnotnull.
    public static func domain(_ t: TypeRow, constraints: [DomainConstraintRow], _ ctx: RenderContext) -> ObjectDDL {
        var q = "CREATE DOMAIN \(qualified(t, ctx)) AS \(t.domainBaseType)"
        if let cs = t.collationSchema, let cn = t.collationName { q += " COLLATE \(ctx.qualified(cs, cn))" }
        // pg_dump 17+ names a NOT NULL constraint (catalogued from 17) whose name is not the default.
        let notNullName = constraints.first { $0.kind == "n" }?.name
        if let name = notNullName, ctx.pgDumpMajor >= 17, name != "\(t.name)_not_null" {
            q += " CONSTRAINT \(ctx.id(name)) NOT NULL"
        } else if t.notNull {
            q += " NOT NULL"
        }
        if let expr = t.defaultExpression {
            q += " DEFAULT \(expr)"
        } else if let literal = t.defaultLiteral {
            q += " DEFAULT " + ctx.literal(literal)
        }
        for c in constraints where c.kind == "c" && c.validated {
            q += "\n\tCONSTRAINT \(ctx.id(c.name)) \(c.definition)"
        }
        q += ";\n"
        return plain(t, ctx, q, dropKeyword: "DOMAIN")
    }

    /// A NOT VALID domain CHECK constraint, dumped after the data ("CHECK CONSTRAINT").
    public static func separateDomainConstraint(_ t: TypeRow, _ c: DomainConstraintRow, _ ctx: RenderContext) -> ObjectDDL {
        let q = qualified(t, ctx)
        return ObjectDDL(tag: "\(t.name) \(c.name)",
                         create: "ALTER DOMAIN \(q)\n    ADD CONSTRAINT \(ctx.id(c.name)) \(c.definition);\n",
                         drop: "ALTER DOMAIN \(q) DROP CONSTRAINT \(ctx.id(c.name));\n",
                         commentName: ctx.id(t.name))
    }

    public static func compositeType(_ t: TypeRow, attributes: [CompositeAttributeRow], _ ctx: RenderContext) -> ObjectDDL {
        var q = "CREATE TYPE \(qualified(t, ctx)) AS ("
        var count = 0
        for a in attributes where !a.isDropped {
            if count > 0 { q += "," }
            count += 1
            q += "\n\t\(ctx.id(a.name)) \(a.type)"
            if let cs = a.collationSchema, let cn = a.collationName { q += " COLLATE \(ctx.qualified(cs, cn))" }
        }
        q += "\n);\n"
        return plain(t, ctx, q)
    }
}
