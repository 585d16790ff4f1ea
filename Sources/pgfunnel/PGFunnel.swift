import ArgumentParser

@main
struct PGFunnel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgfunnel",
        abstract: "Single-archive dump, restore and gpbackup import for PostgreSQL and Greenplum.",
        subcommands: []
    )
}
