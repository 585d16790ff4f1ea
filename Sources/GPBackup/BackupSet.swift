import Foundation

/// Where one backup (one timestamp) keeps its table data.
public enum DataLayout: Equatable {
    /// One file per table per segment, keyed by content id and table oid.
    case filePerTable(files: [TableFileKey: DataFile])
    /// One stream per segment plus a segment TOC of byte ranges in the uncompressed stream.
    case singleDataFile(files: [Int: DataFile], tocs: [Int: SegmentTOC], tocPaths: [Int: URL])
    /// Metadata-only backup or no table data needed from it.
    case noData
}

public struct TableFileKey: Hashable {
    public var content: Int
    public var oid: UInt32
    public init(content: Int, oid: UInt32) { self.content = content; self.oid = oid }
}

public struct DataFile: Equatable {
    public var url: URL
    public var compression: DataCompression
    public init(url: URL, compression: DataCompression) { self.url = url; self.compression = compression }
}

/// One backup of the restore chain with its coordinator files.
public struct ChainBackup {
    public var timestamp: String
    public var config: BackupConfig
    public var toc: BackupTOC
    public var configPath: URL
    public var tocPath: URL
    public var layout: DataLayout
}

/// One restore-plan step: the data entries whose data comes from `timestamp`'s files.
public struct RestoreStep {
    public var timestamp: String
    public var dataEntries: [CoordinatorDataEntry]
}

/// A discovered and validated gpbackup set. Discovery checks completeness BEFORE anything is
/// written, so an import never stops half-way because a segment file is missing.
public struct BackupSet {
    public var backupDirectory: URL
    /// The backup being imported (the newest of an incremental chain).
    public var timestamp: String
    /// True when no timestamp was given and the newest one found was taken.
    public var timestampWasChosenAutomatically: Bool
    /// Every backup timestamp that has a config file below the backup dir, sorted.
    public var availableTimestamps: [String]
    public var coordinatorDirectory: URL
    public var config: BackupConfig
    public var toc: BackupTOC
    public var metadataPath: URL
    public var statisticsPath: URL?
    /// Primary segments of the source cluster: config `segmentcount`, else max content id + 1.
    public var segmentCount: Int
    public var segmentCountWasInferred: Bool
    /// Backups of the restore chain by timestamp (the imported one included).
    public var chain: [String: ChainBackup]
    public var restorePlan: [RestoreStep]
    /// Human-readable facts worth telling the user (timestamp choice, inferred segment count...).
    public var notes: [String]

