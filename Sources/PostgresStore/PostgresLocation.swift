import Foundation
import PostgresNIO

/// Where a PostgreSQL server store is: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB` over TCP,
/// or `postgresql:///DB?host=/SOCKET/DIR` (any host, with `?host=` naming a directory) over
/// the Unix socket in that directory. The password may also come from `PGPASSWORD`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    public let endpoint: Endpoint
    public let user: String
    let password: String?
    public let database: String

    /// Whether `text` names a PostgreSQL store rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresStoreError) {
        guard PostgresLocation.isURL(text), let components = URLComponents(string: text) else {
            throw .badLocation(text, "应形如 postgresql://用户@主机:端口/数据库 或 postgresql:///数据库?host=/套接字目录")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw .badLocation(text, "缺少数据库名 (地址最后的 /数据库)") }
        let socketDirectory = components.queryItems?.first { $0.name == "host" }?.value
        if let socketDirectory, socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            endpoint = .socket(path: "\(socketDirectory)/.s.PGSQL.\(port)")
        } else {
            guard let host = components.host, !host.isEmpty else { throw .badLocation(text, "缺少主机名, 或用 ?host=/目录 指定 Unix 套接字") }
            endpoint = .tcp(host: host, port: components.port ?? 5432)
        }
        user = components.user ?? environment["PGUSER"] ?? "postgres"
        password = components.password ?? environment["PGPASSWORD"]
        self.database = database
    }

    init(endpoint: Endpoint, user: String, password: String?, database: String) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
    }

    /// The same server, another database (tests make one each).
    public func database(_ name: String) -> PostgresLocation {
        PostgresLocation(endpoint: endpoint, user: user, password: password, database: name)
    }

    /// The location as a URL the commands take, password included (for tests and tools that
    /// pass it on; never shown).
    public var url: String {
        let credentials = password.map { "\(user):\($0)" } ?? user
        switch endpoint {
        case .tcp(let host, let port): return "postgresql://\(credentials)@\(host):\(port)/\(database)"
        case .socket(let path):
            let directory = (path as NSString).deletingLastPathComponent
            let port = (path as NSString).lastPathComponent.split(separator: ".").last.map(String.init) ?? "5432"
            return "postgresql://\(credentials)@localhost:\(port)/\(database)?host=\(directory)"
        }
    }

    var configuration: PostgresConnection.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        case .socket(let path):
            PostgresConnection.Configuration(unixSocketPath: path, username: user, password: password, database: database)
        }
    }

    /// The location without its password, for messages and logs.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgresql://\(user)@\(host):\(port)/\(database)"
        case .socket(let path): "postgresql:///\(database)?host=\((path as NSString).deletingLastPathComponent)"
        }
    }
}
