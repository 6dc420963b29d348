import Foundation
import Records
@testable import Storage
import SyncCore

/// A township server replica and village laptops in one process, synced through the
/// in-process transport. Each laptop has its own wall clock (offsets for skew tests).
final class SyncHarness: Sendable {
    let server: Replica
    let laptops: [Replica]
    let scratch: Scratch
    let villageScope = SyncScope(readable: [village.code], writable: [village.code])

    init(laptops count: Int, scratch: Scratch = Scratch()) throws {
        self.scratch = scratch
        server = try Replica.create(at: scratch.path("server.sqlite"), unit: township,
                                    site: SiteID("5e5e5e5e5e5e5e5e")!, deviceName: "乡镇服务器", now: 1_600_000_000)
        _ = try server.units.addVillage(code: village.code, name: village.name)
        laptops = try (0..<count).map { index in
            try Replica.create(at: scratch.path("laptop\(index).sqlite"), unit: village,
                               site: SiteID(String(format: "%016x", 0xA0 + index))!, deviceName: "笔记本\(index)", now: 1_600_000_000)
        }
    }

    func transport(_ scope: SyncScope? = nil) -> InProcessTransport {
        InProcessTransport(service: SyncService(store: server.serving), scope: scope ?? villageScope, clock: { 1_700_000_000 })
    }

    @discardableResult
    func sync(_ laptop: Replica, batchSize: Int = 500, transport: (any SyncTransport)? = nil, now: Int64 = 1_700_000_000) async throws -> SyncReport {
        try await SyncClient(store: laptop.syncing, transport: transport ?? self.transport(), batchSize: batchSize, clock: { now }).sync()
    }
}

/// Everything about a replica's records that must agree across replicas after a full sync:
/// identity, values and versions (not the local change sequence).
func syncedState(_ replica: Replica) throws -> [String] {
    try RecordKind.allCases.flatMap { kind in
        try replica.records.all(kind, includeDeleted: true).map { record in
            let registers = record.version.fields.sorted { $0.key < $1.key }.map { name, register in
                "\(name)=" + register.entries.map { "\($0.dot):\($0.value ?? "∅")" }.joined(separator: "|")
            }
            return "\(kind.rawValue)/\(record.id)@\(record.unit) \(record.version.clock.encoded) " + registers.joined(separator: " ")
        }
    }
}
