import Foundation
import TestSupport
import XCTest

/// The man pages in docs/man are generated from the command-line definitions
/// (scripts/make-manpages.sh); these tests fail when an option is added without regenerating
/// them, and check the shell completion scripts swift-argument-parser derives from the same place.
final class ManualTests: XCTestCase {
    static let subcommands = ["dump", "restore", "rewrite", "verify", "import-gpbackup", "dumpall", "export", "load"]

    func run(_ args: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(executable: Fixtures.pgfunnelBinary, arguments: args)
    }

    /// Long options named in a --help text ("--schema-only", "--[no-]progress" gives both).
    func longOptions(inHelp help: String) -> Set<String> {
        var names = Set<String>()
        let pattern = try! NSRegularExpression(pattern: "--(\\[no-\\])?([a-z][a-z0-9-]*)")
        for m in pattern.matches(in: help, range: NSRange(help.startIndex..., in: help)) {
            let name = String(help[Range(m.range(at: 2), in: help)!])
            names.insert(name)
            if m.range(at: 1).location != NSNotFound { names.insert("no-" + name) }
        }
        names.remove("help")
        return names
    }

    func testEverySubcommandHasAnUpToDateManPageWithAnExample() throws {
        let manDir = Fixtures.repositoryRoot.appendingPathComponent("docs/man")
        for sub in Self.subcommands {
            let help = try run([sub, "--help"])
            XCTAssertEqual(help.status, 0, help.stderr.text)
            XCTAssertTrue(help.stdout.text.contains("Example"), "\(sub) --help has no example")
            let page = try String(contentsOf: manDir.appendingPathComponent("pgfunnel.\(sub).1"), encoding: .utf8)
                .replacingOccurrences(of: "\\-", with: "-")
            let options = longOptions(inHelp: help.stdout.text)
            XCTAssertGreaterThan(options.count, 0, sub)
            for option in options.sorted() {
                // mdoc: ".It Fl x , -no-privileges , -no-acl" (Fl adds the first dash).
                XCTAssertTrue(page.contains("--\(option)") || page.contains("Fl -\(option)") || page.contains(", -\(option)"),
                              "docs/man/pgfunnel.\(sub).1 lacks --\(option): run scripts/make-manpages.sh")
            }
        }
    }

    func testCompletionScriptsNameEverySubcommand() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try run(["--generate-completion-script", shell])
            XCTAssertEqual(script.status, 0, script.stderr.text)
            for sub in Self.subcommands {
                XCTAssertTrue(script.stdout.text.contains(sub), "\(shell) completion lacks \(sub)")
            }
        }
    }
}
