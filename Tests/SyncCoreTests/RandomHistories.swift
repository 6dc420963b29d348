import Foundation
import SyncCore
import TestSupport

/// Honest histories of one record on a few sites: each site writes, deletes, and merges what
/// another site holds, as replicas do. Every version any site held is collected.
func randomHistory(seed: UInt64) -> [RecordVersion] {
    var random = SeededGenerator(seed: seed)
    let sites = (0..<Int.random(in: 2...4, using: &random)).map { SiteID(String(repeating: "abcd"[$0], count: 16))! }
    let fieldNames = ["a", "b", "c"]
    let values: [String?] = ["x", "y", "z", nil]
    var counters = Array(repeating: UInt64(0), count: sites.count)
    var held: [RecordVersion?] = Array(repeating: nil, count: sites.count)
    var seen: [RecordVersion] = []
    for _ in 0..<Int.random(in: 5...30, using: &random) {
        let site = Int.random(in: 0..<sites.count, using: &random)
        counters[site] += UInt64.random(in: 1...3, using: &random)
        let dot = Dot(site: sites[site], counter: counters[site])
        let time = Int64.random(in: -1_000_000...1_000_000, using: &random)
        switch (held[site], Int.random(in: 0..<10, using: &random)) {
        case (nil, 0..<4), (_, 0..<1):
            let values = Dictionary(uniqueKeysWithValues: fieldNames.map { ($0, values.randomElement(using: &random)!) })
            held[site] = held[site].map { $0.writing(values, dot: dot, at: time) } ?? RecordVersion.created(values, dot: dot, at: time)
        case (nil, _):
            let other = Int.random(in: 0..<sites.count, using: &random)
            held[site] = held[other]
        case (let version?, 1..<6):
            let count = Int.random(in: 1...2, using: &random)
            let changes = Dictionary(uniqueKeysWithValues: fieldNames.shuffled(using: &random).prefix(count).map { ($0, values.randomElement(using: &random)!) })
            held[site] = version.writing(changes, dot: dot, at: time)
        case (let version?, 6..<7):
            held[site] = version.deleting(dot: dot, at: time)
        case (let version?, _):
            let other = Int.random(in: 0..<sites.count, using: &random)
            if let theirs = held[other] { held[site] = try! RecordVersion.merge(version, theirs) }
        }
        if let version = held[site] { seen.append(version) }
    }
    return seen
}

extension String {
    subscript(offset: Int) -> Character { self[index(startIndex, offsetBy: offset)] }
}
