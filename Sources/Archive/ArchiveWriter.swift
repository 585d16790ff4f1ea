import Foundation

/// Writes a custom-format archive: header, TOC, then each entry's data as one compressed stream
/// cut into length-prefixed chunks. On a regular file the TOC is rewritten at the end with every
/// data offset filled in (same size, so it fits in place); on a pipe the offsets stay "not set",
/// which pg_restore handles by scanning, exactly as with pg_dump writing to stdout.
///
/// Data is streamed: a table never sits in memory, only one chunk of compressed output does.
public final class ArchiveWriter {
    public let header: ArchiveHeader
    public private(set) var entries: [TocEntry]
    let output: OutputFile
    private let level: Int?
    /// Compression threads for gzip and zstd data (see `compressJobs` in init).
    public let compressJobs: Int
    /// gzip and zstd compressors live as long as the writer: their threads and states serve
    /// one data stream after another instead of being set up again for each table.
    private var sharedCompressor: StreamCompressor?
    var tocOffset: Int64 = 0
    private var indexByDumpId: [Int: Int] = [:]
    private var openStream: DataStreamState?
    /// Rows, bytes and checksum of each data entry's uncompressed stream, for the manifest.
    private var digests: [Int: DataDigest] = [:]
    /// Off when no manifest will be written: hashing every byte on the thread that reads COPY
    /// data would only slow the dump down.
    private let keepsDigests: Bool
    private var currentDigestId: Int?
    /// Largest chunk written at once; pg_restore allocates a buffer per chunk length.
    static let chunkSize = 128 * 1024

    /// - Parameters:
    ///   - level: compression level for gzip (1-9, nil = zlib default) or zstd/lz4.
    ///   - compressJobs: threads compressing gzip and zstd data; nil = one per core. The gzip
    ///     output is the same bytes whatever the number (ParallelZlibCompressor).
    ///   - digests: count rows and hash data for a manifest (`finish(writeManifest: true)`).
    public init(output: OutputFile, header: ArchiveHeader, entries: consuming [TocEntry], level: Int? = nil, compressJobs: Int? = nil,
                digests: Bool = true) throws {
        self.keepsDigests = digests
        self.output = output
        self.header = header
        self.level = level
        self.compressJobs = max(1, compressJobs ?? Self.defaultCompressJobs)
        // Taken over, not copied: the entries are then changed in place.
        self.entries = consume entries
        for i in self.entries.indices {
            let dumpId = self.entries[i].dumpId
            guard indexByDumpId[dumpId] == nil else {
                throw ArchiveError.inconsistentToc(file: output.path ?? "standard output", detail: "dump ID \(dumpId) appears twice")
            }
            indexByDumpId[dumpId] = i
            // Offsets are learned while writing; until then an entry with data is "not set".
            self.entries[i].dataState = self.entries[i].hasData ? .notSet : .noData
            self.entries[i].dataOffset = 0
        }
        var enc = ArchiveEncoder(intSize: header.intSize, offSize: header.offSize)
        enc.header(header)
        try output.write(enc.bytes)
        tocOffset = output.position
        try writeToc(patching: false)
    }

    /// One per core, capped so that the blocks in flight stay a few MB on large machines.
    public static var defaultCompressJobs: Int { min(ProcessInfo.processInfo.activeProcessorCount, 16) }

    /// The compressor for the next data stream.
    private func streamCompressor() throws -> StreamCompressor {
        let algorithm = header.compression.algorithm
        let lvl = level ?? -1
        switch algorithm {
        case .gzip where lvl != 0:
            if sharedCompressor == nil { sharedCompressor = try ParallelZlibCompressor(level: lvl, workers: compressJobs) }
            (sharedCompressor as? ParallelZlibCompressor)?.reset()
            return sharedCompressor!
        case .zstd:
            if sharedCompressor == nil { sharedCompressor = try ZstdCompressor(level: level ?? 3, workers: compressJobs) }
            (sharedCompressor as? ZstdCompressor)?.reset()
            return sharedCompressor!
        default:
            return try makeCompressor(for: algorithm, level: level)
        }
    }

    private struct DataStreamState {
        var dumpId: Int
        var codec: StreamCompressor
        var pending: [UInt8]
        var largeObjects: Bool
    }

    // MARK: table data

    /// Starts the data block of an entry (TABLE DATA, SEQUENCE SET data...).
    public func beginData(dumpId: Int) throws {
        try beginBlock(dumpId: dumpId, type: .data)
        openStream?.codec = try streamCompressor()
    }

    /// Appends uncompressed bytes to the open data stream.
    public func writeData(_ bytes: UnsafeRawBufferPointer) throws {
        guard var s = openStream else { throw misuse("writeData outside a data block") }
        openStream = nil
        var codec = s.codec
        // Swapped out rather than copied, so `pending` is the buffer's only owner and appending
        // to it never copies the 128 KiB chunk.
        var pending: [UInt8] = []
        swap(&pending, &s.pending)
        defer { openStream = DataStreamState(dumpId: s.dumpId, codec: codec, pending: pending, largeObjects: s.largeObjects) }
        if keepsDigests { digests[s.dumpId, default: DataDigest()].update(bytes) }
        try codec.compress(bytes) { try self.emit($0, into: &pending) }
    }

