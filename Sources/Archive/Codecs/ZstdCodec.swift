import CZstd

/// zstd streaming decompression (pg_dump 16+ with -Z zstd).
public struct ZstdDecompressor: StreamDecompressor {
    private final class State {
        let stream: OpaquePointer
        let outSize = ZSTD_DStreamOutSize()
        let out: UnsafeMutableRawPointer
        /// Whether the last call ended exactly at a frame boundary.
        var atFrameEnd = true
        init?() {
            guard let s = ZSTD_createDStream() else { return nil }
            stream = s
            out = UnsafeMutableRawPointer.allocate(byteCount: outSize, alignment: 16)
        }
        deinit {
            ZSTD_freeDStream(stream)
            out.deallocate()
        }
    }
    private let state: State

    public init() throws {
        guard let s = State() else { throw CodecError(codec: "zstd", message: "could not create decompression stream") }
        state = s
        ZSTD_initDStream(state.stream)
    }

    public mutating func decompress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0 else { return }
        var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            var outBuf = ZSTD_outBuffer(dst: state.out, size: state.outSize, pos: 0)
            let rc = ZSTD_decompressStream(state.stream, &outBuf, &inBuf)
            if ZSTD_isError(rc) != 0 {
                throw CodecError(codec: "zstd", message: String(cString: ZSTD_getErrorName(rc)))
            }
            if outBuf.pos > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: outBuf.pos)) }
            // rc == 0: a frame is completely decoded and flushed. Otherwise keep going while input
            // is left or the output buffer came back full (more may be pending inside zstd).
            state.atFrameEnd = rc == 0
            let inputDone = inBuf.pos == inBuf.size
            if inputDone && (rc == 0 || outBuf.pos < outBuf.size) { break }
        }
    }

    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard state.atFrameEnd else {
            throw CodecError(codec: "zstd", message: "compressed stream ends in the middle of a frame")
        }
    }
}

/// zstd streaming compression.
public struct ZstdCompressor: StreamCompressor {
    private final class State {
        let stream: OpaquePointer
        let outSize = ZSTD_CStreamOutSize()
        let out: UnsafeMutableRawPointer
        /// Rows are gathered here and handed to zstd 128 KiB at a time: with worker threads,
        /// each ZSTD_compressStream2 call takes locks and polls the jobs, which per COPY row
        /// cost more than the compression itself.
        let pendingSize = 128 * 1024
        let pending: UnsafeMutableRawPointer
        var pendingCount = 0
        init?() {
            guard let s = ZSTD_createCStream() else { return nil }
            stream = s
            out = UnsafeMutableRawPointer.allocate(byteCount: outSize, alignment: 16)
            pending = UnsafeMutableRawPointer.allocate(byteCount: pendingSize, alignment: 16)
        }
        deinit {
            ZSTD_freeCStream(stream)
            out.deallocate()
            pending.deallocate()
        }
    }
    private let state: State

    /// Whether libzstd took the worker count (it refuses when built without threads, and then
    /// compresses on the caller's thread).
    public let multithreaded: Bool

    /// - Parameter workers: libzstd's own compression threads (ZSTD_c_nbWorkers); 0 compresses
    ///   on the caller's thread. With 1 or more the input is cut into jobs by size alone, so the
    ///   output is the same for any number of workers (CompressorDeterminismTests) but differs
    ///   from single-threaded output.
    public init(level: Int, workers: Int = 0) throws {
        guard let s = State() else { throw CodecError(codec: "zstd", message: "could not create compression stream") }
        state = s
        ZSTD_CCtx_setParameter(state.stream, ZSTD_c_compressionLevel, Int32(level))
        var mt = false
        if workers > 0 {
            mt = ZSTD_isError(ZSTD_CCtx_setParameter(state.stream, ZSTD_c_nbWorkers, Int32(workers))) == 0
            // libzstd's default job is 4 windows (8 MiB at level 3), several of them buffered per
            // worker: 2 MiB jobs keep the dump's peak RSS well under 64 MB at a tiny size cost.
            // Nor do jobs reload the end of the previous job as history (overlapLog 1: none;
            // default at level 3: 256 KiB of every 2 MiB job hashed twice). On the benchmark's
            // 323 MB of COPY text that saved 5 % of the dump's CPU and made the archive 0.3 %
            // smaller, not larger (94.05 vs 94.31 MB).
            if mt {
                ZSTD_CCtx_setParameter(state.stream, ZSTD_c_jobSize, 2 << 20)
                ZSTD_CCtx_setParameter(state.stream, ZSTD_c_overlapLog, 1)
            }
        }
        multithreaded = mt
    }

    /// Drops a frame left unfinished (its writer failed midway); parameters and threads stay.
    public func reset() {
        ZSTD_CCtx_reset(state.stream, ZSTD_reset_session_only)
        state.pendingCount = 0
    }

    public mutating func compress(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        if state.pendingCount + input.count <= state.pendingSize {
            (state.pending + state.pendingCount).copyMemory(from: base, byteCount: input.count)
            state.pendingCount += input.count
            if state.pendingCount == state.pendingSize { try flushPending(output: output) }
            return
        }
        try flushPending(output: output)
        if input.count < state.pendingSize {
            state.pending.copyMemory(from: base, byteCount: input.count)
            state.pendingCount = input.count
        } else {
            try feed(input, output: output)
        }
    }

    private func flushPending(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard state.pendingCount > 0 else { return }
        let n = state.pendingCount
        state.pendingCount = 0
        try feed(UnsafeRawBufferPointer(start: state.pending, count: n), output: output)
    }

    private func feed(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while inBuf.pos < inBuf.size {
            var outBuf = ZSTD_outBuffer(dst: state.out, size: state.outSize, pos: 0)
            let rc = ZSTD_compressStream2(state.stream, &outBuf, &inBuf, ZSTD_e_continue)
            if ZSTD_isError(rc) != 0 { throw CodecError(codec: "zstd", message: String(cString: ZSTD_getErrorName(rc))) }
            if outBuf.pos > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: outBuf.pos)) }
        }
    }

    public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try flushPending(output: output)
        var inBuf = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while true {
            var outBuf = ZSTD_outBuffer(dst: state.out, size: state.outSize, pos: 0)
            let rc = ZSTD_compressStream2(state.stream, &outBuf, &inBuf, ZSTD_e_end)
            if ZSTD_isError(rc) != 0 { throw CodecError(codec: "zstd", message: String(cString: ZSTD_getErrorName(rc))) }
            if outBuf.pos > 0 { try output(UnsafeRawBufferPointer(start: state.out, count: outBuf.pos)) }
            if rc == 0 { return }
        }
    }
}
