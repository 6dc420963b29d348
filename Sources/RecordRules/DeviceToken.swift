import Codecs
import Crypto

/// A token as `admin list-tokens` shows it, from either server store.
public struct DeviceToken: Sendable, Equatable {
    /// How many hex digits of the token's hash name it.
    public static let idLength = 12

    public let id: String
    public let unit: String
    /// The names of the devices whose sites it owns (none until it first syncs).
    public let devices: [String]
    public let issuedAt: Int64
    public let revokedAt: Int64?
    /// When a device of it last finished a sync.
    public let lastSync: Int64?
    /// Whether the server holds its bundle key (`BundleKey`): false for a token issued before
    /// bundle files were signed with one, whose files are checked on its hash, which every copy
    /// of the server's database holds (issue the laptop a new token to close that).
    public let signsBundlesWithKey: Bool

    public init(id: String, unit: String, devices: [String], issuedAt: Int64, revokedAt: Int64?, lastSync: Int64?, signsBundlesWithKey: Bool) {
        (self.id, self.unit, self.devices, self.issuedAt, self.revokedAt, self.lastSync) = (id, unit, devices, issuedAt, revokedAt, lastSync)
        self.signsBundlesWithKey = signsBundlesWithKey
    }

    /// What either store says of a token it does not have, or of an id that names several.
    public static let unknownMessage = "没有这个令牌; 请检查是否完整复制 (令牌只在发放时显示一次)"
    public static func ambiguousMessage(id: String) -> String { "令牌编号 \(id) 对应多个令牌; 请用 gongkai admin list-tokens 查看完整编号" }

    /// What a server keeps of a token, and the device's identity: its SHA-256 in hex.
    public static func hash(of token: String) -> String {
        Hex.string(Array(SHA256.hash(data: Array(token.utf8))))
    }

    /// Whether `text` is a token's hash as `hash(of:)` writes it.
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The name a token goes by in a bundle file: a digest of its hash, so that the hash never
    /// travels.
    public static func bundleName(ofHash hash: String) -> String {
        Hex.string(Array(SHA256.hash(data: Array("gongkai-bundle-device:\(hash)".utf8)).prefix(12)))
    }
}
