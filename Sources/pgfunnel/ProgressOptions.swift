import ArgumentParser
import Archive

/// `--progress` / `--no-progress`: the one-line progress display on standard error. Without
/// either, it is shown only when standard error is a terminal (and the command's own output
/// does not go to that terminal).
struct ProgressOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Show (or never show) a progress line on standard error; default: only on a terminal.")
    var progress: Bool?

    var mode: ProgressReporter.Mode {
        switch progress {
        case .some(true): return .always
        case .some(false): return .never
        case .none: return .auto
        }
    }

    /// A reporter when progress is to be shown, else nil.
    func reporter(verb: String, outputIsStdout: Bool) -> ProgressReporter? {
        ProgressReporter.shouldShow(mode, outputIsStdout: outputIsStdout) ? ProgressReporter(verb: verb) : nil
    }
}
