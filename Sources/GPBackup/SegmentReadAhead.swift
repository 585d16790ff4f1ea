import Foundation

/// Decompresses the segment files of one table on background threads, ahead of the thread that
/// converts and writes the rows, so decompression (one core per file) overlaps conversion.
///
/// At most `workers` files are being decompressed at a time, each into at most `depth` chunks
/// of `chunkSize` bytes waiting for the consumer: memory is bounded by workers × depth ×
/// chunkSize whatever the table size. Chunks are handed out in file order; an error (a corrupt
/// or truncated stream) reaches the consumer at the point of the file where it happened.
final class SegmentReadAhead {
    /// One file's queue of decompressed chunks.
    final class FileQueue {
        let file: DataFile
        let condition = NSCondition()
        var ready: [(UnsafeMutableRawBufferPointer, Int)] = []
        var free: [UnsafeMutableRawBufferPointer] = []
        var finished = false
        var error: Error?
        var cancelled = false
        var producerDone = false
        var started = false

        let depth: Int, chunkSize: Int

        init(file: DataFile, depth: Int, chunkSize: Int) {
            self.file = file
            self.depth = max(1, depth)
            self.chunkSize = chunkSize
        }

        /// Buffers are allocated only when the file's turn comes, so a table with hundreds of
        /// segment files holds buffers for `workers` of them at a time.
        func allocateBuffers() {
            for _ in 0..<depth { free.append(.allocate(byteCount: chunkSize, alignment: 16)) }
        }

        /// Producer: decompress the file into free chunks until done, failed or cancelled.
        func produce() {
            defer {
                condition.lock()
                producerDone = true
                condition.broadcast()
                condition.unlock()
            }
            do {
                let reader = try openDataReader(file)
                defer { reader.close() }
                while true {
                    condition.lock()
                    while free.isEmpty && !cancelled { condition.wait() }
                    if cancelled { condition.unlock(); return }
                    let chunk = free.removeLast()
                    condition.unlock()
                    let n: Int
                    do {
                        n = try reader.read(into: chunk)
                    } catch {
                        condition.lock()
                        free.append(chunk)
                        condition.unlock()
                        throw error
                    }
                    condition.lock()
                    if n == 0 {
                        free.append(chunk)
                        finished = true
                        condition.broadcast()
                        condition.unlock()
                        return
                    }
                    ready.append((chunk, n))
                    condition.broadcast()
                    condition.unlock()
                }
            } catch {
                condition.lock()
                self.error = error
                finished = true
                condition.broadcast()
                condition.unlock()
            }
        }

        /// Consumer: the next chunk (valid until `recycle`), nil at the end of the file.
        func next() throws -> (UnsafeMutableRawBufferPointer, Int)? {
            condition.lock()
            defer { condition.unlock() }
            while ready.isEmpty && !finished { condition.wait() }
            if !ready.isEmpty { return ready.removeFirst() }
            if let error { throw error }
            return nil
        }

        func recycle(_ chunk: UnsafeMutableRawBufferPointer) {
            condition.lock()
            free.append(chunk)
            condition.broadcast()
            condition.unlock()
        }

        /// Stops the producer, waits for it, frees every chunk.
        func shutDown() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            while started && !producerDone { condition.wait() }
            for (chunk, _) in ready { chunk.deallocate() }
            for chunk in free { chunk.deallocate() }
            ready = []
            free = []
            condition.unlock()
        }
    }

    private var queues: [FileQueue]
    private let workers: Int
    private var nextToStart = 0

    init(files: [DataFile], workers: Int = 2, depth: Int = 4, chunkSize: Int = defaultStreamBufferSize) {
        queues = files.map { FileQueue(file: $0, depth: depth, chunkSize: chunkSize) }
        self.workers = max(1, workers)
    }

    deinit { for q in queues { q.shutDown() } }

    private func start(upTo index: Int) {
        while nextToStart < queues.count && nextToStart <= index {
            let queue = queues[nextToStart]
            queue.condition.lock()
            queue.started = true
            queue.allocateBuffers()
            queue.condition.unlock()
            let thread = Thread { queue.produce() }
            thread.stackSize = 1 << 20
            thread.start()
            nextToStart += 1
        }
    }

    /// Hands file `index`'s decompressed bytes to `body` in order; the following files' threads
    /// are started so that they decompress meanwhile.
    func read(file index: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        start(upTo: index + workers - 1)
        let queue = queues[index]
        defer { queue.shutDown() }
        while case let (chunk, n)? = try queue.next() {
            defer { queue.recycle(chunk) }
            try body(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
    }
}
