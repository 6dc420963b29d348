/// How a syncing replica reaches the serving one. The HTTP transport and the in-process one
/// pass the same contract tests.
public protocol SyncTransport: Sendable {
    func push(_ request: PushRequest) async throws -> PushResponse
    func pull(_ request: PullRequest) async throws -> PullResponse
    func done(_ request: DoneRequest) async throws -> DoneResponse

    /// Makes a push ready to send (the HTTP transport encodes and compresses it here), so that
    /// the client can prepare its next batch while the server merges the last one.
    func prepare(_ request: PushRequest) -> PreparedPush
    /// Sends a push made ready by `prepare` of this transport.
    func push(_ prepared: PreparedPush) async throws -> PushResponse
}

/// A push request with, when its transport made one, the body it will send.
public struct PreparedPush: Sendable {
    public let request: PushRequest
    /// The transport's own form of the request (for HTTP: the gzip-compressed JSON).
    public let body: [UInt8]?

    public init(_ request: PushRequest, body: [UInt8]? = nil) {
        self.request = request
        self.body = body
    }
}

extension SyncTransport {
    /// By default nothing is done ahead: the request is sent as it is.
    public func prepare(_ request: PushRequest) -> PreparedPush { PreparedPush(request) }

    public func push(_ prepared: PreparedPush) async throws -> PushResponse { try await push(prepared.request) }
}

/// A transport that calls a `SyncService` in the same process, with a fixed scope: two
/// replicas in one process can sync, and tests need no network. The syncing replica is trusted
/// as it says (no device token: whoever opens both files holds the server's own data).
public struct InProcessTransport: SyncTransport {
    public let service: SyncService
    /// Who is asking: a fixed peer, or the holder of a token checked for each request.
    private let asking: Asking
    private let clock: @Sendable () -> Int64

    private enum Asking: Sendable {
        case peer(SyncPeer)
        case token(String)
    }

    public init(service: SyncService, scope: SyncScope = .everything, clock: @escaping @Sendable () -> Int64) {
        self.service = service
        asking = .peer(SyncPeer(scope: scope, device: nil))
        self.clock = clock
    }

    /// As the holder of a device token, checked by the store for each request as the HTTP server
    /// checks it: what the server would establish, without the network.
    public init(service: SyncService, token: String, clock: @escaping @Sendable () -> Int64) {
        self.service = service
        asking = .token(token)
        self.clock = clock
    }

    /// The peer the next request is served as.
    public var peer: SyncPeer {
        get throws {
            switch asking {
            case .peer(let peer): return peer
            case .token(let token):
                guard case .valid(let access) = try service.store.access(forToken: token) else { throw SyncRefused.notAllowed("令牌无效或已吊销") }
                return access.peer
            }
        }
    }

    public func push(_ request: PushRequest) async throws -> PushResponse {
        try service.push(request, peer: try peer, now: clock())
    }

    public func pull(_ request: PullRequest) async throws -> PullResponse {
        let peer = try peer
        let page = try service.pull(request, peer: peer, now: clock())
        guard let finish = service.finish(of: request, after: page) else { return page }
        return page.finished(try service.done(finish, peer: peer, now: clock()))
    }

    public func done(_ request: DoneRequest) async throws -> DoneResponse {
        try service.done(request, peer: try peer, now: clock())
    }
}
