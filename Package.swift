// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "pgfunnel",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pgfunnel", targets: ["pgfunnel"]),
        .library(name: "PGFunnel", targets: ["Archive", "Postgres", "Restore", "Dump", "GPBackup"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System-library shims: no logic here.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", providers: [.apt(["liblz4-dev"])]),

        // The custom archive format: read, write, codecs. Knows nothing about servers.
        .target(name: "Archive", dependencies: ["CZlib", "CZstd", "CLZ4", .product(name: "Crypto", package: "swift-crypto")]),
        // libpq wrapper: connections, queries, COPY streams, typed errors, quoting.
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        // Version-aware catalog queries into plain structs.
        .target(name: "Catalog", dependencies: ["Postgres"]),
        // Pure DDL renderers over catalog structs.
        .target(name: "DDL", dependencies: ["Catalog", "Postgres"]),
        // Snapshot, object graph, sort, data pump, archive assembly.
        .target(name: "Dump", dependencies: ["Archive", "Postgres", "Catalog", "DDL"]),
        // Selection, ordering, script printer, database replay.
        .target(name: "Restore", dependencies: ["Archive", "Postgres"]),
        // gpbackup sets: discovery, validation, CSV to COPY text, translation, merge.
        .target(name: "GPBackup", dependencies: ["Archive", "Postgres", "Yams", "CZlib", "CZstd"]),
        .executableTarget(name: "pgfunnel", dependencies: [
            "Archive", "Postgres", "Restore", "Dump", "GPBackup", "Catalog", "DDL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared test harness: temporary servers, reference tool discovery, fixtures.
        .target(name: "TestSupport", dependencies: ["Postgres"], path: "Sources/TestSupport"),

        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "TestSupport", "CZlib", "CZstd"]),
        .testTarget(name: "RestoreTests", dependencies: ["Restore", "Archive", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "GPBackupTests", dependencies: ["GPBackup", "Archive", "TestSupport"]),
        .testTarget(name: "DumpTests", dependencies: ["Dump", "Catalog", "DDL", "Archive", "Postgres", "TestSupport"]),
        .testTarget(name: "DumpRelationsTests", dependencies: ["Dump", "Catalog", "DDL", "Archive", "Postgres", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["pgfunnel"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Archive", "Restore", "Postgres", "GPBackup", "Dump", "TestSupport", "CZstd"]),
    ]
)
