import Foundation
import Records
import Storage
import SyncCore
import SyncHTTP
import SyncWire
import TestSupport

/// The requests every benchmark uses: `count` rows, 90 % of them concluded, over four years.
func requestsCSV(_ count: Int, seed: UInt64 = 20_201_231) -> (text: String, rows: [[String?]]) {
    var random = SeededGenerator(seed: seed)
    let types = ApplicantType.allCases.map(\.rawValue)
    let outcomes = RequestOutcome.allCases.map(\.rawValue)
    var text = "id,received_on,channel,applicant_type,applicant_name,content,concluded_on,outcome\n"
    var rows: [[String?]] = []
    text.reserveCapacity(count * 110)
    rows.reserveCapacity(count)
    for index in 0..<count {
        let year = 2019 + Int(random.next() % 4), month = 1 + Int(random.next() % 11), day = 1 + Int(random.next() % 28)
        let received = String(format: "%04d-%02d-%02d", year, month, day)
        let concluded = random.next() % 10 == 0 ? nil : String(format: "%04d-%02d-%02d", year, month + 1, day)
        let outcome = concluded == nil ? nil : outcomes[Int(random.next() % UInt64(outcomes.count))]
        let type = types[Int(random.next() % 6)]
        let id = "req-\(index)"
        text += "\(id),\(received),in_person,\(type),申请人\(index),关于第\(index)号事项的信息,\(concluded ?? ""),\(outcome ?? "")\n"
        rows.append([id, "640522100201", received, "in_person", type, "申请人\(index)", "关于第\(index)号事项的信息", concluded, outcome, nil])
    }
    return (text, rows)
}

enum ImportBench {
    static func run(count: Int) throws -> [BenchRow] {
        let directory = BenchDirectory()
        let (text, rows) = requestsCSV(count)
        let replica = try Replica.create(at: directory.path("v.sqlite"), unit: GovernmentUnit(code: "640522100201", name: "村", parent: "640522100000"),
                                         site: SiteID("00000000000000f5")!, deviceName: "bench", now: 1)
        let bytes = Array(text.utf8)
        let (_, seconds) = try measure {
            let reader = try ImportReader(kind: .requests, bytes: bytes, defaultUnit: "640522100201")
            return try replica.imports.importRows(reader, now: 2)
        }
        let (_, again) = try measure {
            let reader = try ImportReader(kind: .requests, bytes: bytes, defaultUnit: "640522100201")
            return try replica.imports.importRows(reader, now: 3)
        }
        let plain = PlainSQLite.insert(rows: rows, columns: ["id", "unit"] + RecordKind.requests.fields.map(\.name), path: directory.path("plain.sqlite"))
        // The floor under any import: the engine's own rows, inserted plainly into its own schema.
        _ = try Replica.create(at: directory.path("floor.sqlite"), unit: GovernmentUnit(code: "640522100201", name: "村", parent: "640522100000"),
                               site: SiteID("00000000000000f6")!, deviceName: "bench", now: 1)
        let floor = PlainSQLite.copyRows(of: RecordKind.requests.rawValue, from: directory.path("v.sqlite"), into: directory.path("floor.sqlite"))
        return [
            BenchRow(figure: "capture: CSV import of \(count) requests", measured: "\(rate(count, seconds)) (\(String(format: "%.2f", seconds)) s)",
                     baseline: "plain inserts \(rate(count, plain)) (\(String(format: "%.2f", plain)) s)", ratio: String(format: "%.1f× (target ≤ 1.5×)", seconds / plain)),
            BenchRow(figure: "", measured: "", baseline: "the engine's stored rows inserted plainly into its schema \(rate(count, floor)) (\(String(format: "%.2f", floor)) s)",
                     ratio: String(format: "%.1f×", seconds / floor)),
            BenchRow(figure: "re-import of the same file (every row unchanged)", measured: "\(rate(count, again)) (\(String(format: "%.2f", again)) s)",
                     baseline: "plain inserts", ratio: String(format: "%.1f×", again / plain)),
        ]
    }
}

/// The first sync of a laptop holding `count` records, and syncs with nothing to move, through
/// the real binaries on loopback.
enum SyncBench {
    struct Town {
        let directory = BenchDirectory()
        let server: ServeProcess
        let token: String

