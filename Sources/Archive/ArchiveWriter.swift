import Foundation

/// Writes a custom-format archive: header, TOC, then each entry's data as one compressed stream
/// cut into length-prefixed chunks. On a regular file the TOC is rewritten at the end with every
/// data offset filled in (same size, so it fits in place); on a pipe the offsets stay "not set",
/// which pg_restore handles by scanning, exactly as with pg_dump writing to stdout.
///
/// Data is streamed through a DataPipeline: the caller's thread only copies bytes into blocks,
/// compression and file writes happen on other threads, and a table never sits in memory.
/// Calls come from one thread; the pipeline's writer thread is the only other one touching the
/// output until `finish`.
public final class ArchiveWriter {
    public let header: ArchiveHeader
    public private(set) var entries: [TocEntry]
    private let output: OutputFile
    /// Compression threads for gzip and zstd data (see `compressJobs` in init).
    public let compressJobs: Int
    private let canPatch: Bool
    private var tocOffset: Int64 = 0
    private var indexByDumpId: [Int: Int] = [:]
    private let sink: ArchiveDataSink
    private let pipeline: DataPipeline

    private enum OpenBlock { case none, data, largeObjects, largeObject }
    private var open = OpenBlock.none
    /// The BLOBS entry being written: its large objects' bytes count towards its digest.
    private var largeObjectsDumpId = 0

    /// - Parameters:
    ///   - level: compression level for gzip (1-9, nil = zlib default) or zstd/lz4.
    ///   - compressJobs: threads compressing gzip and zstd data; nil = one per core. The output
    ///     is the same bytes whatever the number (ParallelDeflateCodec, libzstd's workers).
    ///   - digests: count rows and hash data for a manifest (`finish(writeManifest: true)`).
    public init(output: OutputFile, header: ArchiveHeader, entries: consuming [TocEntry], level: Int? = nil, compressJobs: Int? = nil,
                digests: Bool = true) throws {
        self.output = output
        self.header = header
        self.compressJobs = max(1, compressJobs ?? Self.defaultCompressJobs)
        // Taken over, not copied: the entries are then changed in place.
        self.entries = consume entries
        canPatch = output.canPatch
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
        let (codec, blockSize, blocks) = try Self.codec(for: header.compression.algorithm, level: level, jobs: self.compressJobs)
        sink = ArchiveDataSink(output: output, intSize: header.intSize, offSize: header.offSize, keepsDigests: digests)
        var enc = ArchiveEncoder(intSize: header.intSize, offSize: header.offSize)
        enc.header(header)
        try output.write(enc.bytes)
        tocOffset = output.position
        try Self.writeToc(self.entries, header: header, to: output, at: tocOffset, patching: false)
        // Started last: nothing else writes to `output` until `finish` has stopped it.
        pipeline = DataPipeline(codec: codec, sink: sink, blockSize: blockSize, maximumBlocks: blocks)
    }

    deinit {
        // An abandoned dump: the writer thread must be gone before the output file is removed.
        pipeline.abandon()
    }

    /// One per core, capped so that the blocks in flight stay a few MB on large machines.
    public static var defaultCompressJobs: Int { min(ProcessInfo.processInfo.activeProcessorCount, 16) }

    /// The codec for every data stream, the size of the blocks it takes and how many may be
    /// in flight.
    static func codec(for algorithm: CompressionAlgorithm, level: Int?, jobs: Int) throws -> (BlockCodec, blockSize: Int, blocks: Int) {
        // Stream codecs buffer their input themselves (libzstd copies it into its jobs), so
        // their blocks only carry bytes from one thread to the other; the block size does not
        // change their output.
        let streamBlock = 256 * 1024
        switch algorithm {
        case .gzip where (level ?? -1) != 0:
            // Two blocks per worker keep every worker fed while the writer waits for the oldest;
            // two more are the block being filled and the one being written.
            return (try ParallelDeflateCodec(level: level ?? -1, workers: jobs), DataPipeline.defaultBlockSize, 2 * jobs + 2)
        case .zstd:
            // One compressor for all streams: libzstd's worker threads are started once.
            let zstd = try ZstdCompressor(level: level ?? 3, workers: jobs)
            return (SerialBlockCodec { zstd.reset(); return zstd }, streamBlock, 4)
        default:
            return (SerialBlockCodec { try makeCompressor(for: algorithm, level: level) }, streamBlock, 4)
        }
    }

    // MARK: table data

