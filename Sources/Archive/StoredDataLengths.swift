/// How many archive bytes each entry's data occupies: the distance from its data offset to the
/// next data block (or to the end of the file), as pg_restore's _PrepParallelRestore measures
/// it. The parallel scheduler orders by it and the progress line's ETA counts it down.
public enum StoredDataLengths {
    /// Dump id -> stored bytes, for entries whose data offset is known. The last block runs to
    /// `fileSize`; without a file size it counts as 0.
    public static func of(_ entries: [TocEntry], fileSize: Int64?) -> [Int: Int64] {
        let withData = entries.filter { $0.hasData && $0.dataState == .set }.sorted { $0.dataOffset < $1.dataOffset }
        var lengths: [Int: Int64] = [:]
        for (i, e) in withData.enumerated() {
            let end = i + 1 < withData.count ? withData[i + 1].dataOffset : (fileSize ?? e.dataOffset)
            lengths[e.dumpId] = max(0, end - e.dataOffset)
        }
        return lengths
    }

    /// The total the ETA of restoring `wanted` counts down, or nil when some of their data has
    /// no known offset (an archive written to a pipe) or the file size is unknown.
    public static func total(of wanted: [TocEntry], in all: [TocEntry], fileSize: Int64?) -> Int64? {
        guard fileSize != nil else { return nil }
        let lengths = of(all, fileSize: fileSize)
        var sum: Int64 = 0
        for e in wanted where e.hasData {
            guard let n = lengths[e.dumpId] else { return nil }
            sum += n
        }
        return sum
    }
}
