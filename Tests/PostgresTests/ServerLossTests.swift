import Foundation
import Postgres
import TestSupport
import XCTest

/// Servers that die under a client. Each uses a dedicated server so shared ones stay up.
final class ServerLossTests: XCTestCase {
    func testServerKilledMidCopyAndMidSessionGivesConnectionLost() throws {
        let majors = integrationMajors.filter { ReferenceTools.hasServer(major: $0) }
        guard !majors.isEmpty else { throw XCTSkip("no PostgreSQL reference install") }
        for major in majors {
            let label = "PG\(major)"
            let server = try TestServer.dedicated(major: major)
            defer { server.shutdown() }
            let copying = try server.connect()
            let idle = try server.connect()
            // Both get "terminating connection due to immediate shutdown command" warnings.
            copying.noticeHandler = { _ in }
            idle.noticeHandler = { _ in }

            var chunks = 0
            var killError: Error?
            let lost = expectPostgresError(label) {
                try copying.copyOut("COPY (SELECT g, repeat('x', 200) FROM generate_series(1, 20000000) g) TO STDOUT") { _ in
                    chunks += 1
                    if chunks == 1 {
                        do { try server.kill() } catch { killError = error }
                    }
                }
            }
            XCTAssertNil(killError, "\(label): \(String(describing: killError))")
            XCTAssertEqual(lost?.kind, .connectionLost, "\(label): \(String(describing: lost))")
            XCTAssertLessThan(chunks, 20_000_000, label)
            XCTAssertFalse(copying.isAlive, label)
            XCTAssertEqual(expectPostgresError(label) { try copying.execute("SELECT 1") }?.kind, .connectionLost, label)

            // A connection that was idle only learns about the death when it next talks.
            let idleLost = expectPostgresError(label) { _ = try idle.query("SELECT 1") }
            XCTAssertEqual(idleLost?.kind, .connectionLost, "\(label): \(String(describing: idleLost))")
            XCTAssertFalse(idleLost?.message.isEmpty ?? true, label)

            // Restarting brings it back for new connections.
            try server.start()
            XCTAssertEqual(try server.connect().query("SELECT 1")[0, 0], "1", label)

            // COPY IN to a server that dies before finish.
            let loading = try server.connect()
            loading.noticeHandler = { _ in }
            try loading.execute("CREATE TABLE sink (n int)")
            let stream = try loading.copyIn("COPY sink FROM STDIN")
            try stream.write("1\n")
            try server.kill()
            let lostAtFinish = expectPostgresError(label) {
                for _ in 0..<1000 { try stream.write(String(repeating: "2\n", count: 10_000)) }
                _ = try stream.finish()
            }
            XCTAssertEqual(lostAtFinish?.kind, .connectionLost, "\(label): \(String(describing: lostAtFinish))")
        }
    }
}
