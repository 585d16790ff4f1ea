import Foundation
import Postgres
import TestSupport
import XCTest

final class ConnectionTests: XCTestCase {
    func testConnectsWithConninfoURIAndComponents() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let byConninfo = try Connection(conninfo: server.conninfo())
            XCTAssertEqual(byConninfo.serverMajor, server.major, label)
            XCTAssertTrue(byConninfo.isAlive, label)
            XCTAssertEqual(byConninfo.status, .ok, label)
            XCTAssertEqual(byConninfo.parameterStatus("server_encoding"), "UTF8", label)
            XCTAssertTrue(byConninfo.standardConformingStrings, label)
            XCTAssertNil(byConninfo.parameterStatus("no_such_parameter"), label)

            let encodedHost = server.host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let byURI = try Connection(conninfo: "postgresql://postgres@\(encodedHost):\(server.port)/template1")
            XCTAssertEqual(try byURI.query("SELECT current_database()")[0, 0], "template1", label)

            var parameters = server.connectionParameters()
            parameters.applicationName = "pgfunnel-tests"
            let byComponents = try Connection(parameters: parameters)
            XCTAssertEqual(try byComponents.query("SHOW application_name")[0, 0], "pgfunnel-tests", label)

            byConninfo.close()
            XCTAssertEqual(byConninfo.status, .closed, label)
            XCTAssertEqual(
                expectPostgresError(label) { try byConninfo.execute("SELECT 1") }?.kind, .protocol, label)
        }
    }

    /// Like pg_dump's -d: a conninfo in `database` overrides the other components, and
    /// `overrideDatabase` overrides its dbname; the fallback application name applies only when
    /// none is given.
    func testDatabaseParameterMayBeAConninfo() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            var parameters = ConnectionParameters(
                host: "/nonexistent", port: "1", user: "nobody", database: server.conninfo(database: "template1"),
                fallbackApplicationName: "pgfunnel")
            let connection = try Connection(parameters: parameters)
            XCTAssertEqual(try connection.query("SELECT current_database(), current_setting('application_name')").rows,
                           [["template1", "pgfunnel"]], label)
            parameters.overrideDatabase = "postgres"
            XCTAssertEqual(try Connection(parameters: parameters).query("SELECT current_database()")[0, 0], "postgres", label)
        }
    }

    func testConnectingToMissingSocketFailsWithLibpqMessage() {
        let missing = "/tmp/pgfunnel-no-such-dir-\(getpid())"
        let error = expectPostgresError("dead socket") {
            _ = try Connection(conninfo: "host=\(missing) port=5999 user=postgres dbname=postgres")
        }
        XCTAssertEqual(error?.kind, .connectionFailed)
        XCTAssertNil(error?.sqlState)
        XCTAssertTrue(error?.message.contains("\(missing)/.s.PGSQL.5999") == true, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("No such file or directory") == true, error?.message ?? "")
        XCTAssertEqual(
            expectPostgresError("bad conninfo") { _ = try Connection(conninfo: "host=x bogus_option=1") }?.kind,
            .connectionFailed)
    }

    func testConnectingToMissingDatabaseCarriesServerFields() throws {
        for server in try installedServers() {
            let error = expectPostgresError("PG\(server.major)") {
                _ = try Connection(conninfo: server.conninfo(database: "no_such_database"))
            }
            XCTAssertEqual(error?.kind, .connectionFailed)
            XCTAssertTrue(error?.description.contains("database \"no_such_database\" does not exist") == true,
                          error?.description ?? "")
        }
    }

    func testPasswordProviderIsAskedWhenServerWantsAPassword() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let role = "pw_user_\(getpid())"
            try server.psql("CREATE ROLE \(role) LOGIN PASSWORD 'sekret';")
            try requirePasswordAuthentication(for: role, on: server)

            var requests: [PasswordRequest] = []
            var parameters = server.connectionParameters()
            parameters.user = role
            let connection = try Connection(parameters: parameters, passwordProvider: { request in
                requests.append(request)
                return "sekret"
            })
            XCTAssertEqual(try connection.query("SELECT current_user")[0, 0], role, label)
            XCTAssertEqual(requests.map(\.user), [role], label)
            XCTAssertEqual(connection.parameters.password, "sekret", label)

            let refused = expectPostgresError(label) {
                _ = try Connection(parameters: parameters, passwordProvider: { _ in nil })
            }
            XCTAssertEqual(refused?.kind, .connectionFailed, label)
            XCTAssertTrue(refused?.message.contains("no password supplied") == true, refused?.message ?? "")

            let wrong = expectPostgresError(label) {
                _ = try Connection(parameters: parameters, passwordProvider: { _ in "wrong" })
            }
            XCTAssertEqual(wrong?.kind, .connectionFailed, label)
            XCTAssertTrue(wrong?.message.contains("password authentication failed") == true, wrong?.message ?? "")
        }
    }

    func testNoticesReachTheHandler() throws {
        for server in try installedServers() {
            var notices: [String] = []
            let connection = try Connection(conninfo: server.conninfo(), noticeHandler: { notices.append($0) })
            try connection.execute("DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$")
            XCTAssertEqual(notices, ["NOTICE:  hello 42\n", "WARNING:  careful\n"], "PG\(server.major)")
        }
    }

    /// Makes `role` authenticate with scram over the socket (trust stays for everyone else), and
    /// waits until the postmaster has reloaded pg_hba.conf.
    private func requirePasswordAuthentication(for role: String, on server: TestServer) throws {
        let hba = server.dataDirectory.appendingPathComponent("pg_hba.conf")
        let existing = try String(contentsOf: hba, encoding: .utf8)
        try ("local all \(role) scram-sha-256\n" + existing).write(to: hba, atomically: false, encoding: .utf8)
        try server.psql("SELECT pg_reload_conf();")
        var parameters = server.connectionParameters()
        parameters.user = role
        for _ in 0..<100 {
            do {
                _ = try Connection(parameters: parameters)
            } catch {
                return  // refused without a password: the new rule is live
            }
            usleep(50_000)
        }
        XCTFail("pg_hba.conf reload did not take effect")
    }
}
