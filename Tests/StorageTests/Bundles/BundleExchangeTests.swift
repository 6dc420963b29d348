import Foundation
import RecordRules
import Records
import Storage
import SyncCore
import SyncWire
import Testing
import TestSupport

/// Sync by files on a stick, on real replica files: bundles written, carried, replayed, delivered
/// late and out of order, some damaged on the way; in the end every side holds the same records,
/// none lost, none doubled.
@Suite("Sync by bundle")
struct BundleExchangeTests {
    static let villages = ["640522100201", "640522100202"]

    /// A township's server and three laptops (two in the first village), each with its token.
    final class World {
        let scratch = Scratch()
        let server: Replica
        var laptops: [(replica: Replica, token: String, unit: String)] = []

        init() throws {
            server = try Replica.create(at: scratch.path("town.sqlite"), unit: township, site: SiteID("5e5e5e5e5e5e5e5e")!,
                                        deviceName: "乡镇服务器", now: 1_600_000_000)
            for village in BundleExchangeTests.villages { _ = try server.units.addVillage(code: village, name: "村\(village.suffix(3))") }
            for (index, village) in [BundleExchangeTests.villages[0], BundleExchangeTests.villages[0], BundleExchangeTests.villages[1]].enumerated() {
                let token = "gk_bundle_\(index)"
                _ = try server.devices.issueToken(token, unit: village, secret: testServerSecret, now: 1)
                let laptop = try Replica.create(at: scratch.path("laptop\(index).sqlite"),
                                                unit: GovernmentUnit(code: village, name: "村", parent: township.code),
                                                site: SiteID(String(format: "%016x", 0xA1 + index))!, deviceName: "笔记本\(index)", now: 1_600_000_000)
                laptops.append((laptop, token, village))
            }
        }

        func export(_ index: Int, now: Int64) throws -> [UInt8] {
            let hash = DeviceToken.hash(of: laptops[index].token)
            return try BundleFile.export(BundleClient(store: laptops[index].replica.syncing, clock: { now }),
                                         signing: .both(key: BundleKey.derive(token: laptops[index].token), hash: hash),
                                         device: DeviceToken.bundleName(ofHash: hash), now: now).bytes
        }

        /// The server takes an up bundle and writes its reply, as `gongkai bundle import --reply` does.
        func answer(_ bytes: [UInt8], now: Int64) throws -> [UInt8] {
            try BundleFile.answer(bytes, service: SyncService(store: server.serving), server: try server.syncing.siteInfo(), now: now,
                                  token: { try server.devices.bundleToken(named: $0)?.keys(secret: testServerSecret) }).bytes
        }

        @discardableResult
        func take(_ index: Int, _ bytes: [UInt8], now: Int64) throws -> SyncReport {
            let token = laptops[index].token
            return try BundleFile.take(bytes, BundleClient(store: laptops[index].replica.syncing, clock: { now }),
                                       key: BundleKey.derive(token: token), hash: DeviceToken.hash(of: token))
        }

        /// The records of `unit` as `replica` holds them (values and versions).
        func state(_ replica: Replica, unit: String) throws -> [String] {
            try syncedState(replica).filter { $0.contains("@\(unit) ") }
        }
    }

