import ArgumentParser
import Dump
import Foundation

@main
struct PGFunnel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgfunnel",
        abstract: "Single-archive dump, restore and gpbackup import for PostgreSQL and Greenplum.",
        version: "pgfunnel \(pgfunnelVersion)",
        subcommands: [DumpCommand.self, RestoreCommand.self, RewriteCommand.self, VerifyCommand.self, ImportGPBackupCommand.self,
                      DumpallCommand.self, ExportCommand.self, LoadCommand.self],
        // -h is the host option, as in pg_dump and pg_restore; help is --help or -?.
        helpNames: [.long, .customShort("?")]
    )

    /// Runs the command, turning failures into one "pgfunnel: error:" line and exit status 1.
    static func main() {
        // A file-size limit (or a full disk) must surface as a write error we report and clean
        // up after, not as SIGXFSZ killing the process with a partial file left behind.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot(AttachedShortValues.rewrite(Array(CommandLine.arguments.dropFirst()), root: PGFunnel.self))
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let failure as CommandFailure {
            printError("pgfunnel: error: \(failure.message)")
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
