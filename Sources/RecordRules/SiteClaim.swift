import SyncCore

/// Whether a peer may speak as the site it names, decided from what the server holds of that
/// site: the rules every serving store applies (the SQLite store's `SiteBinding`, the
/// PostgreSQL store's `PostgresSites`). The first device to name a site owns it; a site whose
/// owner's token was revoked, or one known before sites were bound (no owner), may be taken by
/// a token of the same unit; a declared counter below the highest change of the site held is a
/// copy of a replica that went on.
public enum SiteClaim {
    /// What the server holds of a site.
    public struct Held: Sendable {
        public let deviceName: String
        public let unit: String
        public let counter: Int64
        public let owner: String?
        public let ownerRevoked: Bool

        public init(deviceName: String, unit: String, counter: Int64, owner: String?, ownerRevoked: Bool) {
            (self.deviceName, self.unit, self.counter, self.owner, self.ownerRevoked) = (deviceName, unit, counter, owner, ownerRevoked)
        }
    }

    /// Refuses the claim, or says whether the site's row must be written (new, newly bound, or
    /// renamed). `isServerSite`: the sender names the server's own site.
    public static func check(_ sender: SiteInfo, as peer: SyncPeer, counter: UInt64?, held: Held?, isServerSite: Bool) throws(SyncRefused) -> Bool {
        if peer.device != nil && isServerSite { throw SyncRefused.siteTaken(site: sender.site) }
        guard let held else { return true }
        if let device = peer.device, held.owner != device {
            guard held.unit == sender.unit, held.owner == nil || held.ownerRevoked else { throw SyncRefused.siteTaken(site: sender.site) }
        }
        if let counter, held.counter > 0, UInt64(held.counter) > counter {
            throw SyncRefused.counterWentBack(site: sender.site, known: UInt64(held.counter), declared: counter)
        }
        return held.deviceName != sender.deviceName || held.unit != sender.unit || (peer.device != nil && held.owner != peer.device)
    }
}
