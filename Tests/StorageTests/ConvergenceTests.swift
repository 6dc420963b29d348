import Foundation
import Records
@testable import Storage
import Synchronization
import SyncCore
import Testing
import TestSupport
import TestTiers

/// A model of who had seen which write, kept beside the real replicas and fed only by what
/// the test did (writes) and what the transport delivered (records pushed and pulled).
struct CausalModel {
    struct Write {
        let record: String
        let fields: [String: String?]
        let dot: Dot
        /// The writes to this record the writer had seen when it wrote.
        let saw: Set<Int>
    }

    var writes: [Write] = []
    /// For each place (replica index, or `server`), the writes it has seen, per record.
    var seen: [Int: [String: Set<Int>]] = [:]
    static let server = -1

    mutating func write(at place: Int, record: String, fields: [String: String?], dot: Dot) {
        let saw = seen[place, default: [:]][record, default: []]
        writes.append(Write(record: record, fields: fields, dot: dot, saw: saw))
        seen[place, default: [:]][record, default: []].insert(writes.count - 1)
    }

    mutating func transfer(_ record: String, from source: Int, to target: Int) {
        let known = seen[source, default: [:]][record, default: []]
        seen[target, default: [:]][record, default: []].formUnion(known)
    }

    /// Checks the final register of every field of every record against the model; returns
    /// what is wrong, empty when every write is accounted for.
    func violations(final records: [String: RecordVersion]) -> [String] {
        var problems: [String] = []
        var byField: [String: [Int]] = [:]
        for (index, write) in writes.enumerated() {
            for field in write.fields.keys { byField["\(write.record)/\(field)", default: []].append(index) }
        }
        for (key, indices) in byField {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            let (record, field) = (parts[0], parts[1])
            guard let register = records[record]?.fields[field] else { problems.append("\(key): missing"); continue }
            let standing = Set(register.entries.map(\.dot))
            for index in indices {
                let write = writes[index]
                let overwrittenBySomeoneWhoSawIt = indices.contains { writes[$0].saw.contains(index) }
                if standing.contains(write.dot) {
                    // Kept: then nobody who saw it may have overwritten it (no false conflict).
                    if overwrittenBySomeoneWhoSawIt { problems.append("\(key): \(write.dot) kept although overwritten by a write that saw it") }
                    let entry = register.entries.first { $0.dot == write.dot }!
                    if entry.value != write.fields[field]! { problems.append("\(key): \(write.dot) holds another value") }
                } else if !overwrittenBySomeoneWhoSawIt {
                    problems.append("\(key): write \(write.dot) lost: not final, not overwritten by a write that saw it")
                }
            }
            for entry in register.entries where !indices.contains(where: { writes[$0].dot == entry.dot }) {
                problems.append("\(key): \(entry.dot) was never written")
            }
        }
        return problems
    }
}

/// A transport that reports every record it delivered, and can cut a run or lose a reply.
final class ObservedTransport: SyncTransport {
    enum Event { case pushed([String]), pulled([String]) }
    struct Cut: Error {}
    let inner: any SyncTransport
    private let state = Mutex<(events: [Event], calls: Int, failOn: Int?, loseOn: Int?)>(([], 0, nil, nil))

    init(inner: any SyncTransport) { self.inner = inner }

    func arm(failOn: Int?, loseOn: Int?) { state.withLock { $0 = ([], 0, failOn, loseOn) } }
    func drain() -> [Event] { state.withLock { $0.events } }

    private func begin() throws -> (lose: Bool, count: Int) {
        try state.withLock { state in
            state.calls += 1
            if state.calls == state.failOn { throw Cut() }
            return (state.calls == state.loseOn, state.calls)
        }
    }

    func push(_ request: PushRequest) async throws -> PushResponse {
        let (lose, _) = try begin()
        let response = try await inner.push(request)
        let taken = Set(response.refused.map(\.id))
        state.withLock { $0.events.append(.pushed(request.records.map(\.id).filter { !taken.contains($0) })) }
        if lose { throw Cut() }
        return response
    }

    func pull(_ request: PullRequest) async throws -> PullResponse {
        let (lose, _) = try begin()
        let response = try await inner.pull(request)
        if lose { throw Cut() }
        state.withLock { $0.events.append(.pulled(response.records.map(\.id))) }
        return response
    }

