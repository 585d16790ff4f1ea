/// The custom format's data layout, written by the DataPipeline's writer thread: each stream's
/// compressed bytes cut into length-prefixed chunks and closed by a zero length; data offsets
/// and (for the manifest) digests of the uncompressed bytes recorded on the way.
///
/// Only the writer thread touches it while the pipeline runs; the ArchiveWriter reads
/// `offsets` and `digests` after the pipeline has finished.
final class ArchiveDataSink: PipelineSink {
    /// Largest chunk written at once; pg_restore allocates a buffer per chunk length.
    static let chunkSize = 128 * 1024

    private let output: OutputFile
    private let intSize: Int
    private let offSize: Int
    private var pending: [UInt8] = []
    /// Data offset of each TOC entry (by index) whose data has started.
    private(set) var offsets: [Int: Int64] = [:]
    /// Rows, bytes and checksum of each stream (by dump ID), when digests are kept.
    private(set) var digests: [Int: DataDigest] = [:]
    let keepsDigests: Bool
    private var currentStream: Int?

    init(output: OutputFile, intSize: Int, offSize: Int, keepsDigests: Bool) {
        self.output = output
        self.intSize = intSize
        self.offSize = offSize
        self.keepsDigests = keepsDigests
        pending.reserveCapacity(Self.chunkSize)
    }

    func writeRaw(_ bytes: [UInt8]) throws {
        try output.write(bytes)
    }

    func markOffset(entry index: Int) {
        offsets[index] = output.position
    }

    func beginStream(id: Int) {
        currentStream = id
        if keepsDigests && digests[id] == nil { digests[id] = DataDigest() }
    }

    func observe(_ uncompressed: UnsafeRawBufferPointer) {
        guard keepsDigests, let id = currentStream else { return }
        digests[id]!.update(uncompressed)
    }

    func writeStreamBytes(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = min(Self.chunkSize - pending.count, bytes.count - offset)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
            offset += n
            if pending.count == Self.chunkSize { try flushChunk() }
        }
    }

    func endStream() throws {
        try flushChunk()
        try output.write(intBytes(0))
        currentStream = nil
    }

    private func flushChunk() throws {
        guard !pending.isEmpty else { return }
        try output.write(intBytes(pending.count))
        try pending.withUnsafeBytes { try output.write($0) }
        pending.removeAll(keepingCapacity: true)
    }

    func intBytes(_ v: Int) -> [UInt8] {
        var enc = ArchiveEncoder(intSize: intSize, offSize: offSize)
        enc.int(v)
        return enc.bytes
    }
}
