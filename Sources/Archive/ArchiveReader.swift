/// An event while reading an entry's data: bytes of the (decompressed) stream, or the bounds of
/// one large object inside a BLOBS entry.
public enum ArchiveDataEvent {
    case bytes(UnsafeRawBufferPointer)
    case largeObjectStart(oid: UInt32)
    case largeObjectEnd(oid: UInt32)
}

/// Opens a custom-format archive, reads its header and TOC, and streams each entry's data.
///
/// Data is found by its recorded offset when the input can seek; otherwise (an archive written to a
/// pipe, or read from one) by scanning the data blocks in order, remembering where each block
/// started so that a seekable file can come back to it later.
public final class ArchiveReader {
    public let header: ArchiveHeader
    public private(set) var entries: [TocEntry]
    public var fileName: String { input.fileName }
    /// Offset of the first byte after the TOC, where data blocks begin.
    public let dataStart: Int64

    private let input: ByteInput
    private var decoder: ArchiveDecoder
    private var indexByDumpId: [Int: Int] = [:]
    /// Positions of data blocks discovered by scanning, for archives without offsets.
    private var discoveredOffsets: [Int: Int64] = [:]
    /// Furthest position reached by a sequential scan.
    private var scanPosition: Int64

    public convenience init(path: String?) throws {
        try self.init(input: ByteInput(path: path))
    }

    public init(input: ByteInput) throws {
        self.input = input
        var decoder = ArchiveDecoder(input: input)
        header = try ArchiveHeader.read(from: &decoder)
        entries = try decoder.readToc(version: header.version)
        self.decoder = decoder
        dataStart = input.position
        scanPosition = dataStart
        for (i, e) in entries.enumerated() {
            if indexByDumpId[e.dumpId] != nil {
                throw ArchiveError.inconsistentToc(file: input.fileName, detail: "dump ID \(e.dumpId) appears twice")
            }
            indexByDumpId[e.dumpId] = i
        }
        if let size = input.fileSize {
            for e in entries where e.dataState == .set && (e.dataOffset < dataStart || e.dataOffset >= size) {
                throw ArchiveError.inconsistentToc(
                    file: input.fileName,
                    detail: "\(e.label) has data offset \(e.dataOffset), outside the data area \(dataStart)..<\(size)")
            }
        }
    }

    /// Called with the size of every stored (compressed) data chunk as it is read, on the
    /// reading thread: what the progress line's ETA counts.
    public var onStoredData: ((Int) -> Void)?
    /// Stored bytes reported for the entry being read, to report its framing at the end.
    private var storedReported: Int64 = 0

    public var isSeekable: Bool { input.isSeekable }
    public var fileSizeIfKnown: Int64? { input.fileSize }

    public func entry(dumpId: Int) -> TocEntry? {
        indexByDumpId[dumpId].map { entries[$0] }
    }

    /// Largest dump id in the TOC (pg_restore's maxDumpId).
    public var maxDumpId: Int { entries.map(\.dumpId).max() ?? 0 }

    /// Streams the data of `entry` to `consumer`, decompressing as it goes.
    public func readData(of entry: TocEntry, _ consumer: (ArchiveDataEvent) throws -> Void) throws {
        guard entry.hasData, entry.dataState != .noData else { return }
        storedReported = 0
        defer { reportFraming(of: entry) }
        let blockType = try locateBlock(of: entry)
        switch blockType {
        case .data:
            try readStream(entry: entry, consumer)
        case .largeObjects:
            while true {
                let oidOffset = input.position
                let raw = try decoder.readInt("large object OID in \(entry.label)")
                if raw == 0 { break }
                // pg_dump writes the OID through a C int, so OIDs above 2^31 arrive negative.
                guard let oid = oidFromArchiveInt(raw) else {
                    throw ArchiveError.invalidField(file: fileName, offset: oidOffset, field: "large object OID in \(entry.label)",
                                                    detail: "\(raw) is not an OID")
                }
                try consumer(.largeObjectStart(oid: oid))
                try readStream(entry: entry, consumer)
                try consumer(.largeObjectEnd(oid: oid))
            }
        }
        if input.isSeekable, entry.dataState != .set {
            scanPosition = max(scanPosition, input.position)
        } else if !input.isSeekable {
            scanPosition = input.position
        }
    }

    /// The block's bytes that were not chunk payloads (its header, the chunk lengths, the end
    /// marker), so that a block read to its end counts for all of its stored length.
    private func reportFraming(of entry: TocEntry) {
        guard let onStoredData, entry.dataState == .set else { return }
        let rest = input.position - entry.dataOffset - storedReported
        if rest > 0 { onStoredData(Int(rest)) }
    }

