import Dispatch
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
import SyncCore

/// A few connections to one PostgreSQL database, shared by the threads of one process. The
/// stores' methods are synchronous (the server calls them on its database lanes, never on an
/// event loop), so each waits here for a connection and for its queries' answers.
final class PostgresPool: Sendable {
    let location: PostgresLocation
    private let idle = Mutex<[PostgresConnection]>([])
    private let slots: DispatchSemaphore
    private let logger = Logger(label: "gongkai.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private let nextID = Atomic<Int>(0)
    private let cleartextChecked = Atomic<Bool>(false)

    /// At most `connections` at once; a caller beyond them waits for one to come back.
    init(_ location: PostgresLocation, connections: Int = 8) {
        self.location = location
        slots = DispatchSemaphore(value: connections)
    }

    deinit {
        // Callers are threads of their own (never an event loop), so waiting here is safe; a
        // connection must be closed before it goes.
        close()
    }

    /// Closes the connections not in use (the rest close as they come back).
    func close() {
        let connections = idle.withLock { idle in
            defer { idle = [] }
            return idle
        }
        for connection in connections { try? connection.close().wait() }
    }

    /// Runs `body` on one connection of the pool; a connection that broke is not reused. What
    /// PostgreSQL or the connection threw becomes a `PostgresStoreError`; the protocol's
    /// refusals (`SyncRefused`) pass as themselves.
    func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let connection = try take()
        let session = PostgresSession(connection: connection, location: location, logger: logger)
        do {
            let result = try body(session)
            give(connection)
            return result
        } catch {
            if !connection.isClosed { give(connection) }
            if error is SyncRefused { throw error }
            throw PostgresStoreError.from(error, location: location)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// `isolation` is PostgreSQL's (`READ COMMITTED` unless asked otherwise).
    func transaction<T>(_ isolation: String = "READ COMMITTED", readOnly: Bool = false,
                        _ body: (PostgresSession) throws -> T) throws -> T {
        try withSession { session in
            try session.run("BEGIN ISOLATION LEVEL \(isolation)\(readOnly ? " READ ONLY" : "")")
            do {
                let result = try body(session)
                try session.run("COMMIT")
                return result
            } catch {
                if !session.connection.isClosed { _ = try? session.run("ROLLBACK") }
                throw error
            }
        }
    }

    private func take() throws(PostgresStoreError) -> PostgresConnection {
        while let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        if location.mayAuthenticateInTheClear { try checkNoCleartextPassword() }
        let configuration = try location.configuration()
        do {
            let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
            return try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                  id: id, logger: logger).wait()
        } catch {
            throw PostgresStoreError.unreachable(location: location.description, detail: PostgresSession.describe(error))
        }
    }

    /// Once per pool, before a password goes over a connection that may not be encrypted: asks
    /// how the server authenticates, by connecting without the password. One that wants MD5 or
    /// SCRAM (or nothing) is answered; one that takes whatever it is sent (plain text) gets no
    /// password unless the URL allows it (`?require_auth=password`).
    private func checkNoCleartextPassword() throws(PostgresStoreError) {
        guard !cleartextChecked.load(ordering: .acquiring) else { return }
        let probe = try location.configuration(withPassword: false)
        let outcome = Result {
            try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: probe, id: -1, logger: logger).wait()
        }
        switch outcome {
        case .success(let connection):
            try? connection.close().wait()
        case .failure(let error as PSQLError) where error.code == .authMechanismRequiresPassword:
            break
        case .failure(let error as PSQLError) where error.code == .server && error.serverInfo?[.sqlState] == "28P01":
            // It took the empty plain-text password postgres-nio sends, and refused it.
            throw PostgresStoreError.refused(state: "28P01",
                                             message: "PostgreSQL 服务器 (\(location.description)) 要求以明文发送密码, 而连接没有加密; 密码未发送。"
                                                 + "请在服务器的 pg_hba.conf 改用 scram-sha-256, 或在地址上加 ?sslmode=require 加密连接; 确要明文发送请加 ?require_auth=password")
        case .failure(let error as PSQLError) where error.code == .server:
            // Refused for another reason (no such database, pg_hba says no): the real connection
            // says so in its own words.
            break
        case .failure(let error):
            throw PostgresStoreError.unreachable(location: location.description, detail: PostgresSession.describe(error))
        }
        cleartextChecked.store(true, ordering: .releasing)
    }

    private func give(_ connection: PostgresConnection) {
        idle.withLock { $0.append(connection) }
    }
}
