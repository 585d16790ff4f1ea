import Catalog

/// dumpFunc and dumpAgg, from pg_proc / pg_aggregate rows.
public enum RoutineDDL {
    /// The TOC tag: the unquoted name and the argument types (format_function_signature).
    public static func tag(_ f: FunctionRow) -> String {
        f.name + "(" + f.argumentTypes.joined(separator: ", ") + ")"
    }

    /// "FUNCTION" or "PROCEDURE" (window functions are functions).
    public static func keyword(_ f: FunctionRow) -> String { f.kind == "p" ? "PROCEDURE" : "FUNCTION" }

    /// dumpFunc. `shellTypeLookup` is unused; result types come formatted from the server.
    public static func function(_ f: FunctionRow, _ ctx: RenderContext) -> ObjectDDL {
        let keyword = keyword(f)
        let signature = ctx.id(f.name) + "(" + f.identityArguments + ")"
        let fullSignature = ctx.id(f.name) + "(" + f.arguments + ")"
        let qualifiedSignature = ctx.id(f.schema) + "." + signature
        var q = "CREATE \(keyword) \(ctx.id(f.schema)).\(fullSignature)"
        if f.kind != "p", let result = f.result {
            q += " RETURNS \(result)"
        }
        q += "\n    LANGUAGE \(ctx.id(f.language))"
        if !f.transformTypes.isEmpty {
            q += " TRANSFORM " + f.transformTypes.map { "FOR TYPE \($0)" }.joined(separator: ", ")
        }
        if f.kind == "w" { q += " WINDOW" }
        if f.volatility == "i" { q += " IMMUTABLE" } else if f.volatility == "s" { q += " STABLE" }
        if f.isStrict { q += " STRICT" }
        if f.securityDefiner { q += " SECURITY DEFINER" }
        if f.leakproof { q += " LEAKPROOF" }
        if f.cost != "0" {
            let defaultCost = (f.language == "internal" || f.language == "c") ? "1" : "100"
            if f.cost != defaultCost { q += " COST \(f.cost)" }
        }
        if f.returnsSet, f.rows != "0", f.rows != "1000" { q += " ROWS \(f.rows)" }
        if f.support != "-" { q += " SUPPORT \(f.support)" }
        if f.parallel == "s" { q += " PARALLEL SAFE" } else if f.parallel == "r" { q += " PARALLEL RESTRICTED" }
        for item in f.config {
            guard let eq = item.firstIndex(of: "=") else { continue }
            let name = String(item[..<eq]), value = String(item[item.index(after: eq)...])
            q += "\n    SET \(ctx.id(name)) TO "
            if gucIsListQuoted(name) {
                q += splitGUCList(value).map { ctx.literal($0) }.joined(separator: ", ")
            } else {
                q += ctx.literal(value)
            }
        }
        q += "\n    \(body(f, ctx));\n"
        // append_depends_on_extension
        // (pg_dump 17+ separates them by a blank line and drops the last newline)
        for ext in f.dependsOnExtensions {
            q += ctx.pgDumpMajor >= 17
                ? "\nALTER \(keyword) \(qualifiedSignature) DEPENDS ON EXTENSION \(ctx.id(ext));"
                : "ALTER \(keyword) \(qualifiedSignature) DEPENDS ON EXTENSION \(ctx.id(ext));\n"
        }
        return ObjectDDL(tag: tag(f), create: q, drop: "DROP \(keyword) \(qualifiedSignature);\n", commentName: signature)
    }

    /// The AS / SQL-body part of dumpFunc.
    static func body(_ f: FunctionRow, _ ctx: RenderContext) -> String {
        if let sqlBody = f.sqlBody { return sqlBody }
        let source = f.source ?? ""
        if let binary = f.binary, !binary.isEmpty {
            var s = "AS " + ctx.literal(binary)
            if !source.isEmpty {
                s += ", "
                s += (source.contains("'") || source.contains("\\")) ? ctx.dollarQuoted(source) : ctx.literal(source)
            }
            return s
        }
        return "AS " + ctx.dollarQuoted(source)
    }

