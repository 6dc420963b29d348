import Foundation

/// The JSON form of the protocol's messages (docs/PROTOCOL.md). Bodies travel gzip-compressed.
public enum Wire {
    public static func encode(_ request: PushRequest) -> [UInt8] { encoded(WirePush(request)) }
    public static func encode(_ request: PullRequest) -> [UInt8] { encoded(WirePull(request)) }
    public static func encode(_ request: DoneRequest) -> [UInt8] { encoded(WireDone(request)) }
    public static func encode(_ response: PushResponse) -> [UInt8] { encoded(WirePushResponse(response)) }
    public static func encode(_ response: PullResponse) -> [UInt8] { encoded(WirePullResponse(response)) }
    public static func encode(_ response: DoneResponse) -> [UInt8] { encoded(WireDoneResponse(response)) }
    public static func encode(_ error: WireError) -> [UInt8] { encoded(WireErrorBody(error: error)) }

    public static func pushRequest(_ bytes: [UInt8]) throws -> PushRequest { try decoded(WirePush.self, bytes).message() }
    public static func pullRequest(_ bytes: [UInt8]) throws -> PullRequest { try decoded(WirePull.self, bytes).message() }
    public static func doneRequest(_ bytes: [UInt8]) throws -> DoneRequest { try decoded(WireDone.self, bytes).message() }
    public static func pushResponse(_ bytes: [UInt8]) throws -> PushResponse { try decoded(WirePushResponse.self, bytes).message() }
    public static func pullResponse(_ bytes: [UInt8]) throws -> PullResponse { try decoded(WirePullResponse.self, bytes).message() }
    public static func doneResponse(_ bytes: [UInt8]) throws -> DoneResponse { try decoded(WireDoneResponse.self, bytes).message() }
    public static func error(_ bytes: [UInt8]) -> WireError? { try? decoded(WireErrorBody.self, bytes).error }

    /// A body that does not match the protocol, with what is wrong.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let detail: String
        public var description: String { detail }
    }

    private static func encoded<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try! encoder.encode(value))
    }

    private static func decoded<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw Malformed(detail: describe(error))
        } catch {
            throw Malformed(detail: "不是有效的 JSON")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "缺少字段 \(path(context)).\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "字段 \(path(context)) 的类型不对"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "不是有效的 JSON" : "字段 \(path(context)) 的值无效"
        @unknown default: return "无法解析"
        }
    }
}

/// An error body: `{"error": {"code": …, "message": …, …}}`. The code and numbers rebuild the
/// same `SyncRefused` on the client that the server threw.
public struct WireError: Codable, Sendable, Equatable, Error {
    public let code: String
    public let message: String
    public var server: Int?
    public var client: Int?
    public var site: String?
    public var known: UInt64?
    public var declared: UInt64?
    public var field: String?

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ refused: SyncRefused) {
        switch refused {
        case .protocolMismatch(let server, let client):
            self.init(code: "protocol_mismatch", message: refused.description)
            self.server = server
            self.client = client
        case .schemaMismatch(let server, let client):
            self.init(code: "schema_mismatch", message: refused.description)
            self.server = server
            self.client = client
        case .counterWentBack(let site, let known, let declared):
            self.init(code: "counter_went_back", message: refused.description)
            self.site = site.rawValue
            self.known = known
            self.declared = declared
        case .divergentHistory(let history):
            self.init(code: "divergent_history", message: history.detail)
            self.site = history.site.rawValue
            self.field = history.field
        case .notAllowed(let message):
            self.init(code: "not_allowed", message: message)
        }
    }

    /// The refusal this error stands for, when it is one.
    public var refusal: SyncRefused? {
        switch code {
        case "protocol_mismatch": return server.flatMap { server in client.map { .protocolMismatch(server: server, client: $0) } }
        case "schema_mismatch": return server.flatMap { server in client.map { .schemaMismatch(server: server, client: $0) } }
        case "counter_went_back":
            guard let site = site.flatMap(SiteID.init), let known, let declared else { return nil }
            return .counterWentBack(site: site, known: known, declared: declared)
        case "divergent_history":
            guard let site = site.flatMap(SiteID.init), let field else { return nil }
            return .divergentHistory(DivergentHistory(site: site, field: field, detail: message))
        case "not_allowed": return .notAllowed(message)
        default: return nil
        }
    }
}

private struct WireErrorBody: Codable { let error: WireError }

// MARK: - Message forms

struct WireSite: Codable {
    let site: String
    let device: String
    let unit: String

    init(_ site: SiteInfo) {
        self.site = site.site.rawValue
        device = site.deviceName
        unit = site.unit
    }

    func message() throws -> SiteInfo {
        guard let id = SiteID(site) else { throw Wire.Malformed(detail: "站点 id \"\(site.prefix(40))\" 无效") }
        return SiteInfo(site: id, deviceName: device, unit: unit)
    }
}

struct WireCursor: Codable {
    let mark: String
    let seq: Int64

    init(_ cursor: SyncCursor) {
        mark = cursor.mark
        seq = cursor.seq
    }