    /// Finds the backup below `backupDir` (the directory holding `<prefix>-1/`, `<prefix>0/`...,
    /// a `--single-backup-dir` directory, a flat copy of all files, or any of those wrapped in
    /// one or two more directory levels) and verifies that every file it needs is there.
    public static func discover(backupDir: URL, timestamp requested: String? = nil) throws -> BackupSet {
        let inventory = try FileInventory.scan(backupDir)
        let available = inventory.timestamps(of: { if case .config = $0 { return true } else { return false } })
        let chosen: String
        var notes: [String] = []
        if let requested {
            guard BackupFileKind.isTimestamp(requested), available.contains(requested) else {
                throw GPBackupError.noBackupFound(backupDir: backupDir.path, timestamp: requested, found: available)
            }
            chosen = requested
        } else {
            guard let newest = available.last else {
                throw GPBackupError.noBackupFound(backupDir: backupDir.path, timestamp: nil, found: [])
            }
            chosen = newest
            if available.count > 1 {
                notes.append("no timestamp given: using the newest backup \(newest) of \(available.joined(separator: ", "))")
            } else {
                notes.append("no timestamp given: using the only backup \(newest)")
            }
        }

        let top = try loadCoordinator(chosen, inventory: inventory)
        let config = top.config
        if let plugin = config.plugin, !plugin.isEmpty {
            throw GPBackupError.unsupportedBackup(path: top.configPath.path,
                reason: "the data was written to storage plugin '\(plugin)'; retrieve the files from the plugin first")
        }
        if let status = config.status, status.lowercased() == "failure" {
            throw GPBackupError.unsupportedBackup(path: top.configPath.path, reason: "the backup's status is Failure; it is incomplete")
        }
        let metadataPath = try inventory.single(.metadata(timestamp: chosen),
                                                expectedName: "gpbackup_\(chosen)_metadata.sql", near: top.configPath)
        var statisticsPath: URL?
        if config.withstatistics == true {
            statisticsPath = try inventory.single(.statistics(timestamp: chosen),
                                                  expectedName: "gpbackup_\(chosen)_statistics.sql", near: top.configPath)
        }

        // The restore plan names, per table, the backup of the chain that holds its newest data.
        // Backups older than incremental support have none: then the backup's own data entries.
        var plan: [(timestamp: String, fqns: [String]?)] = []
        if config.metadataonly == true {
            plan = []
        } else if let steps = config.restoreplan, !steps.isEmpty {
            plan = steps.map { ($0.timestamp, $0.tablefqns ?? []) }
        } else {
            plan = [(chosen, nil)]
            notes.append("config has no restore plan: using every data entry of \(chosen)")
        }

        var chainCoordinators: [String: (config: BackupConfig, toc: BackupTOC, configPath: URL, tocPath: URL)] = [chosen: top]
        var restorePlan: [RestoreStep] = []
        for step in plan {
            guard BackupFileKind.isTimestamp(step.timestamp) else {
                throw GPBackupError.unsupportedBackup(path: top.configPath.path, reason: "restore plan timestamp '\(step.timestamp)' is not a timestamp")
            }
            if chainCoordinators[step.timestamp] == nil {
                guard available.contains(step.timestamp) else {
                    throw GPBackupError.missingFile(path: backupDir.appendingPathComponent("gpbackup_\(step.timestamp)_config.yaml").path,
                        reason: "backup \(step.timestamp) of the incremental chain named by \(top.configPath.lastPathComponent) is not below the backup dir")
                }
                chainCoordinators[step.timestamp] = try loadCoordinator(step.timestamp, inventory: inventory)
            }
            guard let member = chainCoordinators[step.timestamp] else { continue }
            let entries: [CoordinatorDataEntry]
            if let fqns = step.fqns {
                let byFQN = Dictionary(member.toc.dataentries.map { ($0.fqn, $0) }, uniquingKeysWith: { a, _ in a })
                entries = try fqns.map { fqn in
                    guard let entry = byFQN[fqn] else {
                        throw GPBackupError.unsupportedBackup(path: member.tocPath.path,
                            reason: "the restore plan takes table \(fqn) from backup \(step.timestamp), whose toc has no data entry for it")
                    }
                    return entry
                }
            } else {
                entries = member.toc.dataentries
            }
            restorePlan.append(RestoreStep(timestamp: step.timestamp, dataEntries: entries))
        }

        // Segment count: the config's, else inferred from the content ids in data file names.
        let chainTimestamps = Set(chainCoordinators.keys)
        let maxContent = inventory.maxContent(in: chainTimestamps)
        let segmentCount: Int
        let inferred: Bool
        if let count = config.segmentcount, count > 0 {
            segmentCount = count
            inferred = false
        } else {
            segmentCount = (maxContent ?? -1) + 1
            inferred = true
            notes.append("config.yaml has no segmentcount: inferred \(segmentCount) from the data file names")
        }

        var chain: [String: ChainBackup] = [:]
        for (ts, member) in chainCoordinators {
            let needed = restorePlan.filter { $0.timestamp == ts }.flatMap(\.dataEntries)
            let layout = try validateData(timestamp: ts, config: member.config, toc: member.toc, tocPath: member.tocPath,
                                          needed: needed, segmentCount: segmentCount, inventory: inventory)
            chain[ts] = ChainBackup(timestamp: ts, config: member.config, toc: member.toc,
                                    configPath: member.configPath, tocPath: member.tocPath, layout: layout)
        }

        return BackupSet(backupDirectory: backupDir, timestamp: chosen, timestampWasChosenAutomatically: requested == nil,
                         availableTimestamps: available, coordinatorDirectory: top.configPath.deletingLastPathComponent(),
                         config: config, toc: top.toc, metadataPath: metadataPath, statisticsPath: statisticsPath,
                         segmentCount: segmentCount, segmentCountWasInferred: inferred, chain: chain,
                         restorePlan: restorePlan, notes: notes)
    }