    /// dumpAgg. The comment name is the identity signature ("(*)" for no arguments).
    public static func aggregate(_ f: FunctionRow, _ a: AggregateRow, _ ctx: RenderContext) -> ObjectDDL {
        let noArgs = f.argumentTypes.isEmpty
        let signature = ctx.id(f.name) + (noArgs ? "(*)" : "(" + f.identityArguments + ")")
        let fullSignature = ctx.id(f.name) + (noArgs ? "(*)" : "(" + f.arguments + ")")
        let tag = f.name + (noArgs ? "(*)" : "(" + f.argumentTypes.joined(separator: ", ") + ")")
        let defaultModify: Character = a.kind == "n" ? "r" : "w"
        let finalModify = a.finalModify == "0" ? defaultModify : a.finalModify
        let movingFinalModify = a.movingFinalModify == "0" ? defaultModify : a.movingFinalModify
        func modify(_ m: Character) -> String {
            switch m { case "r": return "READ_ONLY"; case "s": return "SHAREABLE"; default: return "READ_WRITE" }
        }
        var d = "    SFUNC = \(a.transitionFunction),\n    STYPE = \(a.transitionType)"
        if a.transitionSpace != "0" { d += ",\n    SSPACE = \(a.transitionSpace)" }
        if let initial = a.initialValue { d += ",\n    INITCOND = " + ctx.literal(initial) }
        if a.finalFunction != "-" {
            d += ",\n    FINALFUNC = \(a.finalFunction)"
            if a.finalExtra { d += ",\n    FINALFUNC_EXTRA" }
            if finalModify != defaultModify { d += ",\n    FINALFUNC_MODIFY = " + modify(finalModify) }
        }
        if a.combineFunction != "-" { d += ",\n    COMBINEFUNC = \(a.combineFunction)" }
        if a.serialFunction != "-" { d += ",\n    SERIALFUNC = \(a.serialFunction)" }
        if a.deserialFunction != "-" { d += ",\n    DESERIALFUNC = \(a.deserialFunction)" }
        if a.movingTransitionFunction != "-" {
            d += ",\n    MSFUNC = \(a.movingTransitionFunction),\n    MINVFUNC = \(a.movingInverseFunction),\n    MSTYPE = \(a.movingTransitionType)"
        }
        if a.movingTransitionSpace != "0" { d += ",\n    MSSPACE = \(a.movingTransitionSpace)" }
        if let initial = a.movingInitialValue { d += ",\n    MINITCOND = " + ctx.literal(initial) }
        if a.movingFinalFunction != "-" {
            d += ",\n    MFINALFUNC = \(a.movingFinalFunction)"
            if a.movingFinalExtra { d += ",\n    MFINALFUNC_EXTRA" }
            if movingFinalModify != defaultModify { d += ",\n    MFINALFUNC_MODIFY = " + modify(movingFinalModify) }
        }
        if let op = a.sortOperator { d += ",\n    SORTOP = OPERATOR(\(ctx.id(op.schema)).\(op.name))" }
        if a.kind == "h" { d += ",\n    HYPOTHETICAL" }
        if f.parallel == "s" { d += ",\n    PARALLEL = safe" } else if f.parallel == "r" { d += ",\n    PARALLEL = restricted" }
        let schema = ctx.id(f.schema)
        return ObjectDDL(tag: tag, create: "CREATE AGGREGATE \(schema).\(fullSignature) (\n\(d)\n);\n",
                         drop: "DROP AGGREGATE \(schema).\(signature);\n", commentName: signature)
    }

    /// The name dumpACL uses for aggregates: format_function_signature(honor_quotes) with
    /// type names, under the FUNCTION keyword.
    public static func aggregateACLName(_ f: FunctionRow, _ ctx: RenderContext) -> String {
        ctx.id(f.name) + "(" + f.argumentTypes.joined(separator: ", ") + ")"
    }
}
