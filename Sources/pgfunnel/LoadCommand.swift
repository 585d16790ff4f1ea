import ArgumentParser
import Archive
import DDL
import Foundation
import Postgres

/// `pgfunnel load`: a file (or standard input) streamed into `COPY table FROM STDIN`.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a file into a table with COPY ... FROM STDIN.",
        discussion: """
        gzip and zstd files are decompressed on the fly (recognised by their first bytes, whatever \
        their name). COPY is atomic: if any row is rejected, none is loaded.

        Examples:
          pgfunnel load -t sales.orders --format csv --header -f orders.csv mydb
          zstd -dc today.zst | pgfunnel load -t orders -d mydb
        """)

    @Argument(help: "Database to connect to (or use -d).")
    var database: String?

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("t"), .customLong("table")], help: "Table to load into: NAME or SCHEMA.NAME.")
    var table: String

    @Option(name: .customLong("columns"), help: "Comma-separated columns the file holds, in order.")
    var columns: String?

    @OptionGroup var format: CopyFormatArguments

    @Option(name: [.customShort("f"), .customLong("file")], help: "Input file (standard input when omitted or -).")
    var file: String?

    func run() throws {
        do {
            let (schema, name) = try parseTableName(table)
            let cols = try columns.map { try parseIdentifierList($0, separator: ",") } ?? []
            let sql = renderCopyFromStatement(schema: schema, name: name, columns: cols, options: try format.options(direction: .from))
            let input = try InputFile(path: file)
            defer { input.close() }

            var params = connection.parameters()
            if params.database == nil { params.database = database }
            let conn = try Connection(parameters: params, passwordProvider: connection.passwordProvider)
            defer { conn.close() }

            let stream = try conn.copyIn(sql)
            do {
                try input.stream { try stream.write($0) }
            } catch let e as PostgresError {
                throw e
            } catch {
                // A read or decompression failure: make the server discard what it got.
                try? stream.abort(message: "pgfunnel: input failed")
                throw error
            }
            try stream.finish()
        } catch {
            throw commandFailure(error)
        }
    }
}

/// A file or standard input, read in large pieces and decompressed when it starts with the gzip
/// or zstd magic bytes.
final class InputFile {
    let displayName: String
    private var fd: Int32
    private let owns: Bool
    private static let bufferSize = 256 * 1024

    init(path: String?) throws {
        if let path, path != "-" {
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else {
                throw CommandFailure("\(path): could not open input file: \(String(cString: strerror(errno)))")
            }
            fd = opened
            owns = true
            displayName = path
        } else {
            fd = STDIN_FILENO
            owns = false
            displayName = "standard input"
        }
    }

    func close() {
        if owns, fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    private func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw CommandFailure("\(displayName): read failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Hands every (decompressed) byte to `sink`, in pieces.
    func stream(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        // Read at least 4 bytes (or to the end) to look at the magic.
        var filled = 0
        while filled < 4 {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        var codec: StreamDecompressor = PassThroughCodec()
        var codecName = "none"
        if filled >= 2, buffer[0] == 0x1F, buffer[1] == 0x8B {
            codec = try GzipFileDecompressor()
            codecName = "gzip"
        } else if filled >= 4, buffer[0] == 0x28, buffer[1] == 0xB5, buffer[2] == 0x2F, buffer[3] == 0xFD {
            codec = try ZstdDecompressor()
            codecName = "zstd"
        }
        var offset: Int64 = 0
        func feed(_ count: Int) throws {
            do {
                try codec.decompress(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), output: sink)
            } catch let e as CodecError {
                throw CommandFailure("\(displayName): corrupt \(codecName) data near compressed byte \(offset): \(e.message)")
            }
            offset += Int64(count)
        }
        if filled > 0 { try feed(filled) }
        while true {
            let n = try read(into: buffer)
            if n == 0 { break }
            try feed(n)
        }
        do {
            try codec.finish(output: sink)
        } catch let e as CodecError {
            throw CommandFailure("\(displayName): truncated \(codecName) data: \(e.message)")
        }
    }
}
