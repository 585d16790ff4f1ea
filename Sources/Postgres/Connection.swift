import CLibPQ
import Foundation

/// Connection settings in pg_dump's terms. `database` may itself be a conninfo string or URI (as
/// pg_dump's `-d` allows); its entries then override `host`/`port`/`user`/`password`, and
/// `overrideDatabase` in turn overrides its dbname (pg_restore's reconnect-to-created-database).
/// Anything left nil falls back to libpq's defaults: PG* environment variables, service files,
/// and `.pgpass` for the password.
public struct ConnectionParameters: Sendable, Equatable {
    public var host: String?
    public var port: String?
    public var user: String?
    public var password: String?
    public var database: String?
    public var overrideDatabase: String?
    public var applicationName: String?
    public var fallbackApplicationName: String?
    /// Further libpq keywords (e.g. `sslmode`, `options`), applied last so they win.
    public var extraOptions: [String: String]

    public init(
        host: String? = nil, port: String? = nil, user: String? = nil, password: String? = nil,
        database: String? = nil, overrideDatabase: String? = nil, applicationName: String? = nil,
        fallbackApplicationName: String? = nil, extraOptions: [String: String] = [:]
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.overrideDatabase = overrideDatabase
        self.applicationName = applicationName
        self.fallbackApplicationName = fallbackApplicationName
        self.extraOptions = extraOptions
    }

    /// Keyword/value pairs in pg_dump's ConnectDatabase order. PQconnectdbParams processes them
    /// front to back, the last non-empty value winning, and expands only the first `dbname`.
    var keywordValuePairs: [(String, String)] {
        var pairs: [(String, String)] = []
        func add(_ key: String, _ value: String?) {
            if let value { pairs.append((key, value)) }
        }
        add("host", host)
        add("port", port)
        add("user", user)
        add("password", password)
        add("dbname", database)
        add("dbname", overrideDatabase)
        add("application_name", applicationName)
        add("fallback_application_name", fallbackApplicationName)
        for key in extraOptions.keys.sorted() { add(key, extraOptions[key]) }
        return pairs
    }
}

/// What the server asked a password for, so a prompt can say "Password for user X:".
public struct PasswordRequest: Sendable {
    public var user: String?
    public var host: String?
    public var database: String?
}

/// Returns the password to try, or nil to give up (the connection then fails with libpq's
/// "no password supplied" message).
public typealias PasswordProvider = (PasswordRequest) -> String?

/// A blocking libpq connection.
///
/// Deliberately synchronous: pg_dump and pg_restore drive each connection from one thread, one
/// statement or COPY at a time, and parallel jobs use one connection per worker thread. A blocking
/// connection keeps COPY streaming simple (no event loop, natural backpressure from the socket).
///
/// Not thread-safe: use each instance from one thread at a time.
public final class Connection {
    public enum Status: Sendable, Equatable {
        case ok
        case bad
        case closed
    }

    /// The parameters the connection was made with, including a password obtained from the
    /// `passwordProvider`, so parallel workers can open sibling connections without prompting.
    public private(set) var parameters: ConnectionParameters

    /// Receives server notices and warnings as libpq formats them ("WARNING:  ...\n"). When nil,
    /// they go to standard error like libpq's default processor (and pg_dump) does.
    public var noticeHandler: ((String) -> Void)? {
        get { noticeSink.handler }
        set { noticeSink.handler = newValue }
    }

    var handle: OpaquePointer?
    /// Set while a `CopyInStream` owns the connection; every other operation is refused then.
    var copyInActive = false
    /// Set between beginPipeline and endPipeline (Connection+Pipeline.swift).
    var pipeline: PipelineState?
    var pipelineStatisticsStore = PipelineStatistics()
    /// Receives, for each pipelined result handed over, how long it was waited for (a
    /// performance aid; the dumper sets it under PGFUNNEL_TRACE).
    public var pipelineTrace: ((String) -> Void)?
    /// Set inside recordingStatements (Connection+Recording.swift).
    var recorder: [PipelinedStatement]?
    private let noticeSink = NoticeSink()

    /// Connects with a conninfo string (`host=... dbname=...`) or a URI (`postgresql://...`), with
    /// PQconnectdb semantics: unspecified settings come from the environment and service files.
    public convenience init(
        conninfo: String, passwordProvider: PasswordProvider? = nil,
        noticeHandler: ((String) -> Void)? = nil
    ) throws {
        try self.init(
            parameters: ConnectionParameters(database: conninfo),
            passwordProvider: passwordProvider, noticeHandler: noticeHandler)
    }

