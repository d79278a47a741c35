// swift-tools-version:6.2
import PackageDescription

/// Layers (imports point down only):
/// flow → FlowCLI → FlowRuntime → FlowCore, and FlowCLI → FlowYAML → FlowCore.
/// Only FlowYAML imports CYaml (Debian's libyaml through pkg-config `yaml-0.1`); only FlowSQLite imports
/// CSQLite (Debian's libsqlite3-dev, pkg-config `sqlite3`). FlowCLI bootstraps the backends
/// (FlowCLI → FlowSQLite / FlowRedis → FlowRuntime's Broker protocol). FlowRESP, the Redis protocol client, depends on
/// SwiftNIO only. FlowRuntime records metrics through swift-metrics' API (CoreMetrics) and never bootstraps a
/// backend; FlowPrometheus, the Prometheus exporter, is bootstrapped by FlowCLI. Likewise traces: FlowRuntime uses
/// swift-distributed-tracing's API only; FlowOTel (swift-otel, OTLP/HTTP) is made by FlowCLI.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "flow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flow", targets: ["flow"]),
        .library(name: "FlowCore", targets: ["FlowCore"]),
        .library(name: "FlowYAML", targets: ["FlowYAML"]),
        .library(name: "FlowRuntime", targets: ["FlowRuntime"]),
        .library(name: "FlowSQLite", targets: ["FlowSQLite"]),
        .library(name: "FlowRESP", targets: ["FlowRESP"]),
        .library(name: "FlowRedis", targets: ["FlowRedis"]),
        .library(name: "FlowPrometheus", targets: ["FlowPrometheus"]),
        .library(name: "FlowOTel", targets: ["FlowOTel"]),
        .library(name: "FlowCLI", targets: ["FlowCLI"]),
        .library(name: "FlowTesting", targets: ["FlowTesting"]),
        .library(name: "FlowService", targets: ["FlowService"]),
        .executable(name: "flow-bench", targets: ["flow-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // Only the OTLP/HTTP exporter: the gRPC one would build grpc-swift for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "FlowCore", swiftSettings: strict),
        .target(
            name: "FlowRedis",
            dependencies: ["FlowCore", "FlowRuntime", "FlowRESP", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(name: "FlowYAML", dependencies: ["FlowCore", "CYaml"], swiftSettings: strict),
        .target(
            name: "FlowRuntime",
            dependencies: [
                "FlowCore", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(name: "FlowSQLite", dependencies: ["FlowCore", "FlowRuntime", "CSQLite"], swiftSettings: strict),
        .target(
            name: "FlowRESP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "FlowPrometheus",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "FlowOTel",
            dependencies: [
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "FlowCLI",
            dependencies: [
                "FlowCore", "FlowYAML", "FlowRuntime", "FlowSQLite", "FlowRedis", "FlowRESP", "FlowPrometheus",
                "FlowOTel", "FlowTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "FlowTesting",
            dependencies: [
                "FlowCore", "FlowYAML", "FlowRuntime",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "FlowService", dependencies: ["FlowCore", "FlowYAML", "FlowRuntime"], swiftSettings: strict),
        .executableTarget(name: "flow", dependencies: ["FlowCLI"], swiftSettings: strict),
        .executableTarget(
            name: "swift-handler-example",
            dependencies: ["FlowService"],
            path: "examples/swift-handlers",
            exclude: ["pipeline.yml", "pipeline.test.yml"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "flow-bench",
            dependencies: [
                "FlowRuntime", "FlowYAML", "FlowCore", "FlowSQLite", "FlowRedis", "FlowRESP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore"], swiftSettings: strict),
        .testTarget(name: "FlowYAMLTests", dependencies: ["FlowYAML"], swiftSettings: strict),
        .testTarget(
            name: "FlowRuntimeTests",
            dependencies: [
                "FlowRuntime", "FlowYAML", "FlowTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BrokerContractTests",
            dependencies: ["FlowRuntime", "FlowSQLite", "FlowRedis", "FlowRESP", "FlowTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FlowRESPTests",
            dependencies: ["FlowRESP", .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FlowTestingTests",
            dependencies: [
                "FlowTesting", "FlowService", .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FlowCLITests",
            dependencies: ["FlowCLI"],
            exclude: ["Fixtures", "Crash"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
