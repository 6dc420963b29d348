import SyncCore

/// The JSON form of the protocol's messages (docs/PROTOCOL.md). Bodies travel gzip-compressed.
public enum Wire {
    public static func encode(_ request: PushRequest) -> [UInt8] { WireRecords.write(request) }
    public static func encode(_ request: PullRequest) -> [UInt8] { WireMessages.write(request) }
    public static func encode(_ request: DoneRequest) -> [UInt8] { WireMessages.write(request) }
    public static func encode(_ response: PushResponse) -> [UInt8] { WireMessages.write(response) }
    public static func encode(_ response: PullResponse) -> [UInt8] { WireRecords.write(response) }
    public static func encode(_ response: DoneResponse) -> [UInt8] { WireMessages.write(response) }
    public static func encode(_ error: WireError) -> [UInt8] { WireMessages.write(error) }
    public static func encode(_ status: ServerStatus) -> [UInt8] { WireMessages.write(status) }
    public static func encode(_ health: ServerHealth) -> [UInt8] { WireMessages.write(health) }
    public static func encode(_ identity: TokenIdentity) -> [UInt8] { WireMessages.write(identity) }
    public static func tokenIdentity(_ bytes: [UInt8]) throws -> TokenIdentity { try WireMessages.tokenIdentity(bytes) }

    public static func pushRequest(_ bytes: [UInt8]) throws -> PushRequest { try WireRecords.pushRequest(bytes) }
    public static func pullRequest(_ bytes: [UInt8]) throws -> PullRequest { try WireRecords.pullRequest(bytes) }
    public static func doneRequest(_ bytes: [UInt8]) throws -> DoneRequest { try WireRecords.doneRequest(bytes) }
    public static func pushResponse(_ bytes: [UInt8]) throws -> PushResponse { try WireMessages.pushResponse(bytes) }
    public static func pullResponse(_ bytes: [UInt8]) throws -> PullResponse { try WireRecords.pullResponse(bytes) }
    public static func doneResponse(_ bytes: [UInt8]) throws -> DoneResponse { try WireMessages.doneResponse(bytes) }
    public static func error(_ bytes: [UInt8]) -> WireError? { WireMessages.error(bytes) }

    /// A body that does not match the protocol, with what is wrong.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let detail: String
        public var description: String { detail }
    }

    /// A push of more records than a batch may hold, refused as soon as the excess is seen.
    public struct TooLarge: Error, Equatable, CustomStringConvertible {
        public let records: Int
        public var description: String {
            "一次推送最多 \(SyncLimits.maximumBatchRecords) 条记录 (这次至少有 \(records) 条); 请用 --batch-size \(SyncLimits.maximumBatchRecords) 或更小的值, 或升级 gongkai"
        }
    }
}

/// An error body: `{"error": {"code": …, "message": …, …}}`. The code and numbers rebuild the
/// same `SyncRefused` on the client that the server threw.
public struct WireError: Sendable, Equatable, Error {
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
        case .siteTaken(let site):
            self.init(code: "site_taken", message: refused.description)
            self.site = site.rawValue
        case .batchTooLarge:
            self.init(code: "batch_too_large", message: refused.description)
        case .wrongUnit:
            self.init(code: "wrong_unit", message: refused.description)
        case .quotaExceeded(let message):
            self.init(code: "quota_exceeded", message: message)
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
        case "site_taken": return site.flatMap(SiteID.init).map { .siteTaken(site: $0) }
        case "quota_exceeded": return .quotaExceeded(message)
        default: return nil
        }
    }
}

/// `GET /v1/status`: what server this is (no token needed).
public struct ServerStatus: Sendable, Equatable {
    public let `protocol`: Int
    public let schema: Int
    public let unit: String
    public let name: String

    public init(protocol: Int, schema: Int, unit: String, name: String) {
        self.protocol = `protocol`
        self.schema = schema
        self.unit = unit
        self.name = name
    }
}

/// `GET /v1/health`: the server answers, reads its database, and how its writes are queued.
public struct ServerHealth: Sendable, Equatable {
    public let status: String
    public let writesWaiting: Int
    public let oldestWriteSeconds: Double
    /// Free space where the database lies (nil: not known here).
    public let freeDiskBytes: Int64?

    public init(status: String, writesWaiting: Int, oldestWriteSeconds: Double, freeDiskBytes: Int64? = nil) {
        self.status = status
        self.writesWaiting = writesWaiting
        self.oldestWriteSeconds = oldestWriteSeconds
        self.freeDiskBytes = freeDiskBytes
    }
}

/// What `/v1/identity` tells a device of its own token: the unit it records for (its code, name
/// and parent), and the server's own unit, so that `gongkai init --server` needs no code typed.
public struct TokenIdentity: Sendable, Equatable {
    public let unit: UnitInfo
    public let server: UnitInfo

    public init(unit: UnitInfo, server: UnitInfo) {
        self.unit = unit
        self.server = server
    }
}
