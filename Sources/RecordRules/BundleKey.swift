import Codecs
import Crypto
import SyncCore

/// A server's own secret, kept apart from its database (a file only the server's account reads):
/// with it the server seals each device's bundle key, so that a copy of the database alone (a
/// backup, a file carried away) cannot sign a bundle in any device's name.
public struct ServerSecret: Sendable, Equatable {
    public static let byteCount = 32
    private let bytes: [UInt8]

    /// From the bytes of its file; nil when they are not a secret of the right length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == ServerSecret.byteCount else { return nil }
        self.bytes = bytes
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// A new secret, from the system's random source.
    public static func generate() -> (secret: ServerSecret, bytes: [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return (ServerSecret(bytes: bytes)!, bytes)
    }
}

/// The key a device signs its bundle files with (format 2), and how a server keeps it.
///
/// The key is derived from the token, which only the device holds (a server keeps the token's
/// SHA-256, never the token): so the token's hash, which is in every copy of the server's
/// database, no longer signs anything. The server computes the key when it issues the token and
/// keeps it sealed with its `ServerSecret` (ChaCha20-Poly1305, bound to the token's hash).
public enum BundleKey {
    /// The device's key: HMAC-SHA256 of a fixed label under the token, in hex.
    public static func derive(token: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("gongkai-bundle-key 2".utf8), using: SymmetricKey(data: Array(token.utf8)))
        return Hex.string(Array(code))
    }

    /// `key` sealed for the database, with the token's hash as associated data (a sealed key
    /// moved to another token's row does not open).
    public static func seal(_ key: String, tokenHash: String, secret: ServerSecret) -> String {
        let box = try! ChaChaPoly.seal(Array(key.utf8), using: secret.key, authenticating: Array(tokenHash.utf8))
        return Hex.string(Array(box.combined))
    }

    /// The key a sealed value holds; nil when the secret is not the one it was sealed with, or the
    /// value is not a sealed key of this token.
    public static func open(_ sealed: String, tokenHash: String, secret: ServerSecret) -> String? {
        guard let bytes = Hex.bytes(sealed), let box = try? ChaChaPoly.SealedBox(combined: bytes),
              let opened = try? ChaChaPoly.open(box, using: secret.key, authenticating: Array(tokenHash.utf8)) else { return nil }
        return String(decoding: opened, as: UTF8.self)
    }
}

/// What a server holds of the token a bundle file names: its hash, its key as sealed (nil for a
/// token issued before format 2 and never given a key since), and what it allows.
public struct BundleToken: Sendable {
    public let hash: String
    public let sealedKey: String?
    public let access: TokenCheck

    public init(hash: String, sealedKey: String?, access: TokenCheck) {
        (self.hash, self.sealedKey, self.access) = (hash, sealedKey, access)
    }

    /// Its keys, the sealed one opened with the server's `secret`; nil when the secret does not
    /// open it (another server's, or none where a key is sealed).
    public func keys(secret: ServerSecret?) -> BundleKeys? {
        guard let sealedKey else { return BundleKeys(key: nil, hash: hash, access: access) }
        guard let secret, let key = BundleKey.open(sealedKey, tokenHash: hash, secret: secret) else { return nil }
        return BundleKeys(key: key, hash: hash, access: access)
    }
}
