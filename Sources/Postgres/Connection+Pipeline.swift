import CLibPQ
import Foundation

/// A statement sent ahead in a pipeline, identified by its text and parameters.
public struct PipelinedStatement: Hashable, Sendable {
    public var sql: String
    public var parameters: [String?]
    public init(_ sql: String, _ parameters: [String?] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

/// How a pipeline's statements were used: every announced statement asked for in the order it was
/// sent is the ideal; other cases cost memory (results read early and held) or time.
public struct PipelineStatistics: Equatable, Sendable {
    /// Statements sent by `beginPipeline`.
    public var announced = 0
    /// Results handed over in the order their statements were sent.
    public var inOrder = 0
    /// Results asked for while earlier announced ones were still unread (those were read and held).
    public var outOfOrder = 0
    /// Statements asked for that were not announced: sent on demand, after everything queued.
    public var unannounced = 0
    /// Announced statements nobody asked for (read and discarded by `endPipeline`).
    public var unused = 0
    public init() {}
}

/// What a pipeline has sent and read. Results are read strictly in the order their statements
/// were sent (the protocol's order); one asked for out of turn makes the ones before it be read
/// and held until asked for.
final class PipelineState {
    /// Every statement sent, in order.
    var sent: [PipelinedStatement] = []
    /// Positions in `sent` not yet handed over, by statement (FIFO for repeated statements).
    var waiting: [PipelinedStatement: [Int]] = [:]
    /// Results read from libpq but not yet asked for, by position.
    var held: [Int: Result<OpaquePointer, PostgresError>] = [:]
    /// How many results have been read from libpq.
    var read = 0
    /// The lowest position not yet handed over (for in-order accounting).
    var nextExpected = 0
    var handedOver = Set<Int>()
    var statistics = PipelineStatistics()
}

extension Connection {
    /// Sends `statements` at once in libpq pipeline mode (each followed by a sync point), so that
    /// the server works through them while the caller processes earlier results. Until
    /// `endPipeline()`, `query`, `simpleQuery` and `execute` take their results from the pipeline:
    /// a statement equal to an announced one gets that one's result; any other is sent on demand.
    /// COPY is refused meanwhile.
    ///
    /// Results come back in the order statements were sent, so statements should be announced in
    /// the order they will be asked for; otherwise the results in between are read early and held
    /// in memory (correct, only costlier). `pipelineStatistics` tells how it went.
    ///
    /// Deadlock-free in blocking mode: while libpq cannot send, it reads what the server sends.
    public func beginPipeline(_ statements: [PipelinedStatement]) throws {
        let handle = try usableHandle(for: nil)
        guard pipeline == nil else { throw PostgresError(kind: .protocol, message: "a pipeline is already open") }
        guard PQenterPipelineMode(handle) == 1 else {
            throw PostgresError.fromConnection(handle, kind: .protocol, sql: nil)
        }
        let state = PipelineState()
        pipeline = state
        do {
            for statement in statements { try send(statement, handle: handle, state: state) }
        } catch {
            abandonPipeline(handle)
            throw error
        }
        state.statistics.announced = statements.count
    }

    /// Sends more statements on the open pipeline, announced like those `beginPipeline` sent: they
    /// queue behind everything sent so far, and `query` / `execute` of the same statement later
    /// take their results.
    public func sendAhead(_ statements: [PipelinedStatement]) throws {
        guard let state = pipeline else { throw PostgresError(kind: .protocol, message: "no pipeline is open") }
        let handle = try usableHandle(for: nil)
        for statement in statements { try send(statement, handle: handle, state: state) }
        state.statistics.announced += statements.count
    }

    /// Reads and drops what nobody asked for and leaves pipeline mode. Throws the first failure
    /// among statements nobody asked for (the transaction is then aborted anyway, and that error
    /// explains it better than the next statement's would).
    public func endPipeline() throws {
        guard let state = pipeline, let handle else { pipeline = nil; return }
        var firstFailure: PostgresError?
        // Unread results belong to statements nobody asked for.
        while state.read < state.sent.count {
            switch readNext(handle, state: state) {
            case .success(let r): PQclear(r)
            case .failure(let e): firstFailure = firstFailure ?? e
            }
        }
        for (_, outcome) in state.held {
            if case .failure(let e) = outcome, firstFailure == nil { firstFailure = e }
            if case .success(let r) = outcome { PQclear(r) }
        }
        state.statistics.unused = state.waiting.values.reduce(0) { $0 + $1.count }
        pipelineStatisticsStore = state.statistics
        state.held = [:]
        pipeline = nil
        if PQexitPipelineMode(handle) != 1, firstFailure == nil, PQstatus(handle) == CONNECTION_OK {
            throw PostgresError.fromConnection(handle, kind: .protocol, sql: nil)
        }
        if let firstFailure { throw firstFailure }
    }

    /// Whether a pipeline is open.
    public var inPipeline: Bool { pipeline != nil }

    /// The statistics of the open pipeline, or of the last one ended.
    public var pipelineStatistics: PipelineStatistics { pipeline?.statistics ?? pipelineStatisticsStore }

    /// `query` / `simpleQuery` / `execute` inside a pipeline.
    func pipelinedResult(_ statement: PipelinedStatement, handle: OpaquePointer, state: PipelineState) throws -> OpaquePointer {
        let position: Int
        if var positions = state.waiting[statement], !positions.isEmpty {
            position = positions.removeFirst()
            state.waiting[statement] = positions.isEmpty ? nil : positions
        } else {
            try send(statement, handle: handle, state: state)
            position = state.sent.count - 1
            state.waiting[statement]?.removeLast()
            if state.waiting[statement]?.isEmpty == true { state.waiting[statement] = nil }
            state.statistics.unannounced += 1
        }
        if position == state.nextExpected {
            state.statistics.inOrder += 1
        } else if position < state.statistics.announced {
            state.statistics.outOfOrder += 1
        }
        state.handedOver.insert(position)
        while state.nextExpected < state.sent.count && state.handedOver.contains(state.nextExpected) { state.nextExpected += 1 }
        let started = Date()
        while state.read <= position {
            let index = state.read
            state.held[index] = readNext(handle, state: state)
        }
        if let trace = pipelineTrace, case .success(let r)? = state.held[position] {
            let waited = String(format: "%.1f", Date().timeIntervalSince(started) * 1000)
            trace("statement \(position): waited \(waited) ms for \(PQntuples(r)) rows: \(statement.sql.prefix(60))")
        }
        switch state.held.removeValue(forKey: position) {
        case .success(let result): return result
        case .failure(let error): throw error
        case nil: throw PostgresError(kind: .protocol, message: "pipeline result read twice", sql: statement.sql)
        }
    }

    private func send(_ statement: PipelinedStatement, handle: OpaquePointer, state: PipelineState) throws {
        if statement.parameters.contains(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(kind: .protocol, message: "query parameter contains a NUL character", sql: statement.sql)
        }
        let values: [UnsafeMutablePointer<CChar>?] = statement.parameters.map { $0.flatMap { strdup($0) } }
        defer { values.forEach { free($0) } }
        let sent = values.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQsendQueryParams(handle, statement.sql, Int32(statement.parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        // A sync point after each statement: a failure ends only its own statement's results.
        guard sent == 1, PQpipelineSync(handle) == 1 else {
            throw PostgresError.fromConnection(handle, kind: .queryFailed, sql: statement.sql)
        }
        state.waiting[statement, default: []].append(state.sent.count)
        state.sent.append(statement)
    }

    /// Reads the next statement's results: its result, the end of its results, its sync point.
    private func readNext(_ handle: OpaquePointer, state: PipelineState) -> Result<OpaquePointer, PostgresError> {
        let sql = state.sent[state.read].sql
        state.read += 1
        guard let result = PQgetResult(handle) else {
            return .failure(PostgresError.fromConnection(handle, kind: .queryFailed, sql: sql))
        }
        var outcome: Result<OpaquePointer, PostgresError>
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            outcome = .success(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            outcome = .failure(PostgresError(kind: .protocol, message: "statement started a COPY inside a pipeline", sql: sql))
        default:
            outcome = .failure(PostgresError.from(result: result, connection: handle, kind: .queryFailed, sql: sql))
            PQclear(result)
        }
        // The statement's results end with a null result; its sync point follows.
        var next = PQgetResult(handle)
        while let extra = next, PQresultStatus(extra) != PGRES_PIPELINE_SYNC {
            PQclear(extra)
            next = PQgetResult(handle)
        }
        if next == nil { next = PQgetResult(handle) }
        if let sync = next, PQresultStatus(sync) == PGRES_PIPELINE_SYNC {
            PQclear(sync)
        } else {
            PQclear(next)
            if case .success(let r) = outcome {
                PQclear(r)
                outcome = .failure(PQstatus(handle) == CONNECTION_OK
                    ? PostgresError(kind: .protocol, message: "pipeline out of step", sql: sql)
                    : PostgresError.fromConnection(handle, kind: .connectionLost, sql: sql))
            }
        }
        return outcome
    }

    private func abandonPipeline(_ handle: OpaquePointer) {
        if let state = pipeline {
            while state.read < state.sent.count {
                if case .success(let r) = readNext(handle, state: state) { PQclear(r) }
            }
            for case .success(let r) in state.held.values { PQclear(r) }
        }
        pipeline = nil
        _ = PQexitPipelineMode(handle)
    }
}
