import Records

/// A unit as a server's administrator sees it (`admin list-units`), from either server store:
/// what it holds and when its devices last synced.
public struct UnitSummary: Sendable, Equatable {
    public let unit: GovernmentUnit
    /// Live records of every kind.
    public let records: Int
    /// The last finished sync of any of its devices over the network (for a unit below a
    /// township's server, as that server relays it), or nil.
    public let lastSync: Int64?
    /// The last bundle (a file on a stick) of any of its devices taken here, or nil.
    public let lastBundle: Int64?

    public init(unit: GovernmentUnit, records: Int, lastSync: Int64?, lastBundle: Int64?) {
        (self.unit, self.records, self.lastSync, self.lastBundle) = (unit, records, lastSync, lastBundle)
    }
}
