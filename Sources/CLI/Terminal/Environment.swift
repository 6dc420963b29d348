#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One environment variable, read with `getenv`: `ProcessInfo.environment` copies the whole
/// environment into a dictionary on every call, and the clock reads `GONGKAI_NOW` per change.
enum Environment {
    /// The variable's value; nil when unset or empty.
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let text = String(cString: raw)
        return text.isEmpty ? nil : text
    }
}
