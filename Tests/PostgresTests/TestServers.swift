import Postgres
import TestSupport
import XCTest

/// The majors the integration tests run against: the oldest and newest supported.
let integrationMajors = [15, 18]

/// Shared servers for the majors that are installed; skips only when none is.
func installedServers(file: StaticString = #filePath, line: UInt = #line) throws -> [TestServer] {
    let majors = integrationMajors.filter { ReferenceTools.hasServer(major: $0) }
    guard !majors.isEmpty else {
        throw XCTSkip("no PostgreSQL \(integrationMajors) reference install under \(ReferenceTools.root.path)")
    }
    return try majors.map { try TestServer.shared(major: $0) }
}

/// Runs `body` and returns the PostgresError it throws, failing the test if it throws nothing or
/// something else.
func expectPostgresError(
    _ label: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) -> PostgresError? {
    do {
        try body()
        XCTFail("\(label): expected a PostgresError, got success", file: file, line: line)
    } catch let error as PostgresError {
        return error
    } catch {
        XCTFail("\(label): expected a PostgresError, got \(error)", file: file, line: line)
    }
    return nil
}
