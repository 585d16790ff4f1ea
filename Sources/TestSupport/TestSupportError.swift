import Foundation

public enum TestSupportError: Error, CustomStringConvertible {
    /// A reference binary is not installed; tests treat this as "skip", everything else as failure.
    case referenceToolMissing(name: String, major: Int, root: String)
    case launchFailed(executable: String, reason: String)
    /// A command exited non-zero; `log` carries the server log when the server was involved.
    case commandFailed(command: String, status: Int32, stdout: String, stderr: String, log: String?)
    case setupFailed(String)

    public var description: String {
        switch self {
        case let .referenceToolMissing(name, major, root):
            return "reference tool \(name) for PostgreSQL \(major) not found under \(root)/\(major)/bin"
        case let .launchFailed(executable, reason):
            return "could not launch \(executable): \(reason)"
        case let .commandFailed(command, status, stdout, stderr, log):
            var text = "command failed with status \(status): \(command)"
            if !stderr.isEmpty { text += "\n--- stderr ---\n\(stderr)" }
            if !stdout.isEmpty { text += "\n--- stdout ---\n\(stdout)" }
            if let log, !log.isEmpty { text += "\n--- server log (tail) ---\n\(log)" }
            return text
        case let .setupFailed(message):
            return message
        }
    }

    public var isMissingTool: Bool {
        if case .referenceToolMissing = self { return true }
        return false
    }
}
