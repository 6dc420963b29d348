import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL server store is: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB` over TCP,
/// or `postgresql:///DB?host=/SOCKET/DIR` (any host, with `?host=` naming a directory) over
/// the Unix socket in that directory. The password may also come from `PGPASSWORD`.
///
/// Over TCP, TLS as libpq does it (`?sslmode=`, or `PGSSLMODE`): `disable`, `allow` and
/// `prefer` (TLS when the server offers it), `require` (TLS, the certificate not checked),
/// `verify-ca` (checked against `?sslrootcert=FILE`, else the system's authorities), `verify-full`
/// (and the host name). Without one: `require` to any host but this machine's loopback, which
/// is `disable`. A password is never sent in the clear: a server that asks for it as plain text
/// over a connection without TLS is refused, unless the URL allows it (`?require_auth=password`).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode`.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"

        /// Whether a connection in this mode is always encrypted.
        var isEnforced: Bool { [.require, .verifyCA, .verifyFull].contains(self) }
    }

    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    public let endpoint: Endpoint
    public let user: String
    let password: String?
    public let database: String
    /// Over TCP: the TLS mode, the authorities a certificate is checked against (nil: the
    /// system's), and whether a password may go as plain text.
    public let tls: TLSMode
    let rootCertificate: String?
    let cleartextPassword: Bool

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
        let query = Dictionary(components.queryItems?.map { ($0.name, $0.value ?? "") } ?? [], uniquingKeysWith: { $1 })
        let mode = query["sslmode"] ?? environment["PGSSLMODE"]
        if let mode {
            guard let known = TLSMode(rawValue: mode) else {
                throw .badLocation(text, "sslmode=\(mode) 无效; 可用: \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            tls = known
        } else if case .tcp(let host, _) = endpoint, !PostgresLocation.isLoopback(host) {
            tls = .require
        } else {
            tls = .disable
        }
        rootCertificate = query["sslrootcert"] ?? environment["PGSSLROOTCERT"]
        cleartextPassword = (query["require_auth"] ?? environment["PGREQUIREAUTH"] ?? "").split(separator: ",").contains("password")
    }

    init(endpoint: Endpoint, user: String, password: String?, database: String, tls: TLSMode = .disable, rootCertificate: String? = nil,
         cleartextPassword: Bool = false) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.rootCertificate = rootCertificate
        self.cleartextPassword = cleartextPassword
    }

    /// The same server, another database (tests make one each).
    public func database(_ name: String) -> PostgresLocation {
        PostgresLocation(endpoint: endpoint, user: user, password: password, database: name, tls: tls, rootCertificate: rootCertificate,
                         cleartextPassword: cleartextPassword)
    }

    /// This machine's own addresses: a connection to one never leaves it.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The URL's own TLS and authentication settings, as a query (for `url`).
    private var settings: [String] {
        guard case .tcp(let host, _) = endpoint else { return [] }
        var items: [String] = []
        let byDefault: TLSMode = PostgresLocation.isLoopback(host) ? .disable : .require
        if tls != byDefault { items.append("sslmode=\(tls.rawValue)") }
        if let rootCertificate { items.append("sslrootcert=\(rootCertificate)") }
        if cleartextPassword { items.append("require_auth=password") }
        return items
    }

    /// The location as a URL the commands take, password included (for tests and tools that
    /// pass it on; never shown).
    public var url: String {
        let credentials = password.map { "\(user):\($0)" } ?? user
        switch endpoint {
        case .tcp(let host, let port):
            return "postgresql://\(credentials)@\(host):\(port)/\(database)" + (settings.isEmpty ? "" : "?" + settings.joined(separator: "&"))
        case .socket(let path):
            let directory = (path as NSString).deletingLastPathComponent
            let port = (path as NSString).lastPathComponent.split(separator: ".").last.map(String.init) ?? "5432"
            return "postgresql://\(credentials)@localhost:\(port)/\(database)?host=\(directory)"
        }
    }

    /// How postgres-nio connects: over TCP with TLS as `tls` says; `withPassword: false` for the
    /// probe that asks how the server authenticates (`PostgresPool`).
    func configuration(withPassword: Bool = true) throws(PostgresStoreError) -> PostgresConnection.Configuration {
        let password = withPassword ? self.password : nil
        switch endpoint {
        case .tcp(let host, let port):
            return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database,
                                                    tls: try tlsConfiguration())
        case .socket(let path):
            return PostgresConnection.Configuration(unixSocketPath: path, username: user, password: password, database: database)
        }
    }

    private func tlsConfiguration() throws(PostgresStoreError) -> PostgresConnection.Configuration.TLS {
        guard tls != .disable else { return .disable }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .verifyFull: configuration.certificateVerification = .fullVerification
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        default: configuration.certificateVerification = .none
        }
        if let rootCertificate {
            guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                throw .badLocation(description, "sslrootcert 文件 \(rootCertificate) 不存在或无法读取")
            }
            configuration.trustRoots = .file(rootCertificate)
        }
        do {
            let context = try NIOSSLContext(configuration: configuration)
            return tls.isEnforced ? .require(context) : .prefer(context)
        } catch {
            throw .badLocation(description, "TLS 设置无效 (\(error)); 请检查 sslrootcert 是否为 PEM 格式的证书")
        }
    }

    /// Whether a connection may end up without TLS, over the network: then a server that asks for
    /// the password as plain text must be refused, unless the URL allows it.
    var mayAuthenticateInTheClear: Bool {
        guard case .tcp = endpoint, !tls.isEnforced, password != nil else { return false }
        return !cleartextPassword
    }

    /// The location without its password, for messages and logs.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgresql://\(user)@\(host):\(port)/\(database)"
        case .socket(let path): "postgresql:///\(database)?host=\((path as NSString).deletingLastPathComponent)"
        }
    }
}
