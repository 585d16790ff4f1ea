import CZlib

/// A run of one data stream's uncompressed bytes on its way through the DataPipeline.
///
/// Room for deflate's 32 KiB window sits right in front of the data, so a parallel deflate
/// worker finds the block's dictionary (the preceding bytes of the stream) and its input in one
/// contiguous buffer. The compressed output buffer is sized for the worst case once and reused;
/// pages beyond what compressed data ever reaches are never touched, so they cost no memory.
public final class DataBlock {
    /// deflate's window: the most history a match can reach back.
    public static let dictionaryCapacity = 32 * 1024

    public let capacity: Int
    private let storage: UnsafeMutablePointer<UInt8>
    /// Bytes of dictionary in front of `data` (0 for a stream's first block).
    public internal(set) var dictionaryLength = 0
    /// Bytes of data.
    public internal(set) var length = 0
    /// Whether this block ends its stream.
    public internal(set) var isLast = false

    // Set by a compressing worker, read by the pipeline's writer once the block is done.
    var output: UnsafeMutablePointer<UInt8>?
    var outputCapacity = 0
    var outputLength = 0
    /// Adler-32 of `data` (not of the dictionary).
    var checksum: uLong = 1
    var error: Error?
    /// Guarded by the worker pool's lock.
    var compressed = false

    init(capacity: Int) {
        self.capacity = capacity
        storage = .allocate(capacity: Self.dictionaryCapacity + capacity)
    }

    deinit {
        storage.deallocate()
        output?.deallocate()
    }

    public var data: UnsafeMutablePointer<UInt8> { storage + Self.dictionaryCapacity }
    public var dictionary: UnsafeMutablePointer<UInt8> { storage + Self.dictionaryCapacity - dictionaryLength }
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: data, count: length) }
    var room: Int { capacity - length }

    /// Appends as much of `source` as fits; returns how many bytes were taken.
    @inline(__always)
    func append(_ source: UnsafeRawPointer, count: Int) -> Int {
        let n = min(count, capacity - length)
        (data + length).update(from: source.assumingMemoryBound(to: UInt8.self), count: n)
        length += n
        return n
    }

    /// Makes the last `DataBlock.dictionaryCapacity` bytes of `previous` (a full block) this
    /// block's dictionary.
    func takeDictionary(from previous: DataBlock) {
        let n = min(Self.dictionaryCapacity, previous.length)
        dictionaryLength = n
        dictionary.update(from: previous.data + previous.length - n, count: n)
    }

    /// An output buffer large enough for deflate's worst case on a full block, allocated once.
    func ensureOutputCapacity(_ needed: Int) {
        guard outputCapacity < needed else { return }
        output?.deallocate()
        output = .allocate(capacity: needed)
        outputCapacity = needed
    }

    func reset() {
        dictionaryLength = 0
        length = 0
        isLast = false
        outputLength = 0
        checksum = 1
        error = nil
        compressed = false
    }
}
