import Dispatch
import Foundation
import PostgresStore
import Records
import Storage
import SyncCore
import Synchronization
import TestSupport

/// Many villages syncing with one `gongkai serve` at once (issue 15): K villages of R notices
/// each, every village's laptop a real `gongkai sync` process, P running at a time. Three
/// rounds: the first (everything moves), a steady one (5 new notices each), a no-op one; each
/// checked against what the server then holds.
enum LoadBench {
    static let township = GovernmentUnit(code: "640522000000", name: "县", isTownship: true)

    struct Round {
        let name: String
        let wall: Double
        let syncs: [Double]
        let records: Int
        let cpu: CPUSpent

        func percentile(_ p: Double) -> Double { TestSupport.percentile(syncs, p) ?? 0 }
    }

    /// The server's store: the township's SQLite file, or a PostgreSQL database (made fresh on
    /// the server `GONGKAI_TEST_POSTGRES` names) with `servers` serve processes, the villages
    /// split between them.
    enum Store {
        case sqlite
        case postgres(servers: Int)

        var name: String {
            switch self {
            case .sqlite: "SQLite"
            case .postgres(let servers): "PostgreSQL, \(servers) serve"
            }
        }
    }

    static func run(villages: Int, records: Int, parallel: Int, store: Store = .sqlite) throws -> [BenchRow] {
        let directory = BenchDirectory()
        let serverPath = directory.path("server.sqlite")
        // Set up in process (not timed): the server with its villages and tokens, a laptop each.
        var database: TestDatabase? = nil
        var postgres: PostgresServerStore? = nil
        var sqlite: Replica? = nil
        switch store {
        case .sqlite:
            sqlite = try Replica.create(at: serverPath, unit: township, site: SiteID(bits: 0x5E5E), deviceName: "服务器", now: 1_700_000_000)
        case .postgres:
            database = try TestPostgres.database()
            postgres = try PostgresServerStore.create(database!.location, unit: township, site: SiteID(bits: 0x5E5E), deviceName: "服务器",
                                                      now: 1_700_000_000)
        }
        defer { postgres?.close() }
        var laptops: [(db: String, token: String)] = []
        for index in 0..<villages {
            let unit = GovernmentUnit(code: villageCode(index), name: "村\(index)", parent: township.code)
            let token = "gk_load_\(index)_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            if let sqlite {
                _ = try sqlite.units.addVillage(code: unit.code, name: unit.name)
                _ = try sqlite.devices.issueToken(token, unit: unit.code, secret: testServerSecret, now: 1_700_000_000)
            } else if let postgres {
                _ = try postgres.addVillage(code: unit.code, name: unit.name)
                _ = try postgres.issueToken(token, unit: unit.code, secret: testServerSecret, now: 1_700_000_000)
            }
            let db = directory.path("laptop\(index).sqlite")
            let laptop = try Replica.create(at: db, unit: unit, site: SiteID(bits: 0xA000 + UInt64(index)), deviceName: "笔记本\(index)",
                                            now: 1_700_000_000)
            try addNotices(laptop, unit: unit.code, count: records, from: 0)
            laptops.append((db, token))
        }
        let serves: [ServeProcess] = switch store {
        case .sqlite: [try ServeProcess(arguments: ["--db", serverPath])]
        case .postgres(let servers): try (0..<max(1, servers)).map { _ in try ServeProcess(arguments: ["--store", database!.location.url]) }
        }
        defer { for serve in serves { serve.stop() } }
        var rounds: [Round] = []
        rounds.append(try round("first", laptops, servers: serves, parallel: parallel, records: villages * records))
        for (index, laptop) in laptops.enumerated() {
            try addNotices(try Replica.open(at: laptop.db), unit: villageCode(index), count: 5, from: records)
        }
        rounds.append(try round("steady (5 new each)", laptops, servers: serves, parallel: parallel, records: villages * 5))
        rounds.append(try round("no-op", laptops, servers: serves, parallel: parallel, records: 0))
        // The no-op round's baseline, in the same shape: each process a plain libcurl client
        // (curl) making two light requests to the same server, the floor of any such sync.
        let health = serves.map { $0.url + "/v1/health" }
        let floor = try round("curl, two GET /v1/health", count: laptops.count, parallel: parallel, records: 0, servers: serves) { index in
            ("/usr/bin/curl", ["-sf", health[index % health.count], health[index % health.count]])
        }
        // Every record on the server, once.
        let held = if let postgres { try postgres.recordCount(of: .notices) } else { try Replica.open(at: serverPath).records.all(.notices).count }
        precondition(held == villages * (records + 5), "the server holds \(held) notices, not \(villages * (records + 5))")
        // The CPU beside each round: the two cores are shared by the server and the fifty
        // processes that stand for laptops (docs/PERFORMANCE.md, "Where a round's CPU goes").
        let rest = if case .postgres = store { "PostgreSQL and the rest" } else { "the rest" }
        return rounds.map { round in
            let rate = round.records > 0 ? String(format: ", %.0f records/s", Double(round.records) / round.wall) : ""
            return BenchRow(figure: "load \(villages) × \(records), \(parallel) at a time, \(store.name): \(round.name) round",
                            measured: String(format: "%.1f s for %d syncs (%.1f syncs/s%@); %@", round.wall, round.syncs.count,
                                             Double(round.syncs.count) / round.wall, rate,
                                             round.cpu.summary(programs: "syncs", count: round.syncs.count, rest: rest)),
                            baseline: String(format: "one sync p50 %.2f s, p99 %.2f s, max %.2f s", round.percentile(0.5), round.percentile(0.99),
                                             round.syncs.max() ?? 0),
                            ratio: "server holds all \(held)")
        } + [BenchRow(figure: "", measured: floor.cpu.summary(programs: "curl", count: floor.syncs.count, rest: rest),
                      baseline: String(format: "%@, %d processes: %.1f s; p50 %.2f s, p99 %.2f s", floor.name,
                                       floor.syncs.count, floor.wall, floor.percentile(0.5), floor.percentile(0.99)),
                      ratio: "")]
    }

    static func villageCode(_ index: Int) -> String { String(format: "640522%03d%03d", 100 + index / 1_000, index % 1_000) }

    /// `count` notices of `unit`, numbered from `from`.
    static func addNotices(_ replica: Replica, unit: String, count: Int, from: Int) throws {
        var text = "id,unit,title,category,channel,published_on\n"
        for number in from..<(from + count) {
            text += "n\(number),\(unit),第\(number)号公示,finance,公开栏,2021-\(String(format: "%02d", number % 12 + 1))-15\n"
        }
        try importCSV(replica, .notices, text, now: 1_700_000_100)
    }

    /// Every laptop syncs once, `parallel` at a time; the wall time of the round and of each sync.
    static func round(_ name: String, _ laptops: [(db: String, token: String)], servers: [ServeProcess], parallel: Int,
                      records: Int) throws -> Round {
        let urls = servers.map(\.url)
        return try round(name, count: laptops.count, parallel: parallel, records: records, servers: servers) { index in
            // Villages split between the servers, each always to the same one.
            (gongkaiBinary, ["sync", "--db", laptops[index].db, "--server", urls[index % urls.count], "--token", laptops[index].token])
        }
    }

    /// `count` runs of the program `command` names for each index, `parallel` at a time.
    static func round(_ name: String, count: Int, parallel: Int, records: Int, servers: [ServeProcess],
                      command: @escaping @Sendable (Int) -> (path: String, arguments: [String])) throws -> Round {
        let serverIDs = servers.map(\.process.processIdentifier)
        let cpuBefore = CPUAccount.now(servers: serverIDs)
        let next = Mutex(0)
        let times = Mutex<[Double]>([])
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        // Threads of their own: a worker blocks in waitpid, and Dispatch's pool would run only a
        // few at once.
        for _ in 0..<parallel {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    let index = next.withLock { value -> Int in defer { value += 1 }; return value }
                    guard index < count else { return }
                    do {
                        let (path, arguments) = command(index)
                        let seconds = try spawnSeconds(path, arguments)
                        times.withLock { $0.append(seconds) }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        group.wait()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpu = CPUAccount.now(servers: serverIDs).since(cpuBefore)
        let failed = failures.withLock { $0 }
        guard failed.isEmpty else { throw LoadFailed(round: name, failures: failed) }
        return Round(name: name, wall: wall, syncs: times.withLock { $0 }, records: records, cpu: cpu)
    }

    struct LoadFailed: Error, CustomStringConvertible {
        let round: String
        let failures: [String]
        var description: String { "\(failures.count) syncs of the \(round) round failed; the first: \(failures[0])" }
    }
}
