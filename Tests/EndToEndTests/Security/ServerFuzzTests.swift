import Foundation
import Testing
import TestSupport
import TestTiers

/// A JSON value kept as written: numbers as their literal text, so that the fuzzer can send
/// numbers no Swift integer holds (2^64, 1e400, -0).
indirect enum FuzzJSON {
    case number(String)
    case string(String)
    case bool(Bool)
    case null
    case array([FuzzJSON])
    case object([(String, FuzzJSON)])

    var text: String {
        switch self {
        case .number(let literal): literal
        case .string(let value): TrustTown.quoted(value)
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { TrustTown.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    /// The paths to every value inside, with the value.
    func leaves(_ path: [Int] = []) -> [([Int], FuzzJSON)] {
        switch self {
        case .array(let items): [(path, self)] + items.enumerated().flatMap { $0.element.leaves(path + [$0.offset]) }
        case .object(let members): [(path, self)] + members.enumerated().flatMap { $0.element.1.leaves(path + [$0.offset]) }
        default: [(path, self)]
        }
    }

    func replacing(_ path: [Int], with value: FuzzJSON) -> FuzzJSON {
        guard let first = path.first else { return value }
        switch self {
        case .array(var items):
            items[first] = items[first].replacing(Array(path.dropFirst()), with: value)
            return .array(items)
        case .object(var members):
            members[first].1 = members[first].1.replacing(Array(path.dropFirst()), with: value)
            return .object(members)
        default: return self
        }
    }

    func removing(_ path: [Int]) -> FuzzJSON {
        guard let first = path.first else { return self }
        switch self {
        case .array(var items):
            if path.count == 1 { items.remove(at: first) } else { items[first] = items[first].removing(Array(path.dropFirst())) }
            return .array(items)
        case .object(var members):
            if path.count == 1 { members.remove(at: first) } else { members[first].1 = members[first].1.removing(Array(path.dropFirst())) }
            return .object(members)
        default: return self
        }
    }
}

/// Mutates valid pushes and pulls the way a careless script or a curious official might.
struct SyncMessageFuzzer {
    var random: SeededGenerator
    /// Sites of other devices (the honest laptops', the server's own).
    let otherSites: [String]

    static let edgeNumbers = ["0", "1", "-1", "2147483648", "4294967296", "9007199254740991", "9007199254740992", "9223372036854775807",
                              "9223372036854775808", "18446744073709551615", "18446744073709551616", "100000000000000000000000000000",
                              "-9223372036854775808", "-9223372036854775809", "1.5", "1e3", "-0", "1E400"]

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }

    mutating func oversized() -> String {
        let count = pick([65, 200, 4_097, 70_000, 300_000])
        return String(repeating: pick(["x", "村", "\u{1F600}"]), count: count)
    }

    mutating func controlled(_ text: String) -> String {
        let inserted = pick(["\u{0}", "\n", "\r\n", "\t", "\u{1B}[31m", "\u{7F}", "\u{2028}", "\u{85}", "\u{FEFF}"])
        let at = Int.random(in: 0...text.count, using: &random)
        return String(text.prefix(at)) + inserted + String(text.dropFirst(at))
    }

    /// A dot-like string ("site:counter[:time]" or a clock or vector of them) with one part changed.
    mutating func mutatedDots(_ text: String) -> String {
        var groups = text.components(separatedBy: CharacterSet(charactersIn: ",;=")).filter { $0.contains(":") }
        guard !groups.isEmpty else { return text }
        let index = Int.random(in: 0..<groups.count, using: &random)
        var parts = groups[index].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch Int.random(in: 0..<3, using: &random) {
        case 0: parts[0] = pick(otherSites)
        case 1 where parts.count > 1: parts[1] = pick(Self.edgeNumbers)
        default: if parts.count > 2 { parts[2] = pick(Self.edgeNumbers) }
        }
        let original = groups[index]
        groups[index] = parts.joined(separator: ":")
        return text.replacingOccurrences(of: original, with: groups[index])
    }

    /// One mutation of `message`; what kind it was, for the counts.
    mutating func mutate(_ message: FuzzJSON) -> (String, [UInt8]) {
        let leaves = message.leaves().filter { !$0.0.isEmpty }
        let (path, value) = pick(leaves)
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            return ("number at its edge", Array(message.replacing(path, with: .number(pick(Self.edgeNumbers))).text.utf8))
        case 1:
            guard case .string(let text) = value, text.contains(":") else { fallthrough }
            return ("another device's site or dot", Array(message.replacing(path, with: .string(mutatedDots(text))).text.utf8))
        case 2:
            if case .string(let text) = value, text.count == 16, text.allSatisfy(\.isHexDigit) {
                return ("another device's site or dot", Array(message.replacing(path, with: .string(pick(otherSites))).text.utf8))
            }
            return ("oversized string", Array(message.replacing(path, with: .string(oversized())).text.utf8))
        case 3:
            guard case .string(let text) = value else { fallthrough }
            return ("control characters", Array(message.replacing(path, with: .string(controlled(text))).text.utf8))
        case 4:
            return ("member removed or retyped", Array((Bool.random(using: &random) ? message.removing(path)
                                                       : message.replacing(path, with: pick([.null, .bool(true), .array([]), .object([]), .string("")]))).text.utf8))
        case 5:
            var bytes = Array(message.text.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) { bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            return ("bytes flipped", bytes)
        default:
            return ("oversized string", Array(message.replacing(path, with: .string(oversized())).text.utf8))
        }
    }
}

@Suite("Fuzzing the real server with a valid village token", .tags(.slow), .fullSuiteOnly)
struct ServerFuzzTests {
    @Test("10,000 mutations of valid pushes and pulls: the server never dies, synced records are unchanged, honest laptops sync on")
    func mutations() throws {
        // Given a township with honest laptops that have synced, and an attacker holding village A's token
        let trust = try TrustTown()
        // (each honest laptop brings 20 more records, and a and t edit one record at once: a conflict)
        for name in ["a", "b", "t"] {
            let unit = name == "b" ? TrustTown.villageB : name == "a" ? TrustTown.villageA : Township.township
            let rows = (0..<20).map { "\(name)-\($0),\(unit),2021-0\($0 % 9 + 1)-1\($0 % 10),\($0 * 7 + 1).5" }
            let csv = trust.town.workspace.write("\(name).csv", "id,unit,collected_on,amount_yuan\n" + rows.joined(separator: "\n") + "\n")
            #expect(try trust.town.gongkai(name, ["import", "fees", csv]).status == 0)
            try trust.town.sync(name)
        }
        try trust.town.sync("t")
        #expect(try trust.town.gongkai("a", ["fee", "edit", "fee-aaaaaaaaaaaaaaaa", "--amount-yuan", "11"]).status == 0)
        #expect(try trust.town.gongkai("t", ["fee", "edit", "fee-aaaaaaaaaaaaaaaa", "--amount-yuan", "12"]).status == 0)
        for name in ["a", "t", "a"] { try trust.town.sync(name) }
        let before = try trust.serverRecords()
        #expect(before.count == 63)
        #expect(try trust.sql("SELECT conflicts FROM fees WHERE id = 'fee-aaaaaaaaaaaaaaaa'") == "1")
        let serverSite = try trust.sql("SELECT site FROM replica")
        let seed = ProcessInfo.processInfo.environment["GONGKAI_SEED"].flatMap(UInt64.init) ?? 20_261_130
        var fuzzer = SyncMessageFuzzer(random: SeededGenerator(seed: seed), otherSites: TrustTown.sites.values.sorted() + [serverSite])
        let site = TrustTown.attackerSite
        let sender = FuzzJSON.object([("device", .string("attacker")), ("site", .string(site)), ("unit", .string(TrustTown.villageA))])
        func fee(_ n: Int) -> FuzzJSON {
            .object([("dot", .string("\(site):\(n):1700000000")), ("id", .string("fz-\(n)")), ("kind", .string("fees")),
                     ("unit", .string(TrustTown.villageA)),
                     ("values", .object([("_deleted", .string("0")), ("amount_yuan", .string("1")), ("collected_on", .string("2021-04-01"))]))])
        }
        let fullFee = FuzzJSON.object([
            ("clock", .string("\(site):7:1700000000=_deleted,amount_yuan,collected_on")), ("id", .string("fz-full")), ("kind", .string("fees")),
            ("siblings", .array([.object([("c", .number("3")), ("f", .string("amount_yuan")), ("s", .string(TrustTown.sites["a"]!)),
                                          ("t", .number("1700000000")), ("v", .string("2"))])])),
            ("unit", .string(TrustTown.villageA)),
            ("values", .object([("_deleted", .string("0")), ("amount_yuan", .string("1")), ("collected_on", .string("2021-04-01"))])),
            ("vv", .string("\(site):7,\(TrustTown.sites["a"]!):3")),
        ])
        let messages: [(String, FuzzJSON)] = [
            ("/v1/push", .object([("counter", .number("8")), ("protocolVersion", .number("2")), ("records", .array([fee(1), fee(2), fullFee])),
                                   ("schemaVersion", .number("\(trust.schema)")), ("sender", sender)])),
            ("/v1/pull", .object([("counter", .number("8")), ("cursor", .object([("mark", .string("m")), ("seq", .number("0"))])),
                                   ("limit", .number("100")), ("protocolVersion", .number("2")), ("schemaVersion", .number("\(trust.schema)")),
                                   ("sender", sender)])),
            ("/v1/done", .object([("conflicts", .number("0")), ("digest", .string("00")), ("protocolVersion", .number("2")),
                                   ("pulled", .number("0")), ("pushed", .number("0")), ("sender", sender)])),
        ]
        // When 10,000 mutations are sent, over kept-alive connections
        var statuses: [Int: Int] = [:]
        var kinds: [String: Int] = [:]
        var connection = try trust.connection()
        let total = 10_000
        for round in 0..<total {
            let (path, message) = messages[round % messages.count]
            let (kind, body) = fuzzer.mutate(message)
            kinds[kind, default: 0] += 1
            var answer: RawHTTPConnection.Response
            do {
                answer = try connection.request("POST", path, headers: trust.headers(), body: body)
            } catch {
                // The server may close a connection after an error answer; a new one must work.
                connection = try trust.connection()
                answer = try connection.request("POST", path, headers: trust.headers(), body: body)
            }
            statuses[answer.status, default: 0] += 1
            #expect(answer.status < 500, "round \(round) (\(kind)): \(answer.status) \(answer.text.prefix(300))")
            if answer.status != 200 { #expect(answer.errorCode != nil, "round \(round) (\(kind)): \(answer.text.prefix(300))") }
            if answer.headers["connection"]?.lowercased() == "close" { connection = try trust.connection() }
        }
        print("FUZZ seed=\(seed) requests=\(total) statuses=\(statuses.sorted { $0.key < $1.key }) mutations=\(kinds.sorted { $0.key < $1.key })")
        // Then the server is up, the file is sound, and every record synced before is as it was
        #expect(trust.isUp())
        #expect(try trust.integrity() == "ok")
        let after = Set(try trust.serverRecords())
        let changed = before.filter { !after.contains($0) }
        #expect(changed.isEmpty, "changed or lost: \(changed.prefix(3))")
        #expect(statuses.values.reduce(0, +) == total)
        // No counter was driven toward the edge: each site's and the server's own stay where honest work put them.
        #expect((Int64(try trust.sql("SELECT max(counter) FROM sites")) ?? .max) < 1 << 25)
        #expect((Int64(try trust.sql("SELECT counter FROM replica")) ?? .max) < 1 << 25)
        // And the honest laptops sync, write and sync again
        try trust.honestLaptopsKeepSyncing("fuzz")
        func id(_ line: String) -> String {
            line.split(separator: "|").first { $0.hasPrefix("id=") }.map(String.init) ?? line
        }
        let afterIDs = Set(after.map(id))
        let lost = changed.filter { !afterIDs.contains(id($0)) }.count
        print("FAULT-SUMMARY case=\"mutated pushes and pulls with a valid village token (real server)\" syncs=8 faults=\(total) "
              + "writes_checked=\(before.count) lost=\(lost) duplicates=\(changed.count - lost) crashes=\(trust.isUp() ? 0 : 1)")
    }
}
