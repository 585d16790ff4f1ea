import CLZ4

/// LZ4 frame-format decompression (pg_dump 16+ with -Z lz4).
public struct LZ4FrameDecompressor: StreamDecompressor {
    private final class State {
        var context: OpaquePointer?
        let outSize = 64 * 1024
        let out: UnsafeMutableRawPointer
        /// LZ4F's hint: 0 once a frame is completely decoded.
        var expectMore = false
        init() { out = UnsafeMutableRawPointer.allocate(byteCount: outSize, alignment: 16) }
        deinit {
            if let c = context { LZ4F_freeDecompressionContext(c) }
            out.deallocate()
        }
    }
    private let state = State()

    public init() throws {
        let rc = LZ4F_createDecompressionContext(&state.context, UInt32(LZ4F_VERSION))
        if LZ4F_isError(rc) != 0 { throw CodecError(codec: "lz4", message: String(cString: LZ4F_getErrorName(rc))) }
    }

    public mutating func decompress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0, let base = input.baseAddress else { return }
        var consumedTotal = 0
        while true {
            var srcSize = input.count - consumedTotal
            var dstSize = state.outSize
            let rc = LZ4F_decompress(state.context, state.out, &dstSize, base + consumedTotal, &srcSize, nil)
            if LZ4F_isError(rc) != 0 { throw CodecError(codec: "lz4", message: String(cString: LZ4F_getErrorName(rc))) }
            consumedTotal += srcSize
            state.expectMore = rc != 0
            if dstSize > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: dstSize)) }
            if consumedTotal >= input.count && dstSize < state.outSize { break }
            if srcSize == 0 && dstSize == 0 { break }
        }
    }

    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        if state.expectMore {
            throw CodecError(codec: "lz4", message: "compressed stream ends in the middle of a frame")
        }
    }
}

/// LZ4 frame-format compression.
public struct LZ4FrameCompressor: StreamCompressor {
    private final class State {
        var context: OpaquePointer?
        var out: UnsafeMutableRawPointer
        var outSize: Int
        var started = false
        var preferences = LZ4F_preferences_t()
        init() {
            outSize = 0
            out = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 16)
        }
        deinit {
            if let c = context { LZ4F_freeCompressionContext(c) }
            out.deallocate()
        }
        func ensureCapacity(_ n: Int) {
            if n > outSize {
                out.deallocate()
                out = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 16)
                outSize = n
            }
        }
    }
    private let state = State()
    /// Input is fed to LZ4F in slices of this size so the output buffer bound stays small.
    private let sliceSize = 64 * 1024

    public init(level: Int) throws {
        let rc = LZ4F_createCompressionContext(&state.context, UInt32(LZ4F_VERSION))
        if LZ4F_isError(rc) != 0 { throw CodecError(codec: "lz4", message: String(cString: LZ4F_getErrorName(rc))) }
        state.preferences.compressionLevel = Int32(level)
        state.ensureCapacity(max(LZ4F_compressBound(sliceSize, &state.preferences), 19) + 64)
    }

    private func begin(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !state.started else { return }
        state.started = true
        let n = LZ4F_compressBegin(state.context, state.out, state.outSize, &state.preferences)
        if LZ4F_isError(n) != 0 { throw CodecError(codec: "lz4", message: String(cString: LZ4F_getErrorName(n))) }
        if n > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: n)) }
    }

    public mutating func compress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try begin(output: output)
        guard let base = input.baseAddress else { return }
        var offset = 0
        while offset < input.count {
            let n = min(sliceSize, input.count - offset)
            let written = LZ4F_compressUpdate(state.context, state.out, state.outSize, base + offset, n, nil)
            if LZ4F_isError(written) != 0 { throw CodecError(codec: "lz4", message: String(cString: LZ4F_getErrorName(written))) }
            if written > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: written)) }
            offset += n
        }
    }

    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try begin(output: output)
        let written = LZ4F_compressEnd(state.context, state.out, state.outSize, nil)
        if LZ4F_isError(written) != 0 { throw CodecError(codec: "lz4", message: String(cString: LZ4F_getErrorName(written))) }
        if written > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: written)) }
    }
}
