/// How `gongkai serve` listens and what it accepts.
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

    public init() {}
}
