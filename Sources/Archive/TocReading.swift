/// Reads the table of contents that follows the header.
extension ArchiveDecoder {
    /// Smallest number of bytes one TOC entry can occupy; bounds the entry count read from the file.
    private var minimumEntrySize: Int { (intSize + 1) * 10 }

    func readToc(version: ArchiveVersion) throws -> [TocEntry] {
        let countOffset = input.position
        let count = try readInt("TOC entry count")
        if count < 0 {
            throw ArchiveError.invalidField(file: file, offset: countOffset, field: "TOC entry count", detail: "negative count \(count)")
        }
        if let left = input.remaining, Int64(count) * Int64(minimumEntrySize) > left {
            throw ArchiveError.invalidField(file: file, offset: countOffset, field: "TOC entry count",
                                            detail: "\(count) entries cannot fit in the \(left) bytes left in the file")
        }
        var entries: [TocEntry] = []
        entries.reserveCapacity(min(count, 1 << 20))
        for index in 0..<count {
            entries.append(try readEntry(index: index, version: version))
        }
        return entries
    }

    private func readEntry(index: Int, version: ArchiveVersion) throws -> TocEntry {
        let where_ = "TOC entry #\(index + 1)"
        let idOffset = input.position
        let dumpId = try readInt("dump id of \(where_)")
        guard dumpId > 0 else {
            throw ArchiveError.invalidField(file: file, offset: idOffset, field: "dump id of \(where_)",
                                            detail: "entry ID \(dumpId) out of range -- perhaps a corrupt TOC")
        }
        let label = "TOC entry \(dumpId)"
        let hadDumper = try readInt("data flag of \(label)") != 0
        let tableOid = try readOid("table OID of \(label)")
        let oid = try readOid("OID of \(label)")
        let tag = try readString("tag of \(label)") ?? ""
        let desc = try readString("type of \(label)") ?? ""
        let sectionOffset = input.position
        let sectionCode = try readInt("section of \(label)")
        guard let section = ArchiveSection(rawValue: sectionCode) else {
            throw ArchiveError.invalidField(file: file, offset: sectionOffset, field: "section of \(label)",
                                            detail: "unexpected section code \(sectionCode)")
        }
        let defn = try readString("definition of \(label)")
        let drop = try readString("drop statement of \(label)")
        let copy = try readString("copy statement of \(label)")
        let namespace = try readString("schema of \(label)")
        let tablespace = try readString("tablespace of \(label)")
        let tableAM = version >= .v1_14 ? try readString("table access method of \(label)") : nil
        let relkind = version >= .v1_16 ? try readInt("relkind of \(label)") : 0
        let owner = try readString("owner of \(label)")
        let withOids = try readString("WITH OIDS flag of \(label)")
        if withOids == "true" {
            throw ArchiveError.unsupported(file: file, detail: "\(label) is a table WITH OIDS, which no supported server can restore")
        }
        var deps: [Int] = []
        while true {
            let depOffset = input.position
            guard let dep = try readNumericString("dependency of \(label)") else { break }
            guard dep > 0, dep <= Int64(Int32.max) else {
                throw ArchiveError.invalidField(file: file, offset: depOffset, field: "dependency of \(label)",
                                                detail: "dependency ID \(dep) out of range")
            }
            deps.append(Int(dep))
        }
        let (state, offset) = try readOffset("data offset of \(label)")
        return TocEntry(dumpId: dumpId, hasData: hadDumper, tableOid: tableOid, oid: oid, tag: tag, desc: desc,
                        section: section, definition: defn, dropStatement: drop, copyStatement: copy,
                        namespace: namespace, tablespace: tablespace, tableAccessMethod: tableAM, relkind: relkind,
                        owner: owner, withOids: withOids, dependencies: deps, dataState: state, dataOffset: offset)
    }

    private func readOid(_ what: @autoclosure () -> String) throws -> UInt32 {
        let start = input.position
        guard let n = try readNumericString(what()) else { return 0 }
        guard n >= 0, n <= Int64(UInt32.max) else {
            throw ArchiveError.invalidField(file: file, offset: start, field: what(), detail: "OID \(n) out of range")
        }
        return UInt32(n)
    }
}