    public func writeData(_ text: String) throws {
        var t = text
        try t.withUTF8 { try writeData(UnsafeRawBufferPointer($0)) }
    }

    /// Ends the data block: finishes the compressed stream and writes the zero-length end marker.
    public func endData() throws {
        guard let s = openStream, !s.largeObjects else { throw misuse("endData without beginData") }
        openStream = nil
        var codec = s.codec
        var pending = s.pending
        try codec.finish { try self.emit($0, into: &pending) }
        try flushChunk(&pending)
        try output.write(intBytes(0))
    }

    // MARK: large objects

    /// Starts a BLOBS block; each large object is then one compressed stream after its OID.
    public func beginLargeObjects(dumpId: Int) throws {
        try beginBlock(dumpId: dumpId, type: .largeObjects)
        openStream?.largeObjects = true
    }

    public func beginLargeObject(oid: UInt32) throws {
        guard var s = openStream, s.largeObjects else { throw misuse("beginLargeObject outside a BLOBS block") }
        // Written through a C int by pg_dump: OIDs above 2^31 are stored negative.
        try output.write(intBytes(Int(Int32(bitPattern: oid))))
        s.codec = try streamCompressor()
        openStream = s
    }

    public func endLargeObject() throws {
        guard let s = openStream, s.largeObjects else { throw misuse("endLargeObject outside a BLOBS block") }
        openStream = nil
        var codec = s.codec
        var pending = s.pending
        defer { openStream = DataStreamState(dumpId: s.dumpId, codec: codec, pending: pending, largeObjects: true) }
        try codec.finish { try self.emit($0, into: &pending) }
        try flushChunk(&pending)
        try output.write(intBytes(0))
    }

    public func endLargeObjects() throws {
        guard let s = openStream, s.largeObjects else { throw misuse("endLargeObjects without beginLargeObjects") }
        openStream = nil
        try output.write(intBytes(0))
    }

    // MARK: finishing

    /// Rewrites the TOC with data offsets when the output allows it, then commits the file.
    /// With `manifest`, also writes ARCHIVE.manifest.json (file outputs only).
    public func finish(writeManifest: Bool = false) throws {
        if openStream != nil { throw misuse("finish with a data block still open") }
        if writeManifest && !keepsDigests { throw misuse("manifest requested from a writer made without digests") }
        if output.canPatch { try writeToc(patching: true) }
        try output.commit()
        if writeManifest, let path = output.path { try manifest(for: path).write(to: ArchiveManifest.path(for: path)) }
    }

    /// The manifest of the archive just written at `path`.
    public func manifest(for path: String) throws -> ArchiveManifest {
        let (sha, size) = try ArchiveManifest.sha256(ofFile: path)
        let data = entries.filter { $0.hasData }.map { e -> ArchiveManifest.DataEntry in
            let d = digests[e.dumpId] ?? DataDigest()
            return .init(dumpId: e.dumpId, desc: e.desc, namespace: e.namespace, tag: e.tag,
                         rows: (e.copyStatement ?? "").isEmpty ? 0 : d.rows, bytes: d.bytes, sha256: d.finalize())
        }
        return ArchiveManifest(archiveSHA256: sha, archiveBytes: size, entries: data)
    }

    // MARK: helpers

    private func beginBlock(dumpId: Int, type: BlockType) throws {
        guard openStream == nil else { throw misuse("data block \(dumpId) started inside another") }
        guard let i = indexByDumpId[dumpId] else { throw misuse("no TOC entry with dump ID \(dumpId)") }
        guard entries[i].hasData else { throw misuse("TOC entry \(dumpId) was not declared with data") }
        if output.canPatch {
            entries[i].dataState = .set
            entries[i].dataOffset = output.position
        }
        var enc = ArchiveEncoder(intSize: header.intSize, offSize: header.offSize)
        enc.byte(type.rawValue)
        enc.int(dumpId)
        try output.write(enc.bytes)
        openStream = DataStreamState(dumpId: dumpId, codec: PassThroughCodec(), pending: [], largeObjects: false)
        openStream?.pending.reserveCapacity(Self.chunkSize)
    }

    private func emit(_ bytes: UnsafeRawBufferPointer, into pending: inout [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = min(Self.chunkSize - pending.count, bytes.count - offset)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
            offset += n
            if pending.count == Self.chunkSize { try flushChunk(&pending) }
        }
    }

    private func flushChunk(_ pending: inout [UInt8]) throws {
        guard !pending.isEmpty else { return }
        try output.write(intBytes(pending.count))
        try pending.withUnsafeBytes { try output.write($0) }
        pending.removeAll(keepingCapacity: true)
    }

    private func intBytes(_ v: Int) -> [UInt8] {
        var enc = ArchiveEncoder(intSize: header.intSize, offSize: header.offSize)
        enc.int(v)
        return enc.bytes
    }

    private func misuse(_ what: String) -> ArchiveError {
        .unsupported(file: output.path ?? "standard output", detail: "archive writer misuse: \(what)")
    }
}

extension OutputFile {
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}
