/// A pushed version the server could not take yet: it carries changes of other sites the server
/// does not hold (after the server was restored from a backup, every laptop of a village holds
/// the others' changes merged into its own). Kept by the server until the devices that own
/// those sites have shown them.
public struct HeldVersion: Sendable, Equatable {
    /// The site that pushed it (one held version per record and site).
    public let pusher: SiteID
    /// The sites the pushing device speaks for (`PushAuthority.ownSites`).
    public let sites: Set<SiteID>
    public let version: RecordVersion

    public init(pusher: SiteID, sites: Set<SiteID>, version: RecordVersion) {
        self.pusher = pusher
        self.sites = sites
        self.version = version
    }
}

/// Which held versions of one record vouch for each other: every change in them beyond what the
/// server holds is shown by a device that owns the change's site. Pure: the stores keep the
/// held versions, this decides.
///
/// A device still cannot write in another's name: a change of a site is taken only as high as
/// that site's own device has shown it, and a change whose content differs from what its own
/// device showed is a forgery, refused. Versions that vouch for each other are taken together,
/// as their merge, so an entry a site's device has since overwritten is dropped by that
/// device's own version.
public enum Vouching {
    public struct Resolution: Sendable, Equatable {
        /// The merge of the stored version and every vouched held version (nil: none is).
        public var merged: RecordVersion?
        /// The pushers whose held versions went into `merged`.
        public var vouched: Set<SiteID>
        /// Held versions that contradict what a site's own device showed: pusher and why.
        public var forged: [SiteID: String]
    }

    public static func resolve(stored: RecordVersion?, held: [HeldVersion]) -> Resolution {
        let storedClock = stored?.clock ?? VersionVector()
        var forged: [SiteID: String] = [:]
        // A version that contradicts its own site's history as another device or the store
        // holds it: the one that is not the site's owner forged it.
        for candidate in held {
            if let stored, let fork = RecordVersion.divergences(stored, candidate.version).first, !candidate.sites.contains(fork.site) {
                forged[candidate.pusher] = "站点 \(fork.site) 的修改 \(fork.detail)"
            }
            for other in held where other.pusher != candidate.pusher {
                for fork in RecordVersion.divergences(candidate.version, other.version)
                where !candidate.sites.contains(fork.site) && other.sites.contains(fork.site) {
                    forged[candidate.pusher] = "站点 \(fork.site) 的修改与那台设备自己提交的不同 (\(fork.detail))"
                }
            }
        }
        var members = held.filter { forged[$0.pusher] == nil }
        // Drop, until none is left to drop, any version with a change of a site beyond what a
        // device owning that site (still a member) has shown.
        while true {
            var shown: [SiteID: UInt64] = [:]
            for member in members {
                for site in member.sites { shown[site] = max(shown[site] ?? 0, member.version.clock[site]) }
            }
            let kept = members.filter { member in
                member.version.clock.counters.allSatisfy { site, counter in
                    member.sites.contains(site) || counter <= storedClock[site] || counter <= shown[site] ?? 0
                }
            }
            if kept.count == members.count { break }
            members = kept
        }
        guard !members.isEmpty else { return Resolution(merged: nil, vouched: [], forged: forged) }
        var merged = stored
        var vouched: Set<SiteID> = []
        for member in members {
            guard let base = merged else {
                merged = member.version
                vouched.insert(member.pusher)
                continue
            }
            // Histories checked pairwise above; a fork left here is the pusher's own site forked
            // against the store (a copy of a replica): that version waits, as any refusal.
            guard let next = try? RecordVersion.merge(base, member.version) else { continue }
            merged = next
            vouched.insert(member.pusher)
        }
        guard !vouched.isEmpty else { return Resolution(merged: nil, vouched: [], forged: forged) }
        return Resolution(merged: merged, vouched: vouched, forged: forged)
    }
}