    func done(_ request: DoneRequest) async throws -> DoneResponse {
        _ = try begin()
        return try await inner.done(request)
    }
}

/// Random capture and random partial syncs on several laptops, then a full sync.
struct ConvergenceRun {
    let seed: UInt64
    /// Seconds each laptop's clock is off, and whether it jumps backwards as the run goes.
    let skewed: Bool

    /// What the run ended with, and how much it exercised: the writes the model checked and the
    /// conflicts the final state holds (a run with neither would pass the property vacuously).
    func run() async throws -> (states: [[String]], problems: [String], exports: [String], writes: Int, conflicts: Int) {
        var random = SeededGenerator(seed: seed)
        let count = Int.random(in: 2...5, using: &random)
        let harness = try SyncHarness(laptops: count)
        let transports = (0..<count).map { _ in ObservedTransport(inner: harness.transport()) }
        var model = CausalModel()
        // Drawn in both modes, so that the script is the same with and without skew.
        let drawn: [Int64] = (0..<count).map { _ in Int64.random(in: -400_000_000...400_000_000, using: &random) }
        let offsets = skewed ? drawn : Array(repeating: 0, count: count)
        var ticks: Int64 = 0
        func now(_ laptop: Int) -> Int64 {
            ticks += 1
            // A skewed clock is years off and, every few steps, jumps back by days.
            return 1_700_000_000 + offsets[laptop] + (skewed ? (ticks % 7 == 0 ? -86_400 * ticks : ticks) : ticks)
        }
        let ids = (0..<Int.random(in: 3...8, using: &random)).map { "n\($0)" }
        var step = 0
        for _ in 0..<Int.random(in: 20...80, using: &random) {
            step += 1
            let index = Int.random(in: 0..<count, using: &random)
            let laptop = harness.laptops[index]
            let id = ids.randomElement(using: &random)!
            let existing = try laptop.records.record(.notices, id: id)
            let value = "s\(seed)-e\(step)"
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6:
                if existing == nil {
                    let input = ["title": "标题" + value, "body": "正文" + value, "category": "民生", "channel": "公开栏", "published_on": "2020-01-01"]
                    let record = try laptop.records.create(.notices, id: id, input: input, now: now(index))
                    var fields: [String: String?] = [:]
                    for field in RecordKind.notices.fields { fields.updateValue(record.values[field.name], forKey: field.name) }
                    fields.updateValue("0", forKey: deletedField)
                    model.write(at: index, record: id, fields: fields, dot: record.version.fields[deletedField]!.standing(in: deletedField).dot)
                } else if existing!.isDeleted {
                    let record = try laptop.records.restore(.notices, id: id, now: now(index))
                    model.write(at: index, record: id, fields: [deletedField: "0"], dot: record.version.fields[deletedField]!.standing(in: deletedField).dot)
                } else {
                    let changed = ["title", "body"].shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random))
                    var input: [String: String] = [:]
                    for field in changed { input[field] = field + value }
                    let (record, _) = try laptop.records.update(.notices, id: id, input: input, now: now(index))
                    var fields: [String: String?] = [deletedField: "0"]
                    for (field, text) in input { fields.updateValue(text, forKey: field) }
                    model.write(at: index, record: id, fields: fields, dot: record.version.fields[deletedField]!.standing(in: deletedField).dot)
                }
            case 6:
                guard let existing, !existing.isDeleted else { continue }
                try laptop.records.delete(.notices, id: id, now: now(index))
                let record = try laptop.records.record(.notices, id: id)!
                model.write(at: index, record: id, fields: [deletedField: "1"], dot: record.version.fields[deletedField]!.standing(in: deletedField).dot)
            default:
                // A partial sync: small batches, sometimes cut, sometimes with a lost reply.
                let cut = Int.random(in: 0..<3, using: &random)
                transports[index].arm(failOn: cut == 1 ? Int.random(in: 1...4, using: &random) : nil,
                                      loseOn: cut == 2 ? Int.random(in: 1...4, using: &random) : nil)
                _ = try? await harness.sync(laptop, batchSize: Int.random(in: 1...4, using: &random), transport: transports[index], now: now(index))
                apply(transports[index].drain(), laptop: index, to: &model)
            }
        }
        // Everyone syncs twice, in turn, in full; in the second round every digest must agree.
        var unconverged: [Int] = []
        for round in 0..<2 {
            for index in 0..<count {
                transports[index].arm(failOn: nil, loseOn: nil)
                let report = try await harness.sync(harness.laptops[index], batchSize: 3, transport: transports[index], now: now(index))
                apply(transports[index].drain(), laptop: index, to: &model)
                if round == 1 && report.converged != true { unconverged.append(index) }
            }
        }
        let states = try ([harness.server] + harness.laptops).map(syncedState)
        let final = Dictionary(uniqueKeysWithValues: try harness.server.records.all(.notices, includeDeleted: true).map { ($0.id, $0.version) })
        var problems = model.violations(final: final)
        if !unconverged.isEmpty { problems.append("laptops \(unconverged) did not converge by digest") }
        // Every conflict is listed on every replica.
        let conflictLists = try ([harness.server] + harness.laptops).map { try $0.records.conflicts().map { "\($0.id)/\($0.field)" } }
        if Set(conflictLists.map { $0.joined(separator: ",") }).count != 1 { problems.append("conflict lists differ: \(conflictLists)") }
        let expected = final.flatMap { id, version in version.conflictedFields.map { "\(id)/\($0)" } }.sorted()
        if conflictLists[0].sorted() != expected { problems.append("conflicts listed \(conflictLists[0]) but registers hold \(expected)") }
        let exports = try ([harness.server] + harness.laptops).map { replica in
            try replica.records.all(.notices).map { $0.csvFields.joined(separator: ",") }.joined(separator: "\n")
        }
        return (states, problems, exports, model.writes.count, expected.count)
    }

    private func apply(_ events: [ObservedTransport.Event], laptop: Int, to model: inout CausalModel) {
        for event in events {
            switch event {
            case .pushed(let ids): for id in ids { model.transfer(id, from: laptop, to: CausalModel.server) }
            case .pulled(let ids): for id in ids { model.transfer(id, from: CausalModel.server, to: laptop) }
            }
        }
    }
}

