/// How a syncing replica reaches the serving one. The HTTP transport and the in-process one
/// pass the same contract tests.
public protocol SyncTransport: Sendable {
    func push(_ request: PushRequest) async throws -> PushResponse
    func pull(_ request: PullRequest) async throws -> PullResponse
    func done(_ request: DoneRequest) async throws -> DoneResponse
}

/// A transport that calls a `SyncService` in the same process, with a fixed scope: two
/// replicas in one process can sync, and tests need no network.
public struct InProcessTransport: SyncTransport {
    public let service: SyncService
    public let scope: SyncScope
    private let clock: @Sendable () -> Int64

    public init(service: SyncService, scope: SyncScope = .everything, clock: @escaping @Sendable () -> Int64) {
        self.service = service
        self.scope = scope
        self.clock = clock
    }

    public func push(_ request: PushRequest) async throws -> PushResponse {
        try service.push(request, scope: scope, now: clock())
    }

    public func pull(_ request: PullRequest) async throws -> PullResponse {
        try service.pull(request, scope: scope, now: clock())
    }

    public func done(_ request: DoneRequest) async throws -> DoneResponse {
        try service.done(request, scope: scope, now: clock())
    }
}
