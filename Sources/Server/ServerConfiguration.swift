/// How `gongkai serve` listens, what it accepts, and how long it waits.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (printed when listening).
    public var port = 8080
    /// The most a request body may be as sent (compressed).
    public var maximumRequestBytes = 16 * 1024 * 1024
    /// The most a request body may be once decompressed (a decompression bomb stops here).
    /// A push of the largest batch (2,000 records) is a few megabytes.
    public var maximumDecompressedBytes = 32 * 1024 * 1024
    /// PEM certificate chain and private key, to serve HTTPS.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?

    /// A connection on which nothing arrives for this long is closed: an idle kept-alive
    /// connection, a request head that never ends (slowloris), a body that stopped.
    public var idleTimeoutSeconds: Int64 = 20
    /// A request body must bring at least `minimumBodyBytesPerWindow` in every window of
    /// `bodyWindowSeconds` (about 50 bytes a second: a 2G link brings a hundred times more), and
    /// a whole request must arrive within `maximumRequestSeconds` (half an hour: a batch of long
    /// documents over the slowest link a village has), or the connection is closed. An answer is
    /// held to the same: that much must drain to the client in every window, all within the time.
    public var bodyWindowSeconds: Int64 = 20
    public var minimumBodyBytesPerWindow = 1_024
    public var maximumRequestSeconds: Int64 = 1_800
    /// Requests of one device token handled at once; more are answered 429 (the client waits
    /// and tries again).
    public var maximumRequestsPerToken = 4
    /// Connections carrying one token's requests at once; a request on one more is answered 429.
    public var maximumConnectionsPerToken = 8
    /// Connections open from one client address at once; one more is closed as it opens (a
    /// township's villages come from addresses of their own, or a few behind one router).
    public var maximumConnectionsPerAddress = 64
    /// Requests refused for want of a valid token are logged once per window, then summarised.
    public var refusalSummarySeconds: Double = 60

    public init() {}
}
