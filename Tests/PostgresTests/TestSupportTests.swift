import Foundation
import Postgres
import TestSupport
import XCTest

/// The harness other test targets rely on.
final class TestSupportTests: XCTestCase {
    func testProcessRunnerHandlesLargeOutputOnBothPipesAndStdin() throws {
        let input = Data(repeating: UInt8(ascii: "a"), count: 3_000_000)
        // cat copies stdin to stdout while another 2 MB go to stderr: a sequential reader deadlocks.
        let output = try ProcessRunner.run(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "head -c 2000000 /dev/zero >&2; cat; exit 3"], stdin: input)
        XCTAssertEqual(output.status, 3)
        XCTAssertEqual(output.stdout, input)
        XCTAssertEqual(output.stderr.count, 2_000_000)

        // A child that ignores its input must not kill us with SIGPIPE.
        let ignoring = try ProcessRunner.run(
            executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "exit 0"], stdin: input)
        XCTAssertEqual(ignoring.status, 0)

        let environment = try ProcessRunner.run(
            executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "echo $PGFUNNEL_PROBE"],
            environment: ["PGFUNNEL_PROBE": "seen"])
        XCTAssertEqual(environment.stdout.text, "seen\n")
    }

    func testReferenceToolsDiscovery() throws {
        let majors = ReferenceTools.availableMajors
        guard !majors.isEmpty else { throw XCTSkip("no reference install under \(ReferenceTools.root.path)") }
        for major in majors {
            XCTAssertNotNil(ReferenceTools.binary("pg_restore", major: major))
        }
        XCTAssertNil(ReferenceTools.binary("no_such_tool", major: majors[0]))
        XCTAssertNil(ReferenceTools.binary("pg_restore", major: 3))
    }

    func testServerHelpersAndReferenceTools() throws {
        for server in try installedServers() {
            let label = "PG\(server.major)"
            let version = try server.runTool("pg_dump", args: ["--version"])
            XCTAssertEqual(version.status, 0, label)
            XCTAssertTrue(version.stdout.text.contains("pg_dump (PostgreSQL) \(server.major)."), version.stdout.text)

            let database = try server.freshDatabase(prefix: "Helpers")
            XCTAssertTrue(database.hasPrefix("helpers_"), database)
            XCTAssertEqual(try server.psql("SELECT current_database();", database: database), "\(database)\n", label)
            XCTAssertEqual(try server.psql("SELECT 1; SELECT NULL; SELECT 'a' || 'b';", database: database), "1\n\nab\n")

            XCTAssertThrowsError(try server.psql("SELECT 1/0;", database: database)) { error in
                XCTAssertTrue("\(error)".contains("division by zero"), "\(error)")
            }

            // pg_dump of this major reaches the server through the tool environment alone.
            try server.psql("CREATE TABLE dumped (id int);", database: database)
            let dump = try server.runTool("pg_dump", args: ["--schema-only", database])
            XCTAssertEqual(dump.status, 0, dump.stderr.text)
            XCTAssertTrue(dump.stdout.text.contains("CREATE TABLE public.dumped"), label)

            try server.dropDatabase(database)
            XCTAssertEqual(
                try server.psql("SELECT count(*) FROM pg_database WHERE datname = '\(database)';"), "0\n", label)
        }
    }

    func testSharedServerIsStartedOncePerMajor() throws {
        for server in try installedServers() {
            XCTAssertTrue(try TestServer.shared(major: server.major) === server)
        }
    }
}
