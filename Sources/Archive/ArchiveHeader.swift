#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The broken-down creation time pg_dump stores (C `struct tm` fields, local time of the dumper).
public struct ArchiveCreationTime: Equatable, Sendable {
    public var second, minute, hour, dayOfMonth, month, year, isDST: Int

    public init(second: Int, minute: Int, hour: Int, dayOfMonth: Int, month: Int, year: Int, isDST: Int) {
        self.second = second
        self.minute = minute
        self.hour = hour
        self.dayOfMonth = dayOfMonth
        self.month = month
        self.year = year
        self.isDST = isDST
    }

    /// The current local time, as pg_dump records it.
    public static func now() -> ArchiveCreationTime {
        var t = time(nil)
        var tmv = tm()
        localtime_r(&t, &tmv)
        return ArchiveCreationTime(tm: tmv)
    }

    init(tm t: tm) {
        self.init(second: Int(t.tm_sec), minute: Int(t.tm_min), hour: Int(t.tm_hour), dayOfMonth: Int(t.tm_mday),
                  month: Int(t.tm_mon), year: Int(t.tm_year), isDST: Int(t.tm_isdst))
    }

    /// Seconds since the epoch, reconstructed the way pg_restore does (mktime, retrying with
    /// isdst = -1 when glibc rejects an inconsistent DST flag).
    public var epochSeconds: Int? {
        var t = tm()
        t.tm_sec = Int32(truncatingIfNeeded: second)
        t.tm_min = Int32(truncatingIfNeeded: minute)
        t.tm_hour = Int32(truncatingIfNeeded: hour)
        t.tm_mday = Int32(truncatingIfNeeded: dayOfMonth)
        t.tm_mon = Int32(truncatingIfNeeded: month)
        t.tm_year = Int32(truncatingIfNeeded: year)
        t.tm_isdst = Int32(truncatingIfNeeded: isDST)
        var result = mktime(&t)
        if result == -1 {
            t.tm_isdst = -1
            result = mktime(&t)
            if result == -1 { return nil }
        }
        return Int(result)
    }

    /// "2026-11-25 10:09:55 UTC": pg_dump's PGDUMP_STRFTIME_FMT in the local time zone.
    public var formatted: String {
        guard let seconds = epochSeconds else { return "[unknown]" }
        var t = time_t(seconds)
        var tmv = tm()
        localtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, buf.count, "%Y-%m-%d %H:%M:%S %Z", &tmv)
        if n == 0 { return "[unknown]" }
        return String(cString: buf)
    }
}

/// The archive header: format version, sizes, compression, creation time and provenance.
public struct ArchiveHeader: Equatable, Sendable {
    public var version: ArchiveVersion
    public var intSize: Int
    public var offSize: Int
    public var compression: ArchiveCompression
    public var created: ArchiveCreationTime
    public var databaseName: String?
    /// "Dumped from database version".
    public var serverVersion: String?
    /// "Dumped by pg_dump version".
    public var dumpVersion: String?

    public init(version: ArchiveVersion, intSize: Int = 4, offSize: Int = 8, compression: ArchiveCompression,
                created: ArchiveCreationTime, databaseName: String?, serverVersion: String?, dumpVersion: String?) {
        self.version = version
        self.intSize = intSize
        self.offSize = offSize
        self.compression = compression
        self.created = created
        self.databaseName = databaseName
        self.serverVersion = serverVersion
        self.dumpVersion = dumpVersion
    }

    /// Major version of the pg_dump that wrote the archive ("17.2" -> 17; "9.6.3" -> 9), if known.
    public var dumpMajorVersion: Int? {
        guard let v = dumpVersion else { return nil }
        let digits = v.prefix { $0.isNumber }
        return Int(digits)
    }

    static func read(from decoder: inout ArchiveDecoder) throws -> ArchiveHeader {
        let input = decoder.input
        let file = input.fileName
        let magic = try input.readBytes(5, "archive magic")
        guard magic == Array("PGDMP".utf8) else { throw ArchiveError.badMagic(file: file, found: magic) }
        let major = try input.readByte("archive version")
        let minor = try input.readByte("archive version")
        let rev = try input.readByte("archive version")
        let version = ArchiveVersion(major, minor, rev)
        guard version >= .oldestReadable, version.major == 1, version.minor <= ArchiveVersion.newestReadable.minor else {
            throw ArchiveError.unsupportedVersion(file: file, version: "\(major).\(minor)")
        }
        let intOffset = input.position
        let intSize = Int(try input.readByte("integer size"))
        guard (1...8).contains(intSize) else {
            throw ArchiveError.invalidField(file: file, offset: intOffset, field: "integer size", detail: "\(intSize) bytes is not supported")
        }
        let offOffset = input.position
        let offSize = Int(try input.readByte("offset size"))
        guard (1...16).contains(offSize) else {
            throw ArchiveError.invalidField(file: file, offset: offOffset, field: "offset size", detail: "\(offSize) bytes is not supported")
        }
        let fmtOffset = input.position
        let format = try input.readByte("format code")
        guard format == ArchiveFormatCode.custom.rawValue else {
            throw ArchiveError.invalidField(file: file, offset: fmtOffset, field: "format code",
                                            detail: "expected 1 (custom format), found \(format)")
        }
        decoder.intSize = intSize
        decoder.offSize = offSize

        let compression: ArchiveCompression
        let compOffset = input.position
        if version >= .v1_15 {
            let code = try input.readByte("compression algorithm")
            guard let alg = CompressionAlgorithm(rawValue: code) else {
                throw ArchiveError.invalidField(file: file, offset: compOffset, field: "compression algorithm", detail: "unknown code \(code)")
            }
            compression = ArchiveCompression(algorithm: alg)
        } else {
            let level = try decoder.readInt("compression level")
            guard (-1...9).contains(level) else {
                throw ArchiveError.invalidField(file: file, offset: compOffset, field: "compression level", detail: "\(level) is not a zlib level")
            }
            compression = ArchiveCompression(algorithm: level == 0 ? .none : .gzip, legacyLevel: level)
        }
        let created = ArchiveCreationTime(
            second: try decoder.readInt("creation time"), minute: try decoder.readInt("creation time"),
            hour: try decoder.readInt("creation time"), dayOfMonth: try decoder.readInt("creation time"),
            month: try decoder.readInt("creation time"), year: try decoder.readInt("creation time"),
            isDST: try decoder.readInt("creation time"))
        let dbname = try decoder.readString("database name")
        let server = try decoder.readString("server version")
        let dumper = try decoder.readString("pg_dump version")
        return ArchiveHeader(version: version, intSize: intSize, offSize: offSize, compression: compression,
                             created: created, databaseName: dbname, serverVersion: server, dumpVersion: dumper)
    }
}