@Suite("Convergence of several laptops and the server", .tags(.slow), .fullSuiteOnly)
struct ConvergenceTests {
    static let seeds = propertySeeds(count: 40, base: 77_001)

    @Test("random capture and partial syncs, then a full sync: identical replicas, every write accounted for")
    func converges() async throws {
        var writes = 0, seedsWithConflicts = 0
        for seed in Self.seeds {
            let (states, problems, exports, written, conflicts) = try await ConvergenceRun(seed: seed, skewed: false).run()
            #expect(Set(states).count == 1, "replicas differ, seed \(seed)")
            #expect(Set(exports).count == 1, "exports differ, seed \(seed)")
            #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(5))")
            #expect(written >= 10, "seed \(seed) wrote only \(written): the property held for almost nothing")
            writes += written
            if conflicts > 0 { seedsWithConflicts += 1 }
        }
        // The property is worth something only if the runs wrote a lot and raced often.
        print("convergence: \(writes) writes checked over \(Self.seeds.count) seeds, \(seedsWithConflicts) of them ending with conflicts")
        #expect(writes >= 25 * Self.seeds.count, "only \(writes) writes checked")
        #expect(seedsWithConflicts >= Self.seeds.count / 2, "only \(seedsWithConflicts) seeds raced into a conflict")
    }

    @Test("clocks years off and jumping backwards give the same final state")
    func clockSkew() async throws {
        for seed in Self.seeds.prefix(20) {
            let straight = try await ConvergenceRun(seed: seed, skewed: false).run()
            let skewed = try await ConvergenceRun(seed: seed, skewed: true).run()
            #expect(skewed.problems.isEmpty, "seed \(seed): \(skewed.problems.prefix(5))")
            #expect(skewed.exports == straight.exports ? true : false, "exports differ with skewed clocks, seed \(seed)")
            #expect(skewed.states == straight.states ? true : false, "states differ with skewed clocks, seed \(seed)")
        }
    }
}
