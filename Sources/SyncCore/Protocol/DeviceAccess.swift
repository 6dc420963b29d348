/// What a device token lets its holder do on a server.
public struct DeviceAccess: Sendable, Equatable {
    public let unit: UnitInfo
    /// A township device sees the whole township; a village device only its own unit.
    public let scope: SyncScope
    /// The token's hash: the device's identity, to which the sites it names are bound.
    public let device: String
    /// A relay token (`admin issue-token --relay`): a server below this one (a township's,
    /// syncing to its county) that speaks for every site of its unit's subtree.
    public let relays: Bool

    public init(unit: UnitInfo, scope: SyncScope, device: String, relays: Bool = false) {
        self.unit = unit
        self.scope = scope
        self.device = device
        self.relays = relays
    }

    /// The peer the sync protocol serves.
    public var peer: SyncPeer { SyncPeer(scope: scope, device: device, relays: relays, unit: unit.code) }
}

/// What a presented device token is.
public enum TokenCheck: Sendable, Equatable {
    case valid(DeviceAccess)
    case revoked
    case unknown
}

/// What `/v1/status` says of a server: its unit and schema.
public struct ServingStatus: Sendable, Equatable {
    public let unit: UnitInfo
    public let schema: Int

    public init(unit: UnitInfo, schema: Int) {
        self.unit = unit
        self.schema = schema
    }
}
