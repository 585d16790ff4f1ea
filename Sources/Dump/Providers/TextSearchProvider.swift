import Archive
import Catalog
import DDL

/// TEXT SEARCH PARSER, TEMPLATE, DICTIONARY and CONFIGURATION entries. Parsers and templates have
/// no owner: their entries and comments carry an empty owner, as pg_dump's do.
public enum TextSearchProvider: CatalogProvider {
    public static func load(_ context: ProviderContext) throws {
        let c = context.connection
        let membership = try context.extensionMembership()
        let metadata = context.metadata
        for p in try TextSearchCatalog.parsers(c) {
            guard let object = context.addNamespacedObject(.tsParser, p.id, name: p.name, schema: p.schema, membership: membership) else { continue }
            object.emit = { emitter, o in
                emitter.emitDefinition(o, TextSearchDDL.parser(p, emitter.context), desc: "TEXT SEARCH PARSER",
                                       commentType: "TEXT SEARCH PARSER", namespace: p.schema, owner: nil, metadata: metadata)
            }
        }
        for t in try TextSearchCatalog.templates(c) {
            guard let object = context.addNamespacedObject(.tsTemplate, t.id, name: t.name, schema: t.schema, membership: membership) else { continue }
            object.emit = { emitter, o in
                emitter.emitDefinition(o, TextSearchDDL.template(t, emitter.context), desc: "TEXT SEARCH TEMPLATE",
                                       commentType: "TEXT SEARCH TEMPLATE", namespace: t.schema, owner: nil, metadata: metadata)
            }
        }
        for d in try TextSearchCatalog.dictionaries(c) {
            guard let object = context.addNamespacedObject(.tsDict, d.id, name: d.name, schema: d.schema, membership: membership) else { continue }
            object.emit = { emitter, o in
                emitter.emitDefinition(o, TextSearchDDL.dictionary(d, emitter.context), desc: "TEXT SEARCH DICTIONARY",
                                       commentType: "TEXT SEARCH DICTIONARY", namespace: d.schema, owner: d.owner, metadata: metadata)
            }
        }
        for cfg in try TextSearchCatalog.configurations(c) {
            guard let object = context.addNamespacedObject(.tsConfig, cfg.id, name: cfg.name, schema: cfg.schema, membership: membership) else { continue }
            object.emit = { emitter, o in
                emitter.emitDefinition(o, TextSearchDDL.configuration(cfg, emitter.context), desc: "TEXT SEARCH CONFIGURATION",
                                       commentType: "TEXT SEARCH CONFIGURATION", namespace: cfg.schema, owner: cfg.owner, metadata: metadata)
            }
        }
    }
}