    private func oidFromArchiveInt(_ raw: Int) -> UInt32? {
        if raw > 0 && raw <= Int(UInt32.max) { return UInt32(raw) }
        if raw < 0 && raw >= Int(Int32.min) { return UInt32(bitPattern: Int32(raw)) }
        return nil
    }

    /// Positions the input just after the block header of `entry`'s data and returns its type.
    private func locateBlock(of entry: TocEntry) throws -> BlockType {
        if input.isSeekable, let known = entry.dataState == .set ? entry.dataOffset : discoveredOffsets[entry.dumpId] {
            try input.seek(to: known)
            let (type, id) = try readBlockHeader(expectingFor: entry)
            guard let type, id == entry.dumpId else {
                throw ArchiveError.missingData(file: fileName, entry: entry.label,
                                               detail: "found block ID \(id) at offset \(known), expected \(entry.dumpId)")
            }
            return type
        }
        if input.isSeekable { try input.seek(to: scanPosition) }
        while true {
            let blockStart = input.position
            let (type, id) = try readBlockHeader(expectingFor: entry)
            guard let type else {
                let why = input.isSeekable
                    ? "possibly corrupt archive"
                    : "possibly due to out-of-order restore request, which cannot be handled due to non-seekable input file"
                throw ArchiveError.missingData(file: fileName, entry: entry.label,
                                               detail: "could not find block ID \(entry.dumpId) in archive -- \(why)")
            }
            if id == entry.dumpId { return type }
            if discoveredOffsets[id] == nil { discoveredOffsets[id] = blockStart }
            try skipBlock(type: type, id: id)
            scanPosition = input.position
        }
    }

    /// Reads a block header; returns a nil type at a clean end of file.
    private func readBlockHeader(expectingFor entry: TocEntry) throws -> (BlockType?, Int) {
        let at = input.position
        guard let byte = try input.readByteOrEOF() else { return (nil, 0) }
        guard let type = BlockType(rawValue: byte) else {
            throw ArchiveError.invalidField(file: fileName, offset: at, field: "data block type",
                                            detail: "unrecognized data block type \(byte) while looking for \(entry.label)")
        }
        let id = try decoder.readInt("data block ID")
        return (type, id)
    }

    private func skipBlock(type: BlockType, id: Int) throws {
        switch type {
        case .data:
            try skipChunks(id: id)
        case .largeObjects:
            while try decoder.readInt("large object OID in block \(id)") != 0 {
                try skipChunks(id: id)
            }
        }
    }

    private func skipChunks(id: Int) throws {
        while true {
            let at = input.position
            let length = try decoder.readInt("data chunk length in block \(id)")
            if length == 0 { return }
            try checkChunkLength(length, at: at, label: "block \(id)")
            try input.skip(Int64(length), "data chunk of block \(id)")
        }
    }

    private func checkChunkLength(_ length: Int, at offset: Int64, label: String) throws {
        guard length > 0 else {
            throw ArchiveError.invalidField(file: fileName, offset: offset, field: "data chunk length in \(label)",
                                            detail: "negative length \(length)")
        }
        if let left = input.remaining, Int64(length) > left {
            throw ArchiveError.truncated(file: fileName, offset: input.fileSize ?? offset,
                                         expected: "data chunk of \(length) bytes in \(label) starting at offset \(offset)")
        }
    }

    /// Reads one chunked, compressed stream and hands its decompressed bytes to `consumer`.
    private func readStream(entry: TocEntry, _ consumer: (ArchiveDataEvent) throws -> Void) throws {
        var codec = try makeDecompressor(for: header.compression)
        try withoutActuallyEscaping(consumer) { consumer in
        let emit: (UnsafeRawBufferPointer) throws -> Void = { try consumer(.bytes($0)) }
        while true {
            let at = input.position
            let length = try decoder.readInt("data chunk length in \(entry.label)")
            if length == 0 { break }
            try checkChunkLength(length, at: at, label: entry.label)
            if let onStoredData {
                onStoredData(length)
                storedReported += Int64(length)
            }
            let chunkStart = input.position
            try input.stream(length, "data chunk of \(entry.label)") { piece in
                do {
                    try codec.decompress(piece, output: emit)
                } catch let e as CodecError {
                    throw ArchiveError.corruptData(file: fileName, offset: chunkStart, entry: entry.label, detail: e.description)
                }
            }
        }
        do {
            try codec.finish(output: emit)
        } catch let e as CodecError {
            throw ArchiveError.corruptData(file: fileName, offset: input.position, entry: entry.label, detail: e.description)
        }
        }
    }
}