    @Test("random edits and bundles replayed, late, reordered and damaged: every side converges, nothing lost or doubled",
          arguments: propertySeeds(count: 8))
    func randomExchanges(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let world = try World()
        var ups: [[(bytes: [UInt8], from: Int)]] = Array(repeating: [], count: world.laptops.count)
        var replies: [[[UInt8]]] = Array(repeating: [], count: world.laptops.count)
        var created: [String: String] = [:]  // id → unit
        var now: Int64 = 1_700_000_000
        for step in 0..<80 {
            now += 60
            let laptop = Int.random(in: 0..<world.laptops.count, using: &random)
            let (replica, _, unit) = world.laptops[laptop]
            switch Int.random(in: 0..<10, using: &random) {
            case 0, 1, 2:
                // A laptop captures a notice, or retitles one of its unit's
                let own = try replica.records.all(.notices)
                if own.isEmpty || Bool.random(using: &random) {
                    let record = try replica.records.create(.notices, id: "n\(step)", input: ["title": "公示\(step)", "category": "村务", "channel": "公开栏",
                                                                                             "published_on": "2021-03-01"], now: now)
                    created[record.id] = unit
                } else {
                    _ = try replica.records.update(.notices, id: own.randomElement(using: &random)!.id, input: ["title": "改于\(step)"], now: now)
                }
            case 3:
                // The township's office retitles a village's notice on the server
                if let record = try world.server.records.all(.notices).randomElement(using: &random) {
                    _ = try world.server.records.update(.notices, id: record.id, input: ["title": "镇改于\(step)"], now: now)
                }
            case 4, 5:
                ups[laptop].append((try world.export(laptop, now: now), laptop))
            case 6, 7:
                // An up bundle reaches the township (and may be carried there again later)
                guard let pick = ups.indices.filter({ !ups[$0].isEmpty }).randomElement(using: &random) else { continue }
                let index = Int.random(in: 0..<ups[pick].count, using: &random)
                let up = Bool.random(using: &random) ? ups[pick].remove(at: index) : ups[pick][index]
                replies[up.from].append(try world.answer(up.bytes, now: now))
            case 8:
                guard let pick = replies.indices.filter({ !replies[$0].isEmpty }).randomElement(using: &random) else { continue }
                let index = Int.random(in: 0..<replies[pick].count, using: &random)
                let reply = Bool.random(using: &random) ? replies[pick].remove(at: index) : replies[pick][index]
                try world.take(pick, reply, now: now)
            default:
                // A damaged copy: cut at a twentieth, or one byte flipped; refused, and nothing changes
                guard let pick = ups.indices.filter({ !ups[$0].isEmpty }).randomElement(using: &random) else { continue }
                var bytes = ups[pick].randomElement(using: &random)!.bytes
                if Bool.random(using: &random) {
                    bytes = Array(bytes.prefix(bytes.count * Int.random(in: 1..<20, using: &random) / 20))
                } else {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 0x20
                }
                let before = try fingerprint(world.server.path)
                #expect(throws: (any Error).self, "seed \(seed) step \(step)") { try world.answer(bytes, now: now) }
                #expect(try fingerprint(world.server.path) == before, "seed \(seed) step \(step)")
            }
        }
        // Then every laptop exchanges twice with nothing left in flight
        for _ in 0..<2 {
            for laptop in world.laptops.indices {
                now += 60
                try world.take(laptop, try world.answer(try world.export(laptop, now: now), now: now), now: now)
            }
        }
        for (index, laptop) in world.laptops.enumerated() {
            #expect(try world.state(laptop.replica, unit: laptop.unit) == (try world.state(world.server, unit: laptop.unit)), "seed \(seed) laptop \(index)")
            #expect(try laptop.replica.syncing.pendingChanges(limit: 10).records.isEmpty, "seed \(seed) laptop \(index)")
        }
        // Nothing lost, nothing doubled: every notice captured is on the server once, in its unit
        let held = try world.server.records.all(.notices, includeDeleted: true)
        #expect(held.count == created.count, "seed \(seed)")
        #expect(Dictionary(held.map { ($0.id.split(separator: ":").last.map(String.init) ?? $0.id, $0.unit) }, uniquingKeysWith: { a, _ in a }) == created,
                "seed \(seed)")
    }

    @Test("a bundle carries no token and no other unit's records, either way")
    func carriesNothingElse() throws {
        let world = try World()
        for (index, laptop) in world.laptops.enumerated() {
            _ = try laptop.replica.records.create(.notices, id: "n\(index)", input: ["title": "公示", "category": "村务", "channel": "公开栏",
                                                                                  "published_on": "2021-03-01"], now: 1_700_000_000)
        }
        // Given every laptop's records on the server, and a second export of the first village's laptop
        for index in world.laptops.indices { try world.take(index, try world.answer(try world.export(index, now: 1_700_000_010), now: 1_700_000_010),
                                                            now: 1_700_000_010) }
        _ = try world.laptops[0].replica.records.update(.notices, id: "n0", input: ["title": "改"], now: 1_700_000_020)
        let up = try world.export(0, now: 1_700_000_030)
        let reply = try world.answer(up, now: 1_700_000_040)
        for bytes in [up, reply] {
            #expect(!bytes.windowContaining(Array(world.laptops[0].token.utf8)))
            #expect(!bytes.windowContaining(Array(DeviceToken.hash(of: world.laptops[0].token).utf8)))
        }
        let (key, hash) = (BundleKey.derive(token: world.laptops[0].token), DeviceToken.hash(of: world.laptops[0].token))
        #expect(!up.windowContaining(Array(key.utf8)) && !reply.windowContaining(Array(key.utf8)))
        #expect(try BundleFile.openUp(up, verifying: .key(key, hash: hash)).bundle.pushes.flatMap(\.request.records).allSatisfy { $0.unit == "640522100201" })
        // The reply holds the other laptop of the same village's record, and nothing of the other village
        let pulled = try BundleFile.openReply(reply, verifying: .key(key, hash: hash)).reply.pages.flatMap(\.records)
        #expect(pulled.map(\.id) == ["n1"])
    }

    @Test("a bundle from a revoked device's token is refused, and a reply is taken only by the laptop it answers")
    func revokedAndMisdelivered() throws {
        let world = try World()
        _ = try world.laptops[0].replica.records.create(.notices, id: "n1", input: ["title": "公示", "category": "村务", "channel": "公开栏",
                                                                                 "published_on": "2021-03-01"], now: 1_700_000_000)
        let bytes = try world.export(0, now: 1_700_000_000)
        let reply = try world.answer(bytes, now: 1_700_000_010)
        // A reply for laptop 0 is refused by laptop 1, and opened with laptop 1's key it does not open
        #expect { try world.take(1, reply, now: 1_700_000_020) } throws: { error in "\(error)".contains("写给另一台电脑") }
        let other = world.laptops[1].token
        #expect { try BundleFile.openReply(reply, verifying: .either(key: BundleKey.derive(token: other), hash: DeviceToken.hash(of: other))) } throws: { error in
            "\(error)".contains("签名与令牌不符")
        }
        // Once laptop 0's token is revoked, its bundles are refused
        _ = try world.server.devices.revokeToken(world.laptops[0].token, now: 1_700_000_030)
        let named = try BundleFile.header(of: bytes)
        #expect(try world.server.devices.bundleToken(named: named.device)?.access == .revoked)
        #expect { try world.answer(bytes, now: 1_700_000_040) } throws: { error in "\(error)".contains("已吊销") }
        #expect(try world.server.devices.bundleToken(named: "000000000000000000000000") == nil)
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs anywhere in these bytes.
    func windowContaining(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { start in self[start..<(start + needle.count)].elementsEqual(needle) }
    }
}