    var message: SyncCursor { SyncCursor(mark: mark, seq: seq) }
}

/// A record on the wire. The usual version — one change wrote every field, nothing concurrent —
/// goes in a short form: `dot` ("site:counter:time") and, when some fields were written empty,
/// `cleared` (their names, comma-separated); the vector and clock are that one dot and the
/// fields of `values` plus `cleared`. Anything else goes as `vv` and `clock` in full. A dot of
/// `"+"` is the previous record's dot with the counter one higher (an import's rows, pushed in
/// order, are consecutive changes of one site at one time): only the first of a run is spelt out.
struct WireRecord: Codable {
    let kind: String
    let id: String
    let unit: String
    let vv: String?
    let clock: String?
    let dot: String?
    let cleared: String?
    let values: [String: String]
    let siblings: [CompactVersion.Sibling]?

    /// The records of one message, in order, each dot that follows its predecessor's as `"+"`.
    static func encode(_ records: [RemoteRecord]) -> [WireRecord] {
        var previous: ShortDot?
        return records.map { record in
            let wire = WireRecord(record, after: previous)
            previous = wire.spelt
            return wire
        }
    }

    /// The messages' records, each `"+"` resolved against the record before it.
    static func decode(_ records: [WireRecord]) throws -> [RemoteRecord] {
        var previous: ShortDot?
        return try records.map { wire in
            let (record, dot) = try wire.message(after: previous)
            previous = dot
            return record
        }
    }

    /// A short form's dot: one change, by one site, at one time.
    struct ShortDot: Equatable {
        let dot: Dot
        let time: Int64

        init(dot: Dot, time: Int64) { (self.dot, self.time) = (dot, time) }

        init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, let site = SiteID(String(parts[0])), let counter = UInt64(parts[1]), counter > 0,
                  let time = Int64(parts[2]) else { return nil }
            (dot, self.time) = (Dot(site: site, counter: counter), time)
        }

        var next: ShortDot? {
            let (counter, overflow) = dot.counter.addingReportingOverflow(1)
            return overflow ? nil : ShortDot(dot: Dot(site: dot.site, counter: counter), time: time)
        }
        var text: String { "\(dot.site.rawValue):\(dot.counter):\(time)" }
    }

    /// The dot this record stands for, when it is in the short form (not sent; for the next record).
    private var spelt: ShortDot?

    private enum CodingKeys: String, CodingKey { case kind, id, unit, vv, clock, dot, cleared, values, siblings }

    private init(_ record: RemoteRecord, after previous: ShortDot?) {
        kind = record.kind
        id = record.id
        unit = record.unit
        if let short = WireRecord.shortForm(record.version) {
            (values, siblings, vv, clock) = (short.values, nil, nil, nil)
            dot = short.dot == previous?.next ? "+" : short.dot.text
            cleared = short.cleared.isEmpty ? nil : short.cleared.sorted().joined(separator: ",")
            spelt = short.dot
        } else {
            let compact = record.version.compact
            (values, siblings, vv, clock) = (compact.values, compact.siblings.isEmpty ? nil : compact.siblings, compact.vv, compact.clock)
            (dot, cleared, spelt) = (nil, nil, nil)
        }
    }

    /// The one change that wrote every field of `version`, when that is all it holds: its clock
    /// is that change's dot, and every field has one entry, by that change.
    private static func shortForm(_ version: RecordVersion) -> (dot: ShortDot, values: [String: String], cleared: [String])? {
        guard version.clock.counters.count == 1, let (site, counter) = version.clock.counters.first,
              let first = version.fields.first?.value.entries.first, first.dot == Dot(site: site, counter: counter) else { return nil }
        var values: [String: String] = [:]
        values.reserveCapacity(version.fields.count)
        var cleared: [String] = []
        for (field, register) in version.fields {
            guard register.entries.count == 1, register.entries[0].dot == first.dot, register.entries[0].writtenAt == first.writtenAt else { return nil }
            if let value = register.entries[0].value { values[field] = value } else { cleared.append(field) }
        }
        return (ShortDot(dot: first.dot, time: first.writtenAt), values, cleared)
    }

    /// The record, and its dot when it is in the short form.
    private func message(after previous: ShortDot?) throws -> (RemoteRecord, ShortDot?) {
        let invalid = Wire.Malformed(detail: "记录 \(kind)/\(id.prefix(64)) 的版本信息无效")
        guard let dot else {
            guard let vv, let clock, cleared == nil,
                  let version = RecordVersion(compact: CompactVersion(vv: vv, clock: clock, values: values, siblings: siblings ?? [])) else { throw invalid }
            return (RemoteRecord(kind: kind, id: id, unit: unit, version: version), nil)
        }
        guard vv == nil, clock == nil, siblings == nil else { throw invalid }
        guard let short = dot == "+" ? previous?.next : ShortDot(dot) else {
            throw Wire.Malformed(detail: "记录 \(kind)/\(id.prefix(64)) 的 dot \"\(dot.prefix(64))\" 无效" + (dot == "+" ? " (\"+\" 须紧跟一条有 dot 的记录)" : ""))
        }
        var fields: [String: FieldRegister] = [:]
        fields.reserveCapacity(values.count + 1)
        for (field, value) in values {
            guard !field.isEmpty else { throw invalid }
            fields[field] = FieldRegister(single: FieldEntry(dot: short.dot, value: value, writtenAt: short.time))
        }
        for field in cleared?.split(separator: ",", omittingEmptySubsequences: false) ?? [] {
            guard !field.isEmpty, fields[String(field)] == nil else { throw invalid }
            fields[String(field)] = FieldRegister(single: FieldEntry(dot: short.dot, value: nil, writtenAt: short.time))
        }
        guard !fields.isEmpty else { throw invalid }
        let version = RecordVersion(clock: VersionVector([short.dot.site: short.dot.counter]), fields: fields)
        return (RemoteRecord(kind: kind, id: id, unit: unit, version: version), short)
    }
}

