import Foundation

/// A fixed pool of byte buffers passed from one producer thread to one consumer thread, in order.
///
/// The producer fills free buffers and publishes them; the consumer takes them in publication
/// order and gives each back once used. Memory is `bufferCount × bufferSize`, allocated once:
/// the producer can never run further ahead than the pool allows, however large the stream.
///
/// Either side can stop the other: the producer ends the stream (`finish`) or fails it
/// (`fail`, delivered after the buffers published before it), the consumer cancels it
/// (`cancel`, which makes the producer's next wait throw `BufferHandoff.Cancelled`).
public final class BufferHandoff: @unchecked Sendable {
    /// Thrown to the producer once the consumer has cancelled.
    public struct Cancelled: Error {}

    /// A buffer lent to the producer (to fill) or to the consumer (to read).
    public struct Buffer {
        fileprivate let index: Int
        public let storage: UnsafeMutableRawBufferPointer
        /// Bytes filled by the producer.
        public var count = 0
        public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }
    }

    /// What the consumer gets next.
    public enum Next {
        case buffer(Buffer)
        case end
    }

    public let bufferSize: Int
    private let condition = NSCondition()
    private var storage: [UnsafeMutableRawBufferPointer]
    private var free: [Int]
    private var published: [Buffer] = []
    private var publishedHead = 0
    private var ended = false
    private var failure: Error?
    private var cancelled = false

    public init(bufferCount: Int, bufferSize: Int) {
        precondition(bufferCount > 0 && bufferSize > 0, "a handoff needs at least one non-empty buffer")
        self.bufferSize = bufferSize
        storage = (0..<bufferCount).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16) }
        free = Array((0..<bufferCount).reversed())
    }

    deinit {
        for s in storage { s.deallocate() }
    }

    // MARK: producer side

    /// Waits for a free buffer; throws `Cancelled` once the consumer has cancelled.
    public func acquire() throws -> Buffer {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        let index = free.removeLast()
        return Buffer(index: index, storage: storage[index])
    }

    /// Hands a filled buffer to the consumer (an empty one goes straight back to the pool).
    public func publish(_ buffer: Buffer) {
        condition.lock()
        defer { condition.unlock() }
        if buffer.count == 0 || cancelled {
            free.append(buffer.index)
        } else {
            published.append(buffer)
        }
        condition.broadcast()
    }

    /// Marks the end of the stream after everything published so far.
    public func finish() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the stream with an error; the consumer sees it after the buffers published before.
    public func fail(_ error: Error) {
        condition.lock()
        if failure == nil { failure = error }
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: consumer side

    /// Waits for the next buffer, the end, or the producer's error (thrown).
    public func next() throws -> Next {
        condition.lock()
        defer { condition.unlock() }
        while publishedHead == published.count && !ended { condition.wait() }
        if publishedHead < published.count {
            let buffer = published[publishedHead]
            publishedHead += 1
            if publishedHead == published.count {
                published.removeAll(keepingCapacity: true)
                publishedHead = 0
            }
            return .buffer(buffer)
        }
        if let failure { throw failure }
        return .end
    }

    /// Gives a buffer back to the producer.
    public func release(_ buffer: Buffer) {
        condition.lock()
        free.append(buffer.index)
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer: its waits throw `Cancelled` and what it publishes is dropped.
    public func cancel() {
        condition.lock()
        cancelled = true
        for b in published[publishedHead...] { free.append(b.index) }
        published.removeAll(keepingCapacity: true)
        publishedHead = 0
        condition.broadcast()
        condition.unlock()
    }
}
