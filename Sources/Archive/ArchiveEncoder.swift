/// Serializes the custom format's primitive fields into a byte array, the inverse of
/// ArchiveDecoder: sign-and-magnitude ints of `intSize` bytes, length-prefixed strings, flagged
/// offsets of `offSize` bytes.
struct ArchiveEncoder {
    var bytes: [UInt8] = []
    let intSize: Int
    let offSize: Int

    init(intSize: Int = 4, offSize: Int = 8) {
        self.intSize = intSize
        self.offSize = offSize
    }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func int(_ value: Int) {
        bytes.append(value < 0 ? 1 : 0)
        var v = UInt64(value.magnitude)
        for _ in 0..<intSize {
            bytes.append(UInt8(v & 0xFF))
            v >>= 8
        }
    }

    mutating func string(_ s: String?) {
        guard let s else { int(-1); return }
        // Straight from the string's storage: no intermediate array per string.
        int(s.utf8.count)
        bytes.append(contentsOf: s.utf8)
    }

    /// A non-negative number as a string field in decimal (what `string(String(n))` writes),
    /// without building the String.
    mutating func decimal(_ n: UInt64) {
        var digits: (UInt64, Int) = (n, 0)
        repeat { digits.1 += 1; digits.0 /= 10 } while digits.0 > 0
        int(digits.1)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits.1))
        var v = n
        var i = start + digits.1 - 1
        repeat {
            bytes[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        } while v > 0
    }

    mutating func offset(_ state: DataOffsetState, _ value: Int64) {
        bytes.append(state.rawValue)
        var v = UInt64(value)
        for _ in 0..<offSize {
            bytes.append(UInt8(v & 0xFF))
            v >>= 8
        }
    }

    mutating func header(_ h: ArchiveHeader) {
        bytes.append(contentsOf: Array("PGDMP".utf8))
        byte(h.version.major)
        byte(h.version.minor)
        byte(h.version.revision)
        byte(UInt8(h.intSize))
        byte(UInt8(h.offSize))
        byte(ArchiveFormatCode.custom.rawValue)
        if h.version >= .v1_15 {
            byte(h.compression.algorithm.rawValue)
        } else {
            int(h.compression.legacyLevel ?? (h.compression.algorithm == .none ? 0 : -1))
        }
        let t = h.created
        for v in [t.second, t.minute, t.hour, t.dayOfMonth, t.month, t.year, t.isDST] { int(v) }
        string(h.databaseName)
        string(h.serverVersion)
        string(h.dumpVersion)
    }

    /// One TOC entry as WriteToc + the custom format's WriteExtraToc write it.
    mutating func entry(_ e: borrowing TocEntry, version: ArchiveVersion) {
        int(e.dumpId)
        int(e.hasData ? 1 : 0)
        decimal(UInt64(e.tableOid))
        decimal(UInt64(e.oid))
        string(e.tag)
        string(e.desc)
        int(e.section.rawValue)
        string(e.definition)
        string(e.dropStatement)
        string(e.copyStatement)
        string(e.namespace)
        string(e.tablespace)
        if version >= .v1_14 { string(e.tableAccessMethod) }
        if version >= .v1_16 { int(e.relkind) }
        string(e.owner)
        string("false")
        for d in e.dependencies { if d >= 0 { decimal(UInt64(d)) } else { string(String(d)) } }
        string(nil)
        offset(e.dataState, e.dataOffset)
    }
}
