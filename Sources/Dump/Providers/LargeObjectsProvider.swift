import Archive
import Catalog
import DDL
import Foundation
import Postgres

/// Large objects (pg_dump's getBlobs/dumpBlob/dumpBlobs in 15 and 16, getLOs/dumpLO/dumpLOs in
/// 17+), shaped after the pg_dump release being reproduced (`RenderContext.pgDumpMajor`):
///
/// - 15/16: one "BLOB" entry (pre-data) per large object with its owner, its COMMENT,
///   SECURITY LABEL and ACL entries, and a single "BLOBS" data entry (tag "BLOBS", no owner)
///   holding every large object's contents in OID order.
/// - 17+: large objects sorted by (owner, ACL, OID) and cut into groups of at most 1000 sharing
///   owner and ACL; per group a "BLOB METADATA" entry (data section, tag "OID" or
///   "FIRST..LAST", definition the OIDs one per line, drop statement "-- dummy"), per-object
///   COMMENT/SECURITY LABEL entries, one ACL entry (tag "LARGE OBJECTS FIRST..LAST" for a
///   group), and a "BLOBS" entry with the group's contents, which depends on its metadata
///   entry (pg_dump sets that dependency by hand in getLOs).
///
/// Loaded only when `selection.includeLargeObjects` is set; the command line decides that as
/// pg_dump does (on by default in a dump without -n/-t/-s, or with -b).
public enum LargeObjectsProvider: CatalogProvider {
    /// MAX_BLOBS_PER_ARCHIVE_ENTRY in pg_dump 17+.
    public static let maxPerGroup = 1000

    public static func load(_ context: ProviderContext) throws {
        guard context.selection.includeLargeObjects else { return }
        let grouped = context.render.pgDumpMajor >= 17
        let objects = try LargeObjectMetadata.loadAll(context.connection, groupedOrder: grouped)
        guard !objects.isEmpty else { return }
        if grouped {
            addGroups(objects, context: context)
        } else {
            addSingles(objects, context: context)
        }
    }

    // MARK: pg_dump 15/16

    private static func addSingles(_ objects: [LargeObjectMetadata], context: ProviderContext) {
        let metadata = context.metadata
        for lo in objects {
            let object = DumpObject(kind: .largeObject, catalogId: lo.catalogId, name: String(lo.oid), namespace: nil)
            object.emit = { emitter, object in
                guard object.dumpDefinition else { return }
                emitter.entry(dumpId: object.dumpId, catalogId: lo.catalogId, desc: "BLOB", tag: object.name,
                              owner: lo.owner, section: .preData,
                              definition: "SELECT pg_catalog.lo_create('\(lo.oid)');\n",
                              dropStatement: "SELECT pg_catalog.lo_unlink('\(lo.oid)');\n")
                try emitter.emitLargeObjectMetadata(lo, metadata: metadata, parent: object.dumpId, aclTag: nil)
            }
            context.graph.add(object)
        }
        // The single placeholder whose data is every large object (dumpBlobs re-reads the
        // OIDs ordered; ours are sorted here).
        let data = DumpObject(kind: .largeObjectData, catalogId: .none, name: "BLOBS", namespace: nil)
        let oids = objects.map(\.oid).sorted()
        let connection = context.connection
        data.emit = { emitter, object in
            guard object.dumpData else { return }
            emitter.entry(dumpId: object.dumpId, desc: "BLOBS", tag: "BLOBS", section: .data,
                          data: LargeObjectContents(connection: connection, dumpId: object.dumpId, oids: oids))
        }
        context.graph.add(data)
    }

    // MARK: pg_dump 17+

    /// Consecutive runs (in owner, ACL, OID order) of at most `maxPerGroup` objects with the
    /// same owner and ACL text (a NULL ACL is its own value), as getLOs cuts them.
    public static func groups(_ objects: [LargeObjectMetadata]) -> [ArraySlice<LargeObjectMetadata>] {
        var result: [ArraySlice<LargeObjectMetadata>] = []
        var start = objects.startIndex
        while start < objects.endIndex {
            var end = start + 1
            while end < objects.endIndex, end - start < maxPerGroup,
                  objects[end].ownerOid == objects[start].ownerOid, objects[end].acl == objects[start].acl {
                end += 1
            }
            result.append(objects[start..<end])
            start = end
        }
        return result
    }