    private static func loadCoordinator(_ ts: String, inventory: FileInventory) throws
        -> (config: BackupConfig, toc: BackupTOC, configPath: URL, tocPath: URL) {
        let configPath = try inventory.single(.config(timestamp: ts), expectedName: "gpbackup_\(ts)_config.yaml", near: inventory.root)
        let tocPath = try inventory.single(.coordinatorTOC(timestamp: ts), expectedName: "gpbackup_\(ts)_toc.yaml", near: configPath)
        let config = try YAMLFile.load(BackupConfig.self, from: configPath)
        if let configTS = config.timestamp, configTS != ts {
            throw GPBackupError.unsupportedBackup(path: configPath.path, reason: "its timestamp is \(configTS), the file name says \(ts)")
        }
        let toc = try YAMLFile.load(BackupTOC.self, from: tocPath)
        return (config, toc, configPath, tocPath)
    }

    /// Checks that backup `ts` has exactly the data files it should: one per segment per needed
    /// table (or one stream + one segment TOC per segment), none for unknown tables or contents.
    private static func validateData(timestamp ts: String, config: BackupConfig, toc: BackupTOC, tocPath: URL,
                                     needed: [CoordinatorDataEntry], segmentCount: Int,
                                     inventory: FileInventory) throws -> DataLayout {
        let knownOids = Set(toc.dataentries.map(\.oid))
        let segmentDirHint = tocPath.deletingLastPathComponent()
        if config.singledatafile == true {
            var files: [Int: DataFile] = [:]
            var tocPaths: [Int: URL] = [:]
            for file in inventory.files where file.kind.timestamp == ts {
                switch file.kind {
                case let .singleDataFile(content, _, compression):
                    guard content < segmentCount else {
                        throw GPBackupError.unexpectedFile(path: file.url.path, reason: "content \(content) is beyond the backup's \(segmentCount) segments")
                    }
                    if let other = files[content] {
                        throw GPBackupError.duplicateFile(name: "data stream of content \(content)", paths: [other.url.path, file.url.path])
                    }
                    files[content] = DataFile(url: file.url, compression: compression)
                case let .segmentTOC(content, _):
                    guard content < segmentCount else {
                        throw GPBackupError.unexpectedFile(path: file.url.path, reason: "content \(content) is beyond the backup's \(segmentCount) segments")
                    }
                    tocPaths[content] = file.url
                case .tableData:
                    throw GPBackupError.unexpectedFile(path: file.url.path, reason: "a file-per-table data file in a single-data-file backup")
                default:
                    break
                }
            }
            if needed.isEmpty && files.isEmpty { return .noData }
            var tocs: [Int: SegmentTOC] = [:]
            for content in 0..<segmentCount {
                guard files[content] != nil else {
                    throw GPBackupError.missingFile(path: segmentDirHint.appendingPathComponent("gpbackup_\(content)_\(ts)\(config.compression.fileExtension)").path,
                                                    reason: "the data stream of segment \(content)")
                }
                guard let segTocPath = tocPaths[content] else {
                    throw GPBackupError.missingFile(path: segmentDirHint.appendingPathComponent("gpbackup_\(content)_\(ts)_toc.yaml").path,
                                                    reason: "the segment toc of segment \(content)")
                }
                let segToc = try YAMLFile.load(SegmentTOC.self, from: segTocPath)
                for entry in needed where segToc.dataentries[entry.oid] == nil {
                    throw GPBackupError.missingFile(path: segTocPath.path, reason: "no byte range for table \(entry.fqn) (oid \(entry.oid))")
                }
                for (oid, range) in segToc.dataentries {
                    guard knownOids.contains(oid) else {
                        throw GPBackupError.unexpectedFile(path: segTocPath.path, reason: "range for table oid \(oid), which the coordinator toc does not list")
                    }
                    guard range.startbyte >= 0, range.endbyte >= range.startbyte else {
                        throw GPBackupError.malformedYAML(path: segTocPath.path, line: nil,
                                                          detail: "table oid \(oid): invalid range \(range.startbyte)..<\(range.endbyte)")
                    }
                }
                tocs[content] = segToc
            }
            return .singleDataFile(files: files, tocs: tocs, tocPaths: tocPaths)
        }

        var files: [TableFileKey: DataFile] = [:]
        for file in inventory.files where file.kind.timestamp == ts {
            switch file.kind {
            case let .tableData(content, _, oid, compression):
                guard content < segmentCount else {
                    throw GPBackupError.unexpectedFile(path: file.url.path, reason: "content \(content) is beyond the backup's \(segmentCount) segments")
                }
                guard knownOids.contains(oid) else {
                    throw GPBackupError.unexpectedFile(path: file.url.path, reason: "table oid \(oid) has no data entry in \(tocPath.lastPathComponent)")
                }
                let key = TableFileKey(content: content, oid: oid)
                if let other = files[key] {
                    throw GPBackupError.duplicateFile(name: "data of table oid \(oid) on content \(content)", paths: [other.url.path, file.url.path])
                }
                files[key] = DataFile(url: file.url, compression: compression)
            case .singleDataFile, .segmentTOC:
                throw GPBackupError.unexpectedFile(path: file.url.path, reason: "a single-data-file file in a file-per-table backup")
            default:
                break
            }
        }
        for entry in needed {
            for content in 0..<segmentCount where files[TableFileKey(content: content, oid: entry.oid)] == nil {
                throw GPBackupError.missingFile(
                    path: segmentDirHint.appendingPathComponent("gpbackup_\(content)_\(ts)_\(entry.oid)\(config.compression.fileExtension)").path,
                    reason: "data of table \(entry.fqn) from segment \(content)")
            }
        }
        return files.isEmpty ? .noData : .filePerTable(files: files)
    }
}