        init() throws {
            let db = directory.path("town.sqlite")
            _ = try runProgram(gongkaiBinary, ["admin", "add-unit", "--db", db, "--unit", "640522100000", "--name", "镇"])
            _ = try runProgram(gongkaiBinary, ["admin", "add-unit", "--db", db, "--unit", "640522100201", "--name", "村", "--parent", "640522100000"])
            token = try runProgram(gongkaiBinary, ["admin", "issue-token", "--db", db, "--unit", "640522100201"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            server = try ServeProcess(db: db)
        }

        /// A new laptop of the same village, with nothing in it yet.
        func emptyLaptop(_ name: String) throws -> String {
            let db = directory.path("\(name).sqlite")
            _ = try runProgram(gongkaiBinary, ["init", "--db", db, "--unit", "640522100201", "--name", "村", "--parent", "640522100000"])
            return db
        }

        /// A laptop with `count` requests not yet synced.
        func laptop(_ name: String, records: Int) throws -> String {
            let db = try emptyLaptop(name)
            let file = directory.path("\(name).csv")
            try requestsCSV(records, seed: UInt64(records)).text.write(toFile: file, atomically: true, encoding: .utf8)
            let imported = try runProgram(gongkaiBinary, ["import", "requests", file, "--db", db])
            precondition(imported.status == 0, imported.stderr)
            return db
        }

        func sync(_ db: String) throws -> (seconds: Double, requests: Int, bytes: Int, peakMB: Double) {
            let timing = directory.path("time"), log = directory.path("sync.err")
            let seconds = try spawnSeconds("/usr/bin/time", ["-f", "%M", "-o", timing, gongkaiBinary, "sync", "--db", db, "--server", server.url, "--token", token],
                                           stderrPath: log)
            let cost = try WireCost((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
            let peak = (Double((try? String(contentsOfFile: timing, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0) / 1024
            return (seconds, cost.requests, cost.bytes, peak)
        }
    }

    /// The sync's pushes as files, gzip-compressed, exactly as the client builds them: batches of
    /// the default size read from the laptop's pending changes.
    static func pushBodies(_ db: String, into directory: BenchDirectory) throws -> [String] {
        let replica = try Replica.open(at: db)
        let sender = try replica.syncing.siteInfo(), schema = try replica.database.schemaVersion(), counter = try replica.syncing.counter()
        var files: [String] = []
        var through: Int64?
        while true {
            let batch = try replica.syncing.pendingChanges(after: through, limit: SyncClient.defaultBatchSize)
            if batch.records.isEmpty { return files }
            let request = PushRequest(schemaVersion: schema, sender: sender, senderCounter: counter, cursor: nil, records: batch.records)
            let file = directory.path("push-\(files.count)")
            try Data(Gzip.compress(Wire.encode(request))).write(to: URL(fileURLWithPath: file))
            files.append(file)
            through = batch.through
        }
    }

    static func firstSync(count: Int) throws -> [BenchRow] {
        let town = try Town()
        defer { town.server.stop() }
        let db = try town.laptop("a", records: count)
        let pushes = try pushBodies(db, into: town.directory)
        let (seconds, requests, bytes, clientPeak) = try town.sync(db)
        let serverPeak = peakMemoryMB(town.server.process.processIdentifier)
        // A second laptop of the village then syncs for the first time: it pulls all of them.
        let (pullSeconds, pullRequests, pullBytes, pullPeak) = try town.sync(try town.emptyLaptop("b"))
        // The sync's own pushes, replayed by curl to a second server in the state the first was in:
        // the server's work and the transfer, without the client.
        let replayTown = try Town()
        defer { replayTown.server.stop() }
        var replayArguments: [String] = []
        for (index, file) in pushes.enumerated() {
            replayArguments += (index > 0 ? ["--next"] : []) + ["-s", "--fail", "-o", "/dev/null", "-X", "POST", "--data-binary", "@\(file)",
                                                               "-H", "Content-Type: application/json", "-H", "Content-Encoding: gzip", "-H", "Expect:",
                                                               "-H", "Authorization: Bearer \(replayTown.token)", replayTown.server.url + "/v1/push"]
        }
        let replay = try spawnSeconds("/usr/bin/curl", replayArguments)
        let replayed = try runProgram(gongkaiBinary, ["status", "--json", "--db", replayTown.directory.path("town.sqlite")]).stdout
        precondition(replayed.contains("\"requests\":\(count)") || replayed.contains("\"requests\": \(count)"), "the replay did not store every record: \(replayed)")
        // The same number of bytes, sent plainly by curl to the same server: in one request, and
        // in as many requests as the sync made over one kept-alive connection.
        let payload = town.directory.path("payload"), chunk = town.directory.path("chunk")
        var random = SeededGenerator(seed: 1)
        let noise = (0..<bytes).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        try Data(noise).write(to: URL(fileURLWithPath: payload))
        try Data(noise.prefix(bytes / max(requests, 1))).write(to: URL(fileURLWithPath: chunk))
        let headers = ["-H", "Content-Type: application/json", "-H", "Expect:", "-H", "Authorization: Bearer \(town.token)"]
        let curl = try spawnSeconds("/usr/bin/curl", ["-s", "-X", "POST", "--data-binary", "@\(payload)"] + headers + [town.server.url + "/v1/sink"])
        let curlRequests = try spawnSeconds("/usr/bin/curl", ["-s", "-X", "POST", "--data-binary", "@\(chunk)"] + headers
                                            + Array(repeating: town.server.url + "/v1/sink", count: requests))
        // The records as JSON, gzip-compressed.
        let json = try runProgram(gongkaiBinary, ["export", "requests", "--format", "json", "--db", db]).stdout
        let gzipSize = Gzip.compress(Array(json.utf8)).count
        return [
            BenchRow(figure: "first sync of \(count) records over loopback: time", measured: String(format: "%.2f s in %d requests", seconds, requests),
                     baseline: String(format: "curl, the same bytes in 1 request: %.3f s", curl), ratio: String(format: "%.0f× (target ≤ 2×)", seconds / curl)),
            BenchRow(figure: "", measured: "", baseline: String(format: "curl, the same bytes in %d requests: %.3f s", requests, curlRequests),
                     ratio: String(format: "%.0f×", seconds / curlRequests)),
            BenchRow(figure: "", measured: "", baseline: String(format: "curl replaying the sync's %d pushes to a second server: %.2f s", pushes.count, replay),
                     ratio: String(format: "%.2f×", seconds / replay)),
            BenchRow(figure: "first sync of a second laptop (pulls the \(count))", measured: String(format: "%.2f s in %d requests, %d bytes", pullSeconds, pullRequests, pullBytes),
                     baseline: "—", ratio: String(format: "client peak %.0f MB", pullPeak)),
            BenchRow(figure: "first sync: bytes on the wire", measured: "\(bytes)", baseline: "gzip of the records as JSON \(gzipSize)",
                     ratio: String(format: "%.2f× (target ≤ 1.1×)", Double(bytes) / Double(gzipSize))),
            BenchRow(figure: "first sync: peak memory", measured: String(format: "client %.0f MB, server %.0f MB", clientPeak, serverPeak),
                     baseline: "—", ratio: "target ≤ 150 MB each"),
        ]
    }

    static func noOp(sizes: [Int]) throws -> [BenchRow] {
        try sizes.map { size in
            let town = try Town()
            defer { town.server.stop() }
            let db = try town.laptop("a", records: size)
            _ = try town.sync(db)
            // Timed without Foundation's Process (which costs ~40 ms a start): the best of 5.
            let log = town.directory.path("noop.err")
            var best = Double.infinity
            var cost: WireCost?
            for _ in 0..<5 {
                let seconds = try spawnSeconds(gongkaiBinary, ["sync", "--db", db, "--server", town.server.url, "--token", town.token], stderrPath: log)
                cost = try WireCost((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
                best = min(best, seconds)
            }
            return BenchRow(figure: "no-op sync at \(size) records",
                            measured: String(format: "%d requests, %d bytes, %.1f ms", cost?.requests ?? 0, cost?.bytes ?? 0, best * 1000),
                            baseline: "—", ratio: "target ≤ 2 requests, ≤ 2 KB, flat")
        }
    }
}

/// `gongkai status` from a standing start, beside the sqlite3 tool opening the same file.
enum StartupBench {
    static func run() throws -> [BenchRow] {
        let directory = BenchDirectory()
        let db = directory.path("v.sqlite")
        _ = try runProgram(gongkaiBinary, ["init", "--db", db, "--unit", "640522100201", "--name", "村", "--parent", "640522100000"])
        let file = directory.path("r.csv")
        try requestsCSV(1_000).text.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try runProgram(gongkaiBinary, ["import", "requests", file, "--db", db])
        func median(_ path: String, _ arguments: [String]) throws -> Double {
            var times: [Double] = []
            for _ in 0..<31 { times.append(try spawnSeconds(path, arguments)) }
            return times.sorted()[times.count / 2]
        }
        let status = try median(gongkaiBinary, ["status", "--db", db])
        let sqlite = try median("/usr/bin/sqlite3", [db, "select 1"])
        return [BenchRow(figure: "CLI start-up: gongkai status", measured: String(format: "%.1f ms", status * 1000),
                         baseline: String(format: "sqlite3 FILE 'select 1' %.1f ms", sqlite * 1000), ratio: String(format: "%.1f× (target ≤ 3×)", status / sqlite))]
    }
}
