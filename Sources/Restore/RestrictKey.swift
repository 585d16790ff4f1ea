#if canImport(Glibc)
import Glibc
#endif

/// psql's \restrict key: a random alphanumeric string that fences the script against meta-commands
/// smuggled inside object names (CVE-2025-8714). pg_restore prints one per script.
public enum RestrictKey {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// 63 characters, like pg_restore's generate_restrict_key().
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(63)
        for _ in 0..<63 {
            let r = UInt8.random(in: 0...255, using: &rng)
            bytes.append(alphabet[Int(r) % alphabet.count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func isValid(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { alphabet.contains($0) }
    }
}
