// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "gongkai",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gongkai", targets: ["CLI"]),
        .executable(name: "gongkai-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The system SQLite (libsqlite3-dev), reached through its C API.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // zlib (zlib1g-dev), for gzip on the wire in both directions.
        .systemLibrary(name: "CGzip", path: "Sources/CGzip", providers: [.apt(["zlib1g-dev"])]),
        // libcurl (headers from libcurl4-openssl-dev), opened on first use by a shim that also
        // types its variadic curl_easy_setopt: not linked, so commands that never sync start faster.
        .target(name: "CCurl", path: "Sources/CCurl", linkerSettings: [.linkedLibrary("dl")]),
        // Logs a fatal signal before the process dies of it (`gongkai serve`).
        .target(name: "CFatalSignal", path: "Sources/CFatalSignal"),
        // Hexadecimal and the one JSON writer: the byte-level encodings every module shares. Pure.
        .target(name: "Codecs"),
        // Domain: record kinds, enumerations, validation, CSV. Pure.
        .target(name: "Records", dependencies: ["Codecs", .product(name: "Crypto", package: "swift-crypto")]),
        // The heart of sync, pure (no I/O, no C library): versions, merge, the protocol's messages,
        // the client's and the service's logic, the store and transport protocols.
        .target(name: "SyncCore", dependencies: ["Codecs"]),
        // The protocol's messages as bytes: JSON both ways, gzip.
        .target(name: "SyncWire", dependencies: ["SyncCore", "Codecs", "CGzip", .product(name: "Crypto", package: "swift-crypto")]),
        // The libcurl transport (`CurlTransport`), the client's side of HTTP.
        .target(name: "SyncHTTP", dependencies: ["SyncCore", "SyncWire", "CCurl"]),
        // What every store of records does alike, whatever holds the rows: a remote record checked,
        // the merge decided, digests, a version's columns. Pure.
        .target(name: "RecordRules", dependencies: ["Codecs", "Records", "SyncCore", .product(name: "Crypto", package: "swift-crypto")]),
        // The SQLite replica: schema, migrations, record store, change log.
        .target(name: "Storage", dependencies: ["CSQLite", "Codecs", "Records", "SyncCore", "RecordRules", "Report",
                                                .product(name: "Crypto", package: "swift-crypto")]),
        // The county's server store on PostgreSQL (postgres-nio): the same seams as Storage's.
        .target(name: "PostgresStore", dependencies: [
            "Codecs", "Records", "SyncCore", "RecordRules", "Report",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Office files: `.xlsx` workbooks read for import and written for export, the annual report
        // as a Word document (ZIPFoundation for the container, a small XML scanner of our own).
        .target(name: "OfficeFiles", dependencies: ["Records", "Report", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The annual report: tables by the counting rules, checks, and the four output formats.
        .target(name: "Report", dependencies: ["Records"]),
        // The township server: HTTP routes over SyncService, device tokens, session logs.
        .target(name: "Server", dependencies: [
            "SyncCore", "SyncWire",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The `gongkai` executable: argument parsing and formatting.
        .executableTarget(
            name: "CLI",
            dependencies: ["Codecs", "Records", "RecordRules", "Storage", "PostgresStore", "SyncCore", "SyncWire", "SyncHTTP", "Server", "Report",
                           "OfficeFiles",
                           "CFatalSignal",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            // SwiftPM exports every symbol of an executable on Linux (42,000 here); nothing looks
            // them up, and without them each start relocates and searches less (docs/PERFORMANCE.md).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]
        ),
        // Benchmarks beside their baselines, outside the test suite: `swift run -c release gongkai-bench`.
        .executableTarget(name: "Bench", dependencies: ["CSQLite", "Records", "Storage", "PostgresStore", "SyncCore", "SyncWire", "SyncHTTP", "Report",
                                                        "TestSupport"]),
        // Seeded randomness for tests and benchmarks.
        .target(name: "TestSupport", dependencies: ["CSQLite", "Records", "RecordRules", "Storage", "PostgresStore", "SyncCore",
                                                    .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The test tiers: tags for slow, privileged and browser tests, and the fast tier's switch.
        .target(name: "TestTiers"),
        .testTarget(name: "RecordsTests", dependencies: ["TestTiers", "Records"]),
        .testTarget(name: "OfficeFilesTests", dependencies: ["TestTiers", "Records", "OfficeFiles", "TestSupport"]),
        // Reads the repository's files only: the map in docs/ARCHITECTURE.md against the code.
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "SyncCoreTests", dependencies: ["TestTiers", "SyncCore", "SyncWire", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: [
            "TestTiers", "Storage", "PostgresStore", "RecordRules", "Records", "SyncCore", "SyncWire", "CSQLite", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "PostgresStoreTests", dependencies: [
            "TestTiers", "PostgresStore", "Storage", "Records", "SyncCore", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "ServerTests", dependencies: [
            "TestTiers", "Server", "Storage", "Records", "SyncCore", "SyncWire", "SyncHTTP", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ReportTests", dependencies: ["TestTiers", "Report", "Storage", "PostgresStore", "Records", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestTiers", "CLI", "Storage", "Records", "RecordRules", "SyncCore", "SyncWire", "Report", "OfficeFiles", "TestSupport",
                                                     .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                                     .product(name: "Crypto", package: "swift-crypto")]),
    ]
)