    /// Connects from components, with pg_dump's prompting rule: if the server wants a password
    /// and none was given (nor found by libpq in PGPASSWORD or .pgpass), ask `passwordProvider`
    /// once and retry.
    public init(
        parameters: ConnectionParameters, passwordProvider: PasswordProvider? = nil,
        noticeHandler: ((String) -> Void)? = nil
    ) throws {
        self.parameters = parameters
        noticeSink.handler = noticeHandler
        var attempt = parameters
        while true {
            let connection = Connection.connect(attempt)
            guard let connection else {
                throw PostgresError(kind: .connectionFailed, message: "out of memory allocating a libpq connection")
            }
            if PQstatus(connection) == CONNECTION_OK {
                handle = connection
                self.parameters = attempt
                break
            }
            let wantsPassword = PQconnectionNeedsPassword(connection) != 0
            if wantsPassword, attempt.password == nil, let passwordProvider {
                let request = PasswordRequest(
                    user: cString(PQuser(connection)), host: cString(PQhost(connection)),
                    database: cString(PQdb(connection)))
                let failure = PostgresError.fromConnection(connection, kind: .connectionFailed, sql: nil)
                PQfinish(connection)
                guard let password = passwordProvider(request) else { throw failure.asConnectionFailure }
                attempt.password = password
                continue
            }
            let failure = PostgresError.fromConnection(connection, kind: .connectionFailed, sql: nil)
            PQfinish(connection)
            throw failure.asConnectionFailure
        }
        if let handle {
            PQsetNoticeProcessor(handle, noticeTrampoline, Unmanaged.passUnretained(noticeSink).toOpaque())
        }
    }

    deinit {
        close()
    }

    private static func connect(_ parameters: ConnectionParameters) -> OpaquePointer? {
        let pairs = parameters.keywordValuePairs
        // libpq wants NULL-terminated arrays of C strings that outlive the call.
        let keywords = pairs.map { strdup($0.0) } + [nil]
        let values = pairs.map { strdup($0.1) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        return keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordBuffer in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 1)
            }
        }
    }

    /// Closes the connection; later operations throw. Safe to call more than once.
    public func close() {
        if let pipeline {
            for case .success(let r) in pipeline.held.values { PQclear(r) }
            pipeline.held = [:]
        }
        pipeline = nil
        if let handle {
            PQfinish(handle)
        }
        handle = nil
        copyInActive = false
    }

    /// libpq's view of the connection. It only notices a dead server when it next talks to it.
    public var status: Status {
        guard let handle else { return .closed }
        return PQstatus(handle) == CONNECTION_OK ? .ok : .bad
    }

    public var isAlive: Bool { status == .ok }

    /// `PQserverVersion`, e.g. 150018 or 180006; 0 when closed.
    public var serverVersionNum: Int {
        guard let handle else { return 0 }
        return Int(PQserverVersion(handle))
    }

    /// The major version (15, 16...), from `serverVersionNum`.
    public var serverMajor: Int { serverVersionNum / 10000 }

    /// A server parameter reported at startup or on change (`server_version`, `client_encoding`,
    /// `standard_conforming_strings`, `TimeZone`, ...); nil when unknown.
    public func parameterStatus(_ name: String) -> String? {
        guard let handle else { return nil }
        return cString(PQparameterStatus(handle, name))
    }

    /// The session's `standard_conforming_strings` (on unless the server says otherwise).
    public var standardConformingStrings: Bool {
        parameterStatus("standard_conforming_strings") != "off"
    }

    /// libpq's last connection-level error text (`PQerrorMessage`).
    public var lastErrorMessage: String {
        guard let handle else { return "connection is closed" }
        return PostgresError.trimmed(cString(PQerrorMessage(handle)) ?? "")
    }

    /// The open handle, or a typed error explaining why none is usable.
    func usableHandle(for sql: String?) throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(kind: .protocol, message: "connection is closed", sql: sql)
        }
        if copyInActive {
            throw PostgresError(
                kind: .protocol, message: "connection is busy with COPY FROM STDIN; finish or abort it first",
                sql: sql)
        }
        if PQstatus(handle) != CONNECTION_OK {
            throw PostgresError(kind: .connectionLost, message: lastErrorMessage, sql: sql)
        }
        return handle
    }
}

extension PostgresError {
    /// Connection-time errors are `connectionFailed` even though the handle is CONNECTION_BAD.
    fileprivate var asConnectionFailure: PostgresError {
        var copy = self
        copy.kind = .connectionFailed
        return copy
    }
}

/// Holds the notice closure at a stable address for libpq's C callback.
private final class NoticeSink {
    var handler: ((String) -> Void)?
}

private func noticeTrampoline(_ argument: UnsafeMutableRawPointer?, _ message: UnsafePointer<CChar>?) {
    guard let argument, let text = cString(message) else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(argument).takeUnretainedValue()
    if let handler = sink.handler {
        handler(text)
    } else {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