struct WirePush: Codable {
    let protocolVersion: Int
    let schemaVersion: Int
    let sender: WireSite
    let counter: UInt64
    let cursor: WireCursor?
    let records: [WireRecord]

    init(_ request: PushRequest) {
        protocolVersion = request.protocolVersion
        schemaVersion = request.schemaVersion
        sender = WireSite(request.sender)
        counter = request.senderCounter
        cursor = request.cursor.map(WireCursor.init)
        records = WireRecord.encode(request.records)
    }

    func message() throws -> PushRequest {
        PushRequest(protocolVersion: protocolVersion, schemaVersion: schemaVersion, sender: try sender.message(),
                    senderCounter: counter, cursor: cursor?.message, records: try WireRecord.decode(records))
    }
}

struct WirePull: Codable {
    let protocolVersion: Int
    let schemaVersion: Int
    let sender: WireSite
    let counter: UInt64
    let cursor: WireCursor?
    let limit: Int

    init(_ request: PullRequest) {
        protocolVersion = request.protocolVersion
        schemaVersion = request.schemaVersion
        sender = WireSite(request.sender)
        counter = request.senderCounter
        cursor = request.cursor.map(WireCursor.init)
        limit = request.limit
    }

    func message() throws -> PullRequest {
        PullRequest(protocolVersion: protocolVersion, schemaVersion: schemaVersion, sender: try sender.message(),
                    senderCounter: counter, cursor: cursor?.message, limit: limit)
    }
}

struct WireDone: Codable {
    let protocolVersion: Int
    let sender: WireSite
    let digest: String
    let pushed: Int
    let pulled: Int
    let conflicts: Int

    init(_ request: DoneRequest) {
        protocolVersion = request.protocolVersion
        sender = WireSite(request.sender)
        digest = request.digest
        pushed = request.pushed
        pulled = request.pulled
        conflicts = request.conflicts
    }

    func message() throws -> DoneRequest {
        DoneRequest(protocolVersion: protocolVersion, sender: try sender.message(), digest: digest,
                    pushed: pushed, pulled: pulled, conflicts: conflicts)
    }
}

struct WireRefusal: Codable {
    let kind: String
    let id: String
    let reason: String
}

struct WirePushResponse: Codable {
    let changed: Int
    let conflicted: Int
    let refused: [WireRefusal]
    let restarted: Bool

    init(_ response: PushResponse) {
        changed = response.changed
        conflicted = response.conflicted
        refused = response.refused.map { WireRefusal(kind: $0.kind, id: $0.id, reason: $0.reason) }
        restarted = response.restarted
    }

    func message() throws -> PushResponse {
        PushResponse(changed: changed, conflicted: conflicted, refused: refused.map { Refusal(kind: $0.kind, id: $0.id, reason: $0.reason) },
                     restarted: restarted)
    }
}

struct WireUnit: Codable {
    let code: String
    let name: String
    let parent: String?
}

struct WirePullResponse: Codable {
    let records: [WireRecord]
    let sites: [WireSite]
    let units: [WireUnit]
    let next: WireCursor
    let more: Bool
    let restarted: Bool

    init(_ response: PullResponse) {
        records = WireRecord.encode(response.records)
        sites = response.sites.map(WireSite.init)
        units = response.units.map { WireUnit(code: $0.code, name: $0.name, parent: $0.parent) }
        next = WireCursor(response.next)
        more = response.more
        restarted = response.restarted
    }

    func message() throws -> PullResponse {
        PullResponse(records: try WireRecord.decode(records), sites: try sites.map { try $0.message() },
                     units: units.map { UnitInfo(code: $0.code, name: $0.name, parent: $0.parent) },
                     next: next.message, more: more, restarted: restarted)
    }
}

struct WireDoneResponse: Codable {
    let converged: Bool
    let digest: String

    init(_ response: DoneResponse) {
        converged = response.converged
        digest = response.digest
    }

    func message() throws -> DoneResponse { DoneResponse(converged: converged, digest: digest) }
}
