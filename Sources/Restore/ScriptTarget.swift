#if canImport(Glibc)
import Glibc
#endif
import Archive
import Postgres

/// A restore target that writes the SQL script, byte for byte as pg_restore -f writes it.
///
/// Output is buffered and written with write(2); large objects are turned into lowrite() calls
/// of at most 16 KiB each, as pg_restore does (its LOBBUFSIZE).
public final class ScriptTarget: RestoreTarget {
    public var isDatabase: Bool { false }
    public var serverMajorVersion: Int? { nil }
    public var failedEntryIds: Set<Int> { [] }
    private let output: OutputFile
    /// Whether string literals may use plain backslashes (standard_conforming_strings on).
    var standardConformingStrings = true
    private var largeObjectBuffer: [UInt8] = []
    private static let largeObjectChunk = 16384

    public init(output: OutputFile) {
        self.output = output
        largeObjectBuffer.reserveCapacity(Self.largeObjectChunk)
    }

    public func sql(_ text: String) throws { try output.write(text) }

    public func setting(_ text: String, terminator: String, failureIsFatal: Bool, describe: String) throws {
        try output.write(text + terminator)
    }

    public func beginCopy(_ statement: String) throws { try output.write(statement) }
    public func copyData(_ bytes: UnsafeRawBufferPointer) throws { try output.write(bytes) }
    public func endCopy(tag: String) throws {}
    public func otherData(_ bytes: UnsafeRawBufferPointer) throws { try output.write(bytes) }

    public func beginLargeObject(oid: UInt32, createFirst: Bool) throws {
        largeObjectBuffer.removeAll(keepingCapacity: true)
        if createFirst {
            try output.write("SELECT pg_catalog.lo_open(pg_catalog.lo_create('\(oid)'), 131072);\n")
        } else {
            try output.write("SELECT pg_catalog.lo_open('\(oid)', 131072);\n")
        }
    }

    public func largeObjectData(_ bytes: UnsafeRawBufferPointer) throws {
        // Like pg_restore, a full buffer is written out only when more data arrives, so an object
        // of exactly 16 KiB is one lowrite() call.
        var offset = 0
        while offset < bytes.count {
            if largeObjectBuffer.count == Self.largeObjectChunk { try flushLargeObject() }
            let n = min(Self.largeObjectChunk - largeObjectBuffer.count, bytes.count - offset)
            largeObjectBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
            offset += n
        }
    }

    private func flushLargeObject() throws {
        guard !largeObjectBuffer.isEmpty else { return }
        var text = "SELECT pg_catalog.lowrite(0, '"
        if !standardConformingStrings { text += "\\" }
        text += "\\x"
        text.reserveCapacity(text.utf8.count + largeObjectBuffer.count * 2 + 8)
        let hex = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(largeObjectBuffer.count * 2)
        for b in largeObjectBuffer {
            bytes.append(hex[Int(b >> 4)])
            bytes.append(hex[Int(b & 0xF)])
        }
        text += String(decoding: bytes, as: UTF8.self)
        text += "');\n"
        try output.write(text)
        largeObjectBuffer.removeAll(keepingCapacity: true)
    }

    public func endLargeObject(oid: UInt32) throws {
        try flushLargeObject()
        try output.write("SELECT pg_catalog.lo_close(0);\n\n")
    }

    public func reconnect(to database: String, restrictKey: String?) throws {
        if let key = restrictKey { try output.write("\\unrestrict \(key)\n") }
        try output.write(psqlConnectCommand(database))
        if let key = restrictKey { try output.write("\\restrict \(key)\n\n") }
    }

    public func enterEntry(_ entry: TocEntry?) {}

    public func finish() throws { try output.flush() }
}

/// psql's `\connect` line for a database name, as pg_restore writes it (appendPsqlMetaConnect).
func psqlConnectCommand(_ database: String) -> String {
    let simple = database.utf8.allSatisfy { c in
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c == 46
    }
    if simple {
        return "\\connect " + quoteIdentifier(database) + "\n"
    }
    return "\\encoding SQL_ASCII\n\\connect -reuse-previous=on " + quoteIdentifier("dbname=" + quoteConninfoValue(database)) + "\n"
}
