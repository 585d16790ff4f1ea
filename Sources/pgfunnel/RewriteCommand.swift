import ArgumentParser
import Archive

/// `pgfunnel rewrite`: copy an archive, optionally into another format version or compression.
struct RewriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite",
        abstract: "Copy an archive into a new file, optionally changing its version or compression.",
        discussion: """
        Example: make a zstd archive from pg_dump 17 readable by pg_restore 15:
          pgfunnel rewrite --archive-version 1.14 -Z gzip in.dump out.dump
        """)

    @Argument(help: "Source archive (standard input when -).")
    var source: String

    @Argument(help: "Destination archive (standard output when -).")
    var destination: String

    @Option(name: .customLong("archive-version"), help: "Format version to write: 1.14, 1.15 or 1.16 (default: the source's).")
    var archiveVersion: String?

    @Option(name: [.customShort("Z"), .customLong("compress")], help: "none, gzip[:LEVEL], lz4[:LEVEL], zstd[:LEVEL], or a gzip level 0-9.")
    var compress: String?

    @Flag(name: .customLong("manifest"), help: "Also write DESTINATION.manifest.json for `pgfunnel verify`.")
    var manifest = false

    func run() throws {
        do {
            var settings = ArchiveRewriter.Settings(writeManifest: manifest)
            if let v = archiveVersion {
                switch v {
                case "1.14": settings.version = .v1_14
                case "1.15": settings.version = .v1_15
                case "1.16": settings.version = .v1_16
                default: throw CommandFailure("unsupported archive version \"\(v)\" (use 1.14, 1.15 or 1.16)")
                }
            }
            if let spec = compress {
                let (alg, level) = try parseCompression(spec)
                settings.compression = alg
                settings.level = level
            }
            let reader = try ArchiveReader(path: source)
            let output = try OutputFile(path: destination)
            try ArchiveRewriter.rewrite(reader, to: output, settings: settings)
        } catch let e as ArchiveError {
            throw CommandFailure(e.description)
        }
    }
}

/// Parses pg_dump's -Z syntax: a level (gzip), or METHOD[:LEVEL].
func parseCompression(_ spec: String) throws -> (CompressionAlgorithm, Int?) {
    if let n = Int(spec) {
        guard (0...9).contains(n) else { throw CommandFailure("compression level must be in range 0..9") }
        return n == 0 ? (.none, nil) : (.gzip, n)
    }
    let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
    let name = parts[0]
    var level: Int?
    if parts.count == 2 {
        let value = parts[1].hasPrefix("level=") ? String(parts[1].dropFirst(6)) : parts[1]
        guard let n = Int(value) else { throw CommandFailure("invalid compression specification \"\(spec)\"") }
        level = n
    }
    switch name {
    case "none": return (.none, nil)
    case "gzip": return (.gzip, level)
    case "lz4": return (.lz4, level)
    case "zstd": return (.zstd, level)
    default: throw CommandFailure("invalid compression method \"\(name)\"")
    }
}
