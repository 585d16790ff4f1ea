import Foundation

/// How far decompression may run ahead of the consumer of an entry's data.
public struct ReadAheadSettings: Sendable, Equatable {
    /// Buffers in flight between the decompressing thread and the consumer; 0 turns read-ahead off.
    public var bufferCount: Int
    public var bufferSize: Int

    public init(bufferCount: Int, bufferSize: Int) {
        self.bufferCount = bufferCount
        self.bufferSize = bufferSize
    }

    /// 4 × 128 KiB per restoring connection: enough to keep the consumer busy while inflate works
    /// on the next piece, small next to the libpq and server buffers it feeds.
    public static let standard = ReadAheadSettings(bufferCount: 4, bufferSize: 128 * 1024)
    public static let off = ReadAheadSettings(bufferCount: 0, bufferSize: 0)

    /// `standard` on machines with 4 cores or more, `off` below, unless PGFUNNEL_READ_AHEAD says
    /// otherwise: "0" (off) or "COUNT,KIB". On 2 cores the extra thread competes with the
    /// thread feeding libpq and with a local server: scripts/bench/restore_database.py's archive
    /// restored in 3.56 s without it and 4.33 s with it (-j 1, best of 3; -j 2: 3.02 s / 3.32 s).
    public static var fromEnvironment: ReadAheadSettings {
        guard let raw = ProcessInfo.processInfo.environment["PGFUNNEL_READ_AHEAD"] else {
            return ProcessInfo.processInfo.activeProcessorCount >= 4 ? .standard : .off
        }
        if raw == "0" { return .off }
        let parts = raw.split(separator: ",").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return .standard }
        return ReadAheadSettings(bufferCount: parts[0], bufferSize: parts[1] * 1024)
    }
}

extension ArchiveReader {
    /// The decompressed bytes of a single-stream entry (TABLE DATA, SEQUENCE SET ... not BLOBS),
    /// read and decompressed on a separate thread up to `settings.bufferCount` buffers ahead of
    /// `consumer`, so that inflating the next piece overlaps with whatever the consumer does with
    /// this one (sending it to the server).
    ///
    /// The consumer sees the same bytes in the same order as with `readData(of:)`, coalesced into
    /// buffers of up to `settings.bufferSize`. A read or decompression error reaches the consumer's
    /// thread after the bytes that preceded it, with the archive's context (file, offset, entry).
    /// An error thrown by `consumer` stops the reading thread, which is waited for: when this
    /// returns or throws, the reader is no longer in use on another thread.
    public func readDataAhead(of entry: TocEntry, settings: ReadAheadSettings = .standard,
                              _ consumer: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard settings.bufferCount > 0 else {
            try readData(of: entry) { event in
                if case let .bytes(b) = event { try consumer(b) }
            }
            return
        }
        let handoff = BufferHandoff(bufferCount: settings.bufferCount, bufferSize: settings.bufferSize)
        let producerDone = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            defer { producerDone.signal() }
            var current: BufferHandoff.Buffer?
            do {
                try readData(of: entry) { event in
                    guard case let .bytes(piece) = event, var from = piece.baseAddress else { return }
                    var left = piece.count
                    while left > 0 {
                        var buffer = try current ?? handoff.acquire()
                        let n = min(left, handoff.bufferSize - buffer.count)
                        (buffer.storage.baseAddress! + buffer.count).copyMemory(from: from, byteCount: n)
                        buffer.count += n
                        from += n
                        left -= n
                        if buffer.count == handoff.bufferSize {
                            handoff.publish(buffer)
                            current = nil
                        } else {
                            current = buffer
                        }
                    }
                }
                if let buffer = current { handoff.publish(buffer) }
                handoff.finish()
            } catch {
                // What was decompressed before the error is delivered first, as readData would.
                if let buffer = current { handoff.publish(buffer) }
                handoff.fail(error)
            }
        }
        thread.start()

        while true {
            let next: BufferHandoff.Next
            do {
                next = try handoff.next()
            } catch {
                producerDone.wait()
                throw error
            }
            guard case let .buffer(buffer) = next else { break }
            do {
                try consumer(buffer.bytes)
            } catch {
                handoff.cancel()
                producerDone.wait()
                throw error
            }
            handoff.release(buffer)
        }
        producerDone.wait()
    }
}