    /// Called with the uncompressed size of every block of data as it goes to the compressor, on
    /// the thread writing the data (progress ETA).
    public var onDataBlock: ((Int) -> Void)? {
        get { pipeline.onBlock }
        set { pipeline.onBlock = newValue }
    }

    /// Starts the data block of an entry (TABLE DATA, SEQUENCE SET data...).
    public func beginData(dumpId: Int) throws {
        try beginBlock(dumpId: dumpId, type: .data)
        try pipeline.beginStream(id: dumpId)
        open = .data
    }

    /// Appends uncompressed bytes to the open data stream.
    @inline(__always)
    public func writeData(_ bytes: UnsafeRawBufferPointer) throws {
        guard open == .data || open == .largeObject else { throw misuse("writeData outside a data block") }
        try pipeline.append(bytes)
    }

    public func writeData(_ text: String) throws {
        var t = text
        try t.withUTF8 { try writeData(UnsafeRawBufferPointer($0)) }
    }

    /// Ends the data block: finishes the compressed stream and writes the zero-length end marker.
    public func endData() throws {
        guard open == .data else { throw misuse("endData without beginData") }
        open = .none
        try pipeline.endStream()
    }

    // MARK: large objects

    /// Starts a BLOBS block; each large object is then one compressed stream after its OID.
    public func beginLargeObjects(dumpId: Int) throws {
        try beginBlock(dumpId: dumpId, type: .largeObjects)
        largeObjectsDumpId = dumpId
        open = .largeObjects
    }

    public func beginLargeObject(oid: UInt32) throws {
        guard open == .largeObjects else { throw misuse("beginLargeObject outside a BLOBS block") }
        // Written through a C int by pg_dump: OIDs above 2^31 are stored negative.
        try pipeline.writeRaw(sink.intBytes(Int(Int32(bitPattern: oid))))
        try pipeline.beginStream(id: largeObjectsDumpId)
        open = .largeObject
    }

    public func endLargeObject() throws {
        guard open == .largeObject else { throw misuse("endLargeObject outside a BLOBS block") }
        try pipeline.endStream()
        open = .largeObjects
    }

    public func endLargeObjects() throws {
        guard open == .largeObjects else { throw misuse("endLargeObjects without beginLargeObjects") }
        try pipeline.writeRaw(sink.intBytes(0))
        open = .none
    }

    // MARK: finishing

    /// Waits for every queued byte to be written, rewrites the TOC with data offsets when the
    /// output allows it, then commits the file. With `manifest`, also writes
    /// ARCHIVE.manifest.json (file outputs only).
    public func finish(writeManifest: Bool = false) throws {
        if open != .none { throw misuse("finish with a data block still open") }
        try pipeline.finish()
        if writeManifest && !sink.keepsDigests { throw misuse("manifest requested from a writer made without digests") }
        for (i, offset) in sink.offsets {
            entries[i].dataState = .set
            entries[i].dataOffset = offset
        }
        if canPatch { try Self.writeToc(entries, header: header, to: output, at: tocOffset, patching: true) }
        try output.commit()
        if writeManifest, let path = output.path { try manifest(for: path).write(to: ArchiveManifest.path(for: path)) }
    }

    /// The manifest of the archive just written at `path`.
    public func manifest(for path: String) throws -> ArchiveManifest {
        let (sha, size) = try ArchiveManifest.sha256(ofFile: path)
        let data = entries.filter { $0.hasData }.map { e -> ArchiveManifest.DataEntry in
            let d = sink.digests[e.dumpId] ?? DataDigest()
            return .init(dumpId: e.dumpId, desc: e.desc, namespace: e.namespace, tag: e.tag,
                         rows: (e.copyStatement ?? "").isEmpty ? 0 : d.rows, bytes: d.bytes, sha256: d.finalize())
        }
        return ArchiveManifest(archiveSHA256: sha, archiveBytes: size, entries: data)
    }

    // MARK: helpers

    /// Queues a data block's header (block type and dump ID), its offset recorded first.
    private func beginBlock(dumpId: Int, type: BlockType) throws {
        guard open == .none else { throw misuse("data block \(dumpId) started inside another") }
        guard let i = indexByDumpId[dumpId] else { throw misuse("no TOC entry with dump ID \(dumpId)") }
        guard entries[i].hasData else { throw misuse("TOC entry \(dumpId) was not declared with data") }
        if canPatch { try pipeline.markOffset(entry: i) }
        var enc = ArchiveEncoder(intSize: header.intSize, offSize: header.offSize)
        enc.byte(type.rawValue)
        enc.int(dumpId)
        try pipeline.writeRaw(enc.bytes)
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
