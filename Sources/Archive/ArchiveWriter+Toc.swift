extension ArchiveWriter {
    /// Writes the TOC after the header, or (`patching`) writes it again over the first version
    /// once the data offsets are known: same length, since offsets have a fixed width. Encoded a
    /// few entries at a time into one reused buffer, so that a TOC of tens of thousands of
    /// entries is never held as one byte array (twice, while that array grows).
    static func writeToc(_ entries: [TocEntry], header: ArchiveHeader, to output: OutputFile, at tocOffset: Int64, patching: Bool) throws {
        var enc = ArchiveEncoder(intSize: header.intSize, offSize: header.offSize)
        enc.bytes.reserveCapacity(Self.tocPieceSize + 4096)
        var position = tocOffset
        func writePiece() throws {
            if patching {
                try output.patch(at: position, enc.bytes)
            } else {
                try output.write(enc.bytes)
            }
            position += Int64(enc.bytes.count)
            enc.bytes.removeAll(keepingCapacity: true)
        }
        enc.int(entries.count)
        let version = header.version
        // Through the array's buffer: entries are encoded in place, not copied out one by one.
        try entries.withUnsafeBufferPointer { buffer in
            for i in buffer.indices {
                enc.entry(buffer[i], version: version)
                if enc.bytes.count >= Self.tocPieceSize { try writePiece() }
            }
        }
        try writePiece()
    }

    static var tocPieceSize: Int { 64 * 1024 }
}
