import Foundation
import RecordRules
import Records
import Storage
import SyncCore

/// The township and village the tests keep (西安镇 and its 园河村), and a site id for a replica
/// whose site does not matter.
public let township = GovernmentUnit(code: "640522100000", name: "西安镇", isTownship: true)
public let village = GovernmentUnit(code: "640522100201", name: "园河村", parent: "640522100000")
public let secondVillage = GovernmentUnit(code: "640522100202", name: "别村", parent: "640522100000")
public let siteOne = SiteID("00000000000000a1")!
/// The server secret that seals the tests' bundle keys (a real server's is random, in a file of its own).
public let testServerSecret = ServerSecret(bytes: Array(repeating: 7, count: ServerSecret.byteCount))!

/// Three requests, one of each kind of row: concluded in the year, open at its end, carried in.
public let requestsCSV = """
id,received_on,applicant_type,concluded_on,outcome,content
r1,2021-03-02,自然人,2021-03-20,予以公开,低保名单
r2,2021-12-28,商业企业,,,"合同, 附件"
r3,2020-12-30,natural_person,2021-01-05,unavailable_not_held,
"""

/// A notice as typed at the command line (Chinese labels, a date without leading zeros).
public let noticeInput = ["title": "低保公示", "category": "民生", "channel": "公开栏;门户网站", "published_on": "2020-5-1"]

/// A new replica of `unit` in `scratch`.
public func makeReplica(_ scratch: Scratch, unit: GovernmentUnit = village, name: String = "replica.sqlite") throws -> Replica {
    try Replica.create(at: scratch.path(name), unit: unit, site: siteOne, deviceName: "test", now: 1_600_000_000)
}

/// Imports CSV text (header first) of one kind into `replica`, the way `gongkai import` does.
@discardableResult
public func importCSV(_ replica: Replica, _ kind: RecordKind, _ text: String, options: ImportOptions = ImportOptions(),
                      now: Int64 = 1_600_000_100) throws -> ImportSummary {
    let reader = try ImportReader(kind: kind, bytes: Array(text.utf8), defaultUnit: try replica.units.identity().unit.code)
    return try replica.imports.importRows(reader, options: options, now: now)
}

/// The id a hand-typed id is stored under in `unit` (the village's unless given).
public func scoped(_ typed: String, unit: String = village.code) -> String { "\(unit):\(typed)" }

/// A township server replica and village laptops in one process, synced through the
/// in-process transport.
public final class SyncHarness: Sendable {
    public let server: Replica
    public let laptops: [Replica]
    public let scratch: Scratch
    public let villageScope = SyncScope.of(unit: village.code, in: UnitTree([(township.code, nil), (village.code, township.code)]))

    public init(laptops count: Int, scratch: Scratch = Scratch()) throws {
        self.scratch = scratch
        server = try Replica.create(at: scratch.path("server.sqlite"), unit: township,
                                    site: SiteID("5e5e5e5e5e5e5e5e")!, deviceName: "乡镇服务器", now: 1_600_000_000)
        _ = try server.units.addVillage(code: village.code, name: village.name)
        laptops = try (0..<count).map { index in
            try Replica.create(at: scratch.path("laptop\(index).sqlite"), unit: village,
                               site: SiteID(String(format: "%016x", 0xA0 + index))!, deviceName: "笔记本\(index)", now: 1_600_000_000)
        }
    }

    public func transport(_ scope: SyncScope? = nil) -> InProcessTransport {
        InProcessTransport(service: SyncService(store: server.serving), scope: scope ?? villageScope, clock: { 1_700_000_000 })
    }

    @discardableResult
    public func sync(_ laptop: Replica, batchSize: Int = 500, transport: (any SyncTransport)? = nil, now: Int64 = 1_700_000_000) async throws -> SyncReport {
        try await SyncClient(store: laptop.syncing, transport: transport ?? self.transport(), batchSize: batchSize, clock: { now }).sync()
    }
}

/// Everything about a replica's records that must agree across replicas after a full sync:
/// identity, values and versions (not the local change sequence).
public func syncedState(_ replica: Replica) throws -> [String] {
    try RecordKind.allCases.flatMap { kind in
        try replica.records.all(kind, includeDeleted: true).map { record in
            let registers = record.version.fields.sorted { $0.key < $1.key }.map { name, register in
                "\(name)=" + register.entries.map { "\($0.dot):\($0.value ?? "∅")" }.joined(separator: "|")
            }
            return "\(kind.rawValue)/\(record.id)@\(record.unit) \(record.version.clock.encoded) " + registers.joined(separator: " ")
        }
    }
}
