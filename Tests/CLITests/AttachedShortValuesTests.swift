import XCTest
@testable import pgfunnel

/// getopt-style clusters (`-Fc`, `-Z9`, `-xZ9`) become what swift-argument-parser reads.
final class AttachedShortValuesTests: XCTestCase {
    let options = AttachedShortValues.ShortOptions(valued: ["F", "Z", "f", "j", "U"], flags: ["O", "x", "a", "s"])

    func split(_ args: [String]) -> [String] { AttachedShortValues.split(args, options: options) }

    func testValueAttachedToItsOption() {
        XCTAssertEqual(split(["-Fc", "-Z9", "-j4", "-Upostgres", "db"]), ["-F", "c", "-Z", "9", "-j", "4", "-U", "postgres", "db"])
    }

    func testFlagsBeforeAValuedOption() {
        XCTAssertEqual(split(["-xZ9"]), ["-x", "-Z", "9"])
        XCTAssertEqual(split(["-Ox"]), ["-O", "-x"])
        XCTAssertEqual(split(["-Oxf/tmp/out.dump"]), ["-O", "-x", "-f", "/tmp/out.dump"])
    }

    func testLeftAlone() {
        // Long options, separate values, unknown letters, "--" and what follows it.
        XCTAssertEqual(split(["--compress=9", "-Z", "9", "-qz", "--", "-Fc"]), ["--compress=9", "-Z", "9", "-qz", "--", "-Fc"])
        // A separate value that looks like a cluster is still the value.
        XCTAssertEqual(split(["-f", "-Fc", "db"]), ["-f", "-Fc", "db"])
        XCTAssertEqual(split(["-a", "-s"]), ["-a", "-s"])
    }

    /// The table comes from the real command definitions.
    func testTableIsReadFromTheCommands() {
        let dump = AttachedShortValues.shortOptions(of: DumpCommand.self)
        XCTAssertTrue(dump.valued.isSuperset(of: ["F", "Z", "f", "j", "U", "h", "p", "n", "t"]), "\(dump)")
        XCTAssertTrue(dump.flags.isSuperset(of: ["a", "s", "O", "x"]), "\(dump)")
        XCTAssertTrue(AttachedShortValues.shortOptions(of: RestoreCommand.self).valued.isSuperset(of: ["d", "f", "j", "L", "n", "t"]))
        XCTAssertEqual(AttachedShortValues.rewrite(["restore", "-j2", "-dtarget", "x.dump"], root: PGFunnel.self),
                       ["restore", "-j", "2", "-d", "target", "x.dump"])
    }
}
