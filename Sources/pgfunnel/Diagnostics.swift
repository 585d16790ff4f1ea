import Archive
import Foundation
import Restore

/// A failure the command reports as "pgfunnel: error: ..." with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Writes pg_restore-style messages to standard error.
final class StderrDiagnostics: RestoreDiagnostics {
    let verbose: Bool
    init(verbose: Bool) { self.verbose = verbose }
    func info(_ message: String) { if verbose { printError("pgfunnel: \(message)") } }
    func warning(_ message: String) { printError("pgfunnel: warning: \(message)") }
    func error(_ message: String) { printError("pgfunnel: error: \(message)") }
}

/// One message line on standard error; a progress line on the terminal is erased first.
func printError(_ line: String) {
    ProgressReporter.writeMessage(line + "\n")
}
