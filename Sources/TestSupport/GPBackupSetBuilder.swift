import Foundation

/// Writes a gpbackup set in gpbackup's layout (`<prefix><content>/backups/<date>/<ts>/`):
/// config.yaml, toc.yaml with correct metadata.sql byte offsets, metadata.sql, and one data file
/// per table per segment. For tests that need what the real samples lack (partitions, replicated
/// tables marked in the toc, awkward names). Only file-per-table sets.
public struct GPBackupSetBuilder {
    public struct Statement {
        public var type: String, schema: String, name: String, referenceObject: String, sql: String
        public init(_ type: String, _ schema: String, _ name: String, reference: String = "", _ sql: String) {
            self.type = type; self.schema = schema; self.name = name; self.referenceObject = reference; self.sql = sql
        }
    }

    public struct Table {
        /// Quoted identifiers, as gpbackup writes them (`quote_ident`).
        public var schema: String, name: String
        public var oid: Int
        public var attributes: String
        public var partitionRoot: String
        /// nil: the key is not written (gpbackup before 1.26).
        public var isReplicated: Bool?
        /// CSV text per segment (content 0, 1, ...).
        public var segments: [String]
        public var rowsCopied: Int64

        public init(schema: String = "public", name: String, oid: Int, attributes: String, partitionRoot: String = "",
                    isReplicated: Bool? = nil, segments: [String], rowsCopied: Int64) {
            self.schema = schema; self.name = name; self.oid = oid; self.attributes = attributes
            self.partitionRoot = partitionRoot; self.isReplicated = isReplicated; self.segments = segments; self.rowsCopied = rowsCopied
        }
    }

    public var timestamp = "20250102030405"
    public var segmentCount = 2
    public var leafPartitionData = true
    public var predata: [Statement] = []
    public var postdata: [Statement] = []
    public var tables: [Table] = []
    /// "none", "gzip" or "zstd"; the caller's `compress` must produce that format.
    public var compression = "none"

    public init() {}

    /// A YAML double-quoted scalar.
    static func yamlString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    public func write(to root: URL, compress: ([UInt8]) -> [UInt8] = { $0 }) throws {
        let ts = timestamp
        let dateDir = String(ts.prefix(8))
        let coordinator = root.appendingPathComponent("gpseg-1/backups/\(dateDir)/\(ts)")
        var metadata = "\nSET client_encoding = 'UTF8';\n"
        var toc = "globalentries:\n- schema: \"\"\n  name: \"\"\n  objecttype: SESSION GUCS\n  referenceobject: \"\"\n  startbyte: 0\n  endbyte: \(metadata.utf8.count)\n"
        func section(_ name: String, _ statements: [Statement]) {
            toc += statements.isEmpty ? "\(name): []\n" : "\(name):\n"
            for s in statements {
                let start = metadata.utf8.count
                metadata += "\n\n" + s.sql + "\n"
                toc += "- schema: \(Self.yamlString(s.schema))\n  name: \(Self.yamlString(s.name))\n  objecttype: \(s.type)\n"
                toc += "  referenceobject: \(Self.yamlString(s.referenceObject))\n  startbyte: \(start)\n  endbyte: \(metadata.utf8.count)\n"
            }
        }
        section("predataentries", predata)
        section("postdataentries", postdata)
        toc += "statisticsentries: []\n"
        toc += tables.isEmpty ? "dataentries: []\n" : "dataentries:\n"
        for t in tables {
            toc += "- schema: \(Self.yamlString(t.schema))\n  name: \(Self.yamlString(t.name))\n  oid: \(t.oid)\n"
            toc += "  attributestring: \(Self.yamlString(t.attributes))\n  rowscopied: \(t.rowsCopied)\n"
            toc += "  partitionroot: \(Self.yamlString(t.partitionRoot))\n"
            if let r = t.isReplicated { toc += "  isreplicated: \(r)\n  distbyenum: false\n" }
        }
        toc += "incrementalmetadata:\n  ao: {}\n"
        let fqns = tables.map { "\($0.schema).\($0.name)" }
        var config = """
        backupversion: 1.30.5
        compressed: \(compression != "none")
        compressiontype: \(compression == "zstd" ? "zstd" : "gzip")
        databasename: testdb
        databaseversion: 6.26.0 build commit:test
        segmentcount: \(segmentCount)
        singledatafile: false
        incremental: false
        leafpartitiondata: \(leafPartitionData)
        dataonly: false
        metadataonly: \(tables.isEmpty)
        timestamp: "\(ts)"
        status: Success

        """
        config += "restoreplan:\n- timestamp: \"\(ts)\"\n  tablefqns:\n" + fqns.map { "  - \(Self.yamlString($0))\n" }.joined()
        try FileManager.default.createDirectory(at: coordinator, withIntermediateDirectories: true)
        try Data(metadata.utf8).write(to: coordinator.appendingPathComponent("gpbackup_\(ts)_metadata.sql"))
        try Data(toc.utf8).write(to: coordinator.appendingPathComponent("gpbackup_\(ts)_toc.yaml"))
        try Data(config.utf8).write(to: coordinator.appendingPathComponent("gpbackup_\(ts)_config.yaml"))
        let ext = compression == "gzip" ? ".gz" : compression == "zstd" ? ".zst" : ""
        for content in 0..<segmentCount {
            let dir = root.appendingPathComponent("gpseg\(content)/backups/\(dateDir)/\(ts)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for t in tables {
                let csv = content < t.segments.count ? t.segments[content] : ""
                try Data(compress(Array(csv.utf8))).write(to: dir.appendingPathComponent("gpbackup_\(content)_\(ts)_\(t.oid)\(ext)"))
            }
        }
    }
}