/// Every gpbackup file below a directory, classified by name. The walk goes deep enough for the
/// gpbackup layout (`<prefix><c>/backups/<date>/<ts>/`) under two extra wrapper directories.
struct FileInventory {
    struct Entry { var url: URL; var kind: BackupFileKind }
    var root: URL
    var files: [Entry]

    static let maximumDepth = 8

    static func scan(_ root: URL) throws -> FileInventory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GPBackupError.unreadableDirectory(path: root.path, reason: "not a directory")
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey],
                                                          options: [.skipsHiddenFiles]) else {
            throw GPBackupError.unreadableDirectory(path: root.path, reason: "cannot enumerate")
        }
        var entries: [Entry] = []
        while let item = walker.nextObject() as? URL {
            let values = try? item.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
            if values?.isDirectory == true {
                if walker.level >= maximumDepth { walker.skipDescendants() }
                continue
            }
            guard values?.isRegularFile == true, let kind = BackupFileKind.classify(item.lastPathComponent) else { continue }
            entries.append(Entry(url: item.standardizedFileURL, kind: kind))
        }
        entries.sort { $0.url.path < $1.url.path }
        return FileInventory(root: root, files: entries)
    }

    func timestamps(of predicate: (BackupFileKind) -> Bool) -> [String] {
        Array(Set(files.filter { predicate($0.kind) }.map { $0.kind.timestamp })).sorted()
    }

    /// The one file of a kind; a duplicate is an error (which copy would be right?).
    func single(_ kind: BackupFileKind, expectedName: String, near: URL) throws -> URL {
        let matches = files.filter { $0.kind == kind }
        guard let first = matches.first else {
            let dir = near.hasDirectoryPath ? near : near.deletingLastPathComponent()
            throw GPBackupError.missingFile(path: dir.appendingPathComponent(expectedName).path, reason: "required coordinator file")
        }
        guard matches.count == 1 else {
            throw GPBackupError.duplicateFile(name: expectedName, paths: matches.map(\.url.path))
        }
        return first.url
    }

    func maxContent(in timestamps: Set<String>) -> Int? {
        files.compactMap { entry -> Int? in
            guard timestamps.contains(entry.kind.timestamp) else { return nil }
            switch entry.kind {
            case let .tableData(content, _, _, _), let .singleDataFile(content, _, _), let .segmentTOC(content, _):
                return content
            default:
                return nil
            }
        }.max()
    }
}