    private static func addGroups(_ objects: [LargeObjectMetadata], context: ProviderContext) {
        let metadata = context.metadata
        let connection = context.connection
        for group in groups(objects) {
            guard let first = group.first, let last = group.last else { continue }
            let name = group.count > 1 ? "\(first.oid)..\(last.oid)" : "\(first.oid)"
            let meta = DumpObject(kind: .largeObject, catalogId: first.catalogId, name: name, namespace: nil)
            meta.emit = { emitter, object in
                guard object.dumpDefinition else { return }
                emitter.entry(dumpId: object.dumpId, catalogId: first.catalogId, desc: "BLOB METADATA", tag: name,
                              owner: first.owner, section: .data,
                              definition: group.map { "\($0.oid)\n" }.joined(), dropStatement: "-- dummy")
                // Comments and labels per object, all depending on the group's entry.
                for lo in group {
                    emitter.emitComment(metadata, type: "LARGE OBJECT", name: String(lo.oid), namespace: nil,
                                        owner: lo.owner, catalogId: lo.catalogId, parent: object.dumpId)
                    emitter.emitSecurityLabels(metadata, type: "LARGE OBJECT", name: String(lo.oid), namespace: nil,
                                               owner: lo.owner, catalogId: lo.catalogId, parent: object.dumpId)
                }
                // Every member shares the ACL: one entry, which pg_restore expands per object
                // when the tag names a range.
                try emitter.emitACL(type: "LARGE OBJECT", name: String(first.oid), subname: nil,
                                    tag: group.count > 1 ? "LARGE OBJECTS \(name)" : nil, namespace: nil,
                                    owner: first.owner, acl: first.acl, defaultACL: first.defaultACL,
                                    initPrivileges: nil, parent: object.dumpId)
            }
            context.graph.add(meta)

            let data = DumpObject(kind: .largeObjectData, catalogId: .none, name: name, namespace: nil)
            // getLOs: "Set up explicit dependency from data to metadata".
            data.dependencies.append(meta.dumpId)
            let oids = group.map(\.oid)
            data.emit = { emitter, object in
                guard object.dumpData else { return }
                // dumpLO passes the object's dependencies as they are after sorting, the pre-data
                // boundary (which never has an entry) included; pg_restore ignores such ids.
                emitter.entry(dumpId: object.dumpId, desc: "BLOBS", tag: name, owner: first.owner, section: .data,
                              dependencies: object.dependencies,
                              data: LargeObjectContents(connection: connection, dumpId: object.dumpId, oids: oids))
            }
            context.graph.add(data)
        }
    }
}

extension DumpEmitter {
    /// A 15/16-style large object's COMMENT, SECURITY LABEL and ACL entries (dumpBlob).
    func emitLargeObjectMetadata(_ lo: LargeObjectMetadata, metadata: ObjectMetadata, parent: Int, aclTag: String?) throws {
        let name = String(lo.oid)
        emitComment(metadata, type: "LARGE OBJECT", name: name, namespace: nil, owner: lo.owner,
                    catalogId: lo.catalogId, parent: parent)
        emitSecurityLabels(metadata, type: "LARGE OBJECT", name: name, namespace: nil, owner: lo.owner,
                           catalogId: lo.catalogId, parent: parent)
        try emitACL(type: "LARGE OBJECT", name: name, subname: nil, tag: aclTag, namespace: nil, owner: lo.owner,
                    acl: lo.acl, defaultACL: lo.defaultACL, initPrivileges: nil, parent: parent)
    }
}

/// A large object's contents could not be read.
public struct LargeObjectReadError: Error, CustomStringConvertible {
    public var oid: UInt32
    public var offset: Int64
    public var detail: String
    public var description: String { "could not read large object \(oid) at offset \(offset): \(detail)" }
}

/// Streams large objects into a BLOBS block (dumpBlobs / dumpLOs): each object's bytes are read
/// in bounded slices with `lo_get(oid, offset, length)` inside the dump's snapshot, so no large
/// object is ever held in memory whole.
public final class LargeObjectContents: DataSource {
    /// Bytes per round trip (hex-encoded on the wire, so twice that in the result).
    public static let sliceSize = 256 * 1024

    let connection: Connection
    let dumpId: Int
    let oids: [UInt32]

    public init(connection: Connection, dumpId: Int, oids: [UInt32]) {
        self.connection = connection
        self.dumpId = dumpId
        self.oids = oids
    }

    public func write(to writer: ArchiveWriter) throws {
        try writer.beginLargeObjects(dumpId: dumpId)
        for oid in oids {
            try writer.beginLargeObject(oid: oid)
            var offset: Int64 = 0
            while true {
                // encode(..., 'hex') keeps the result independent of the session's bytea_output.
                let result = try connection.query(
                    "SELECT pg_catalog.encode(pg_catalog.lo_get($1::pg_catalog.oid, $2::pg_catalog.int8, $3::pg_catalog.int4), 'hex')",
                    [String(oid), String(offset), String(Self.sliceSize)])
                guard let hex = result.bytes(row: 0, column: 0) else {
                    throw LargeObjectReadError(oid: oid, offset: offset, detail: "lo_get returned NULL")
                }
                guard let bytes = Self.decodeHex(hex) else {
                    throw LargeObjectReadError(oid: oid, offset: offset, detail: "malformed hex from encode()")
                }
                if !bytes.isEmpty { try bytes.withUnsafeBytes { try writer.writeData($0) } }
                offset += Int64(bytes.count)
                if bytes.count < Self.sliceSize { break }
            }
            try writer.endLargeObject()
        }
        try writer.endLargeObjects()
    }

    static func decodeHex(_ hex: [UInt8]) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(hex.count / 2)
        var i = 0
        while i < hex.count {
            guard let hi = nibble(hex[i]), let lo = nibble(hex[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
