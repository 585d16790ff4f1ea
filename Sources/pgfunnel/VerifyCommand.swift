import ArgumentParser
import Archive
import Foundation

/// `pgfunnel verify`: read every byte of an archive and say whether it is sound.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an archive: header, TOC, offsets, every data stream, and its manifest if present.",
        discussion: """
        Exit status 0 when the archive is sound, 1 with the first problem named (entry, offset).
        Examples:
          pgfunnel verify db.dump
          pgfunnel verify --json db.dump | jq '.dataEntries[] | {tag, rows}'
        """)

    @Argument(help: "Archive file.")
    var archive: String

    @Option(name: .customLong("manifest"), help: "Manifest to check against (default: ARCHIVE.manifest.json when present).")
    var manifest: String?

    @Flag(name: .customLong("json"), help: "Print the report as JSON.")
    var json = false

    func run() throws {
        do {
            let report = try ArchiveVerifier.verify(path: archive, manifestPath: manifest)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            print("\(archive): archive version \(report.version), \(report.compression), \(report.entries) TOC entries")
            for e in report.dataEntries {
                let name = [e.namespace, e.tag].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ".")
                var line = "  \(e.dumpId) \(e.desc) \(name): \(e.uncompressedBytes) bytes"
                if let rows = e.rows { line += ", \(rows) rows" }
                if let n = e.largeObjects { line += ", \(n) large objects" }
                print(line)
            }
            if !report.danglingDependencies.isEmpty {
                print("  dependencies on objects not in the archive (normal for partial dumps): \(report.danglingDependencies.map(String.init).joined(separator: " "))")
            }
            print("\(archive): OK, \(report.dataEntries.count) data entries, \(report.totalUncompressedBytes) bytes of data"
                  + (report.manifestChecked ? ", manifest matches" : ""))
        } catch let e as ArchiveError {
            throw CommandFailure(e.description)
        }
    }
}
