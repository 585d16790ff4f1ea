import Archive
import CZlib
import Foundation
import XCTest

/// ParallelDeflateCodec, driven through a DataPipeline as ArchiveWriter drives it, writes one
/// zlib stream that zlib itself inflates, whose checksum and header are zlib's own, whose size
/// stays close to single-stream deflate, and whose bytes do not depend on the worker count.
final class ParallelDeflateTests: XCTestCase {
    static let block = 64 * 1024  // small blocks: many of them without huge inputs

    /// COPY-text-like rows: compressible, but not trivially.
    static func rows(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var rng = SplitMix(seed: 42)
        var i = 0
        while out.count < count {
            let line = "\(i)\tcustomer \(rng.next() % 5000)\t\(Double(rng.next() % 1_000_000) / 100)\t{\"k\": \(rng.next() % 97)}\t2024-0\(1 + rng.next() % 9)-1\(rng.next() % 10)\n"
            out.append(contentsOf: Array(line.utf8))
            i += 1
        }
        return Array(out.prefix(count))
    }

    static func random(_ count: Int) -> [UInt8] {
        var rng = SplitMix(seed: 7)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// Compresses each of `streams` (fed in pieces of the given sizes, cycled) through one
    /// pipeline with a parallel deflate codec; returns each stream's compressed bytes.
    static func deflate(_ streams: [[UInt8]], level: Int = 6, workers: Int = 2, blockSize: Int = block,
                        pieces: [Int] = [Int.max]) throws -> [[UInt8]] {
        let sink = MemorySink()
        let pipeline = DataPipeline(codec: try ParallelDeflateCodec(level: level, workers: workers), sink: sink,
                                    blockSize: blockSize, maximumBlocks: 2 * workers + 2)
        for (id, data) in streams.enumerated() {
            try pipeline.beginStream(id: id)
            try feed(data, pieces: pieces) { try pipeline.append($0) }
            try pipeline.endStream()
        }
        try pipeline.finish()
        return sink.streams
    }

    static func deflate(_ data: [UInt8], level: Int = 6, workers: Int = 2, blockSize: Int = block,
                        pieces: [Int] = [Int.max]) throws -> [UInt8] {
        try deflate([data], level: level, workers: workers, blockSize: blockSize, pieces: pieces)[0]
    }

    static func feed(_ data: [UInt8], pieces: [Int], into take: (UnsafeRawBufferPointer) throws -> Void) throws {
        try data.withUnsafeBytes { all in
            var offset = 0
            var k = 0
            while offset < all.count {
                let n = min(pieces[k % pieces.count], all.count - offset)
                try take(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)]))
                offset += n
                k += 1
            }
        }
    }

    /// Compresses `data` through an ordinary StreamCompressor.
    static func compress(_ data: [UInt8], with c: StreamCompressor, pieces: [Int] = [Int.max]) throws -> [UInt8] {
        var c = c
        var out: [UInt8] = []
        try feed(data, pieces: pieces) { piece in try c.compress(piece) { out.append(contentsOf: $0) } }
        try c.finish { out.append(contentsOf: $0) }
        return out
    }

    static func inflateWithDecompressor(_ compressed: [UInt8]) throws -> [UInt8] {
        var d = try ZlibDecompressor()
        var out: [UInt8] = []
        try compressed.withUnsafeBytes { try d.decompress($0) { out.append(contentsOf: $0) } }
        try d.finish { out.append(contentsOf: $0) }
        return out
    }

    /// zlib's one-shot uncompress: checks header and Adler-32 trailer itself.
    static func uncompressed(_ compressed: [UInt8], size: Int) -> (Int32, [UInt8]) {
        var out = [UInt8](repeating: 0, count: max(size, 1))
        var outLen = uLongf(out.count)
        let rc = out.withUnsafeMutableBufferPointer { o in
            compressed.withUnsafeBufferPointer { i in uncompress(o.baseAddress, &outLen, i.baseAddress, uLong(i.count)) }
        }
        return (rc, Array(out.prefix(Int(outLen))))
    }

    func testRoundTripAtBoundarySizes() throws {
        let b = Self.block
        let text = Self.rows(9 * b + 333)
        let noise = Self.random(3 * b + 5)
        let cases: [(String, [UInt8])] = [
            ("0", []), ("1", Array(text.prefix(1))), ("block-1", Array(text.prefix(b - 1))), ("block", Array(text.prefix(b))),
            ("block+1", Array(text.prefix(b + 1))), ("2 blocks", Array(text.prefix(2 * b))), ("many blocks", text),
            ("incompressible", noise),
        ]
        // One pipeline for all cases: each stream must start clean after the one before.
        let compressed = try Self.deflate(cases.map { $0.1 }, level: -1, workers: 3, pieces: [1000, 7, 65536])
        for ((name, data), z) in zip(cases, compressed) {
            XCTAssertEqual(try Self.inflateWithDecompressor(z), data, name)
            let (rc, plain) = Self.uncompressed(z, size: data.count)
            XCTAssertEqual(rc, Z_OK, name)
            XCTAssertEqual(plain, data, name)
        }
    }

    func testSameBytesForAnyWorkerCountAndChunking() throws {
        let data = Self.rows(20 * Self.block + 12345) + Self.random(Self.block / 2) + Self.rows(3 * Self.block)
        let reference = try Self.deflate(data, workers: 1)
        let shortReference = try Self.deflate(Array(data.prefix(300_000)), workers: 1)
        for workers in [1, 2, 4] {
            for pieces in [[Int.max], [1], [3, 100, 4097], [Self.block], [Self.block + 1, Self.block - 1]] {
                let source = pieces == [1] ? Array(data.prefix(300_000)) : data
                let expected = pieces == [1] ? shortReference : reference
                XCTAssertEqual(try Self.deflate(source, workers: workers, pieces: pieces), expected, "workers \(workers), pieces \(pieces)")
            }
        }
    }

    func testTrailerIsAdler32OfTheWholeInput() throws {
        let data = Self.rows(7 * Self.block + 99)
        let z = try Self.deflate(data, pieces: [777])
        // Adler-32 by its definition (RFC 1950 section 8), not by zlib.
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        let expected = (b << 16) | a
        let trailer = z.suffix(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        XCTAssertEqual(trailer, expected)
    }

    func testHeaderIsZlibsForTheLevel() throws {
        let data = Self.rows(3 * Self.block)
        for level in [1, 2, 5, 6, 9, -1] {
            let ours = try Self.deflate(data, level: level)
            let zlibs = try Self.compress(data, with: ZlibCompressor(level: level))
            XCTAssertEqual(Array(ours.prefix(2)), Array(zlibs.prefix(2)), "level \(level)")
        }
        XCTAssertEqual(ParallelDeflateCodec.zlibHeader(level: 6).0, 0x78)
        XCTAssertEqual(ParallelDeflateCodec.zlibHeader(level: 6).1, 0x9C)
        XCTAssertEqual(ParallelDeflateCodec.zlibHeader(level: 1).1, 0x01)
        XCTAssertEqual(ParallelDeflateCodec.zlibHeader(level: 9).1, 0xDA)
    }

    /// The price of cutting the stream, at the block size ArchiveWriter uses.
    func testSizeStaysWithinAFewTenthsOfAPercentOfOneStream() throws {
        let data = Self.rows(4 << 20)
        for level in [1, 6] {
            let ours = try Self.deflate(data, level: level, blockSize: DataPipeline.defaultBlockSize)
            let single = try Self.compress(data, with: ZlibCompressor(level: level))
            XCTAssertLessThan(Double(ours.count) / Double(single.count), 1.005, "level \(level): \(ours.count) vs \(single.count)")
        }
    }

    /// zstd with libzstd's workers: the same frame for any worker count and chunking.
    func testZstdOutputIsTheSameForAnyWorkerCount() throws {
        let data = Self.rows(6 << 20)
        let probe = try ZstdCompressor(level: 3, workers: 2)
        try XCTSkipUnless(probe.multithreaded, "libzstd built without threads")
        let reference = try Self.compress(data, with: ZstdCompressor(level: 3, workers: 1))
        for workers in [1, 2, 4] {
            for pieces in [[Int.max], [3, 100, 4097]] {
                XCTAssertEqual(try Self.compress(data, with: ZstdCompressor(level: 3, workers: workers), pieces: pieces), reference,
                               "workers \(workers), pieces \(pieces)")
            }
        }
        var d = try ZstdDecompressor()
        var out: [UInt8] = []
        try reference.withUnsafeBytes { try d.decompress($0) { out.append(contentsOf: $0) } }
        try d.finish { _ in }
        XCTAssertEqual(out, data)
    }
}

/// Collects each stream's compressed bytes, in order.
final class MemorySink: PipelineSink {
    var streams: [[UInt8]] = []
    var raw: [[UInt8]] = []
    var marks: [Int] = []
    /// Every event in order, for tests of the writer's ordering.
    var log: [String] = []
    private var open: [UInt8]?
    func writeRaw(_ bytes: [UInt8]) throws { raw.append(bytes); log.append("raw \(bytes)") }
    func markOffset(entry index: Int) { marks.append(index); log.append("mark \(index)") }
    func beginStream(id: Int) { open = []; log.append("begin \(id)") }
    func observe(_ uncompressed: UnsafeRawBufferPointer) {}
    func writeStreamBytes(_ bytes: UnsafeRawBufferPointer) throws { open!.append(contentsOf: bytes) }
    func endStream() throws {
        streams.append(open!)
        open = nil
        log.append("end")
    }
}

/// A small seeded generator: test data that is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
