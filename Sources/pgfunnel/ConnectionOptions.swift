import ArgumentParser
import Foundation
import Postgres

/// libpq connection options shared by the commands that talk to a server (pg_dump/pg_restore's
/// -d -h -p -U -w -W). Anything not given comes from libpq: PG* environment variables, service
/// files and ~/.pgpass.
struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("d"), .customLong("dbname")], help: "Database name, conninfo string or URI to connect to.")
    var dbname: String?
    @Option(name: [.customShort("h"), .customLong("host")], help: "Database server host or socket directory.")
    var host: String?
    @Option(name: [.customShort("p"), .customLong("port")], help: "Database server port number.")
    var port: String?
    @Option(name: [.customShort("U"), .customLong("username")], help: "Connect as the specified database user.")
    var username: String?
    @Flag(name: [.customShort("w"), .customLong("no-password")], help: "Never prompt for password.")
    var noPassword = false
    @Flag(name: [.customShort("W"), .customLong("password")], help: "Force password prompt (should happen automatically).")
    var forcePassword = false

    func parameters() -> ConnectionParameters {
        var p = ConnectionParameters()
        p.host = host.flatMap { $0.isEmpty ? nil : $0 }
        p.port = port.flatMap { $0.isEmpty ? nil : $0 }
        p.user = username
        p.database = dbname
        p.fallbackApplicationName = "pgfunnel"
        if forcePassword, let pw = promptPassword(user: username) { p.password = pw }
        return p
    }

    /// Prompts on the terminal when the server asks for a password, unless -w.
    var passwordProvider: PasswordProvider? {
        if noPassword { return nil }
        return { request in promptPassword(user: request.user) }
    }
}

private func promptPassword(user: String?) -> String? {
    guard let cstr = getpass("Password: ") else { return nil }
    return String(cString: cstr)
}
