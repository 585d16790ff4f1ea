import ArgumentParser
import Foundation

/// pg_dump and pg_restore read their options with getopt, so DBAs write `-Fc`, `-Z9`, `-j4`,
/// `-Upostgres`: a short option's value attached to it. swift-argument-parser only reads
/// `-F c`, so the command line is first rewritten the getopt way: in a cluster of short options,
/// letters that are flags stand for themselves, and the first letter that takes a value takes
/// the rest of the cluster as that value (`-xZ9` is `-x -Z 9`).
enum AttachedShortValues {
    /// The short options of one command: which take a value and which are flags.
    struct ShortOptions: Equatable {
        var valued: Set<Character> = []
        var flags: Set<Character> = []
    }

    /// Rewrites `arguments` (without the program name) for `options`. Arguments after `--` and
    /// those that are not clusters of known short options are left as they are.
    static func split(_ arguments: [String], options: ShortOptions) -> [String] {
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let arg = arguments[index]
            index += 1
            if arg == "--" {
                out.append(contentsOf: arguments[(index - 1)...])
                break
            }
            guard arg.count > 2, arg.hasPrefix("-"), !arg.hasPrefix("--"), let split = splitCluster(arg, options: options) else {
                out.append(arg)
                // A value-taking option's separate value is never a cluster: `-f -Zx` writes to "-Zx".
                if arg.count == 2, arg.hasPrefix("-"), let letter = arg.last, options.valued.contains(letter), index < arguments.count {
                    out.append(arguments[index])
                    index += 1
                }
                continue
            }
            out.append(contentsOf: split)
        }
        return out
    }

    /// `-Fc` -> ["-F", "c"]; nil when the cluster holds a letter that is not a known option.
    private static func splitCluster(_ arg: String, options: ShortOptions) -> [String]? {
        var out: [String] = []
        var letters = arg.dropFirst()
        while let letter = letters.first {
            letters = letters.dropFirst()
            if options.valued.contains(letter) {
                out.append("-\(letter)")
                if !letters.isEmpty { out.append(String(letters)) }
                return out
            }
            guard options.flags.contains(letter) else { return nil }
            out.append("-\(letter)")
        }
        return out
    }

    /// A command's short options, read from its definition (the same description `--help` and
    /// the man pages are made from), so the table cannot go stale.
    static func shortOptions(of command: ParsableCommand.Type) -> ShortOptions {
        guard let data = command._dumpHelp().data(using: .utf8),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let described = json["command"] as? [String: Any] else { return ShortOptions() }
        var options = ShortOptions()
        for argument in described["arguments"] as? [[String: Any]] ?? [] {
            let kind = argument["kind"] as? String
            for n in argument["names"] as? [[String: Any]] ?? [] where n["kind"] as? String == "short" {
                guard let s = n["name"] as? String, s.count == 1, let letter = s.first else { continue }
                if kind == "option" { options.valued.insert(letter) } else if kind == "flag" { options.flags.insert(letter) }
            }
        }
        return options
    }

    /// The process's arguments (program name excluded), rewritten for the subcommand they name.
    /// Describing a command costs milliseconds, so it happens only when an argument could be a
    /// cluster at all.
    static func rewrite(_ arguments: [String], root: ParsableCommand.Type) -> [String] {
        guard let first = arguments.first,
              arguments.dropFirst().contains(where: { $0.count > 2 && $0.hasPrefix("-") && !$0.hasPrefix("--") }),
              let command = root.configuration.subcommands.first(where: { $0._commandName == first })
        else { return arguments }
        return [first] + split(Array(arguments.dropFirst()), options: shortOptions(of: command))
    }
}
