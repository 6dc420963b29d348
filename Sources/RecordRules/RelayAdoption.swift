import Records
import SyncCore

/// What a relay (a township's server syncing up to its county, `admin issue-token --relay`) may
/// register on the server it pushes to, decided alike by every serving store: the units below its
/// own that the server lacks, and the sites of its subtree the server has not met. Nothing outside
/// the relay's scope: a township cannot add a unit under another township, nor claim a site the
/// server knows as another unit's.
public enum RelayAdoption {
    /// The offered units the server lacks whose parent is in `scope` (or among the offered ones
    /// taken before them), parents first, whatever order they came in; a unit with a malformed
    /// code or name is left out, and so is one whose code is not a division within its parent's
    /// (`DivisionCode`): a relay cannot take the code of another township's village, which that
    /// township's own relay would then be refused for ever. Such a unit waits for the server's
    /// own administrator to register it (`admin add-unit`).
    public static func units(_ offered: [UnitInfo], held: Set<String>, scope: SyncScope) -> [UnitInfo] {
        var known = held
        // Where a unit may be put: below a unit the relay may write (nil: anywhere it holds).
        var writable = scope.writable
        var adopted: [UnitInfo] = []
        var waiting = offered.filter { !held.contains($0.code) && GovernmentUnit(code: $0.code, name: $0.name, parent: $0.parent).problem == nil }
        while true {
            let ready = waiting.filter { unit in
                guard let parent = unit.parent, DivisionCode.contains(parent, unit.code) else { return false }
                return known.contains(parent) && (writable?.contains(parent) ?? true)
            }
            guard !ready.isEmpty else { return adopted }
            for unit in ready where !known.contains(unit.code) {
                adopted.append(unit)
                known.insert(unit.code)
                writable?.insert(unit.code)
            }
            waiting.removeAll { known.contains($0.code) }
        }
    }

    /// The offered sites the server has not met whose unit the relay may write (`scope` as it
    /// stands once the units are adopted). Never the server's own site.
    public static func sites(_ offered: [SiteInfo], known: Set<SiteID>, scope: SyncScope, serverSite: SiteID) -> [SiteInfo] {
        var seen: Set<SiteID> = []
        return offered.filter { site in
            site.site != serverSite && !known.contains(site.site) && scope.mayWrite(site.unit) && seen.insert(site.site).inserted
        }
    }

    /// The sites a relay may bring new changes of: those the server holds whose unit its scope
    /// may write, but never the server's own.
    public static func relayedSites(_ held: [(site: SiteID, unit: String)], scope: SyncScope, serverSite: SiteID) -> Set<SiteID> {
        Set(held.filter { $0.site != serverSite && scope.mayWrite($0.unit) }.map(\.site))
    }

    /// The relayed syncs a store takes: of sites whose unit (as the store knows it; as relayed,
    /// for a site it has not met) the relay may write, never the server's own, one per site (the
    /// latest). The times are the relay's clock's, taken as they are: a relay is trusted with its
    /// subtree's records already, and a county's clock running behind a township's must not
    /// change what the township's own report says.
    public static func syncs(_ relayed: [RelayedSync], knownUnits: [SiteID: String], scope: SyncScope, serverSite: SiteID) -> [RelayedSync] {
        var latest: [SiteID: RelayedSync] = [:]
        for sync in relayed where sync.site.site != serverSite && scope.mayWrite(knownUnits[sync.site.site] ?? sync.site.unit) {
            if sync.at > latest[sync.site.site]?.at ?? .min { latest[sync.site.site] = sync }
        }
        return latest.values.sorted { $0.site.site < $1.site.site }
    }
}
