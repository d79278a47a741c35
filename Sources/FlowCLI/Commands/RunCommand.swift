import ArgumentParser
import FlowCore
import FlowOTel
import FlowRuntime
import FlowYAML
import Foundation
import Logging

/// `flow run`: the product's main job.
public struct RunCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline: produce, deliver, retry, dead-letter, then print a summary.",
        discussion: """
            The file is loaded by the same loader as `flow validate`; any error stops the run before it starts.

            The run ends with --until-idle (once producers are done and every group has committed \
            everything), after --for, or on SIGINT/SIGTERM: producers stop, in-flight events get up to \
            --grace to finish, then a summary is printed. A second signal exits at once (status 130).

            Where topics live: the pipeline's broker: key (default memory:), overridden by --broker. \
            memory: is fastest and gone with the process; sqlite:PATH keeps every acknowledged event in one \
            file, so a crash or a restart loses nothing and the next run resumes; redis://HOST:PORT/DB shares \
            the pipeline between processes on several machines, each partition owned by one of them at a \
            time (see docs/backends.md).

            Exit status: 0 when every event was delivered as the pipeline promises; 1 when the file is \
            invalid, an event failed without a dead-letter topic, or input was malformed without one.

            Examples:
              flow run pipelines/hello.yml --until-idle
              flow run pipelines/retry-and-dlq.yml --until-idle --report out/run.json
              flow run pipelines/fan-out.yml --for 30s --log-format json 2> run.log
              flow run pipelines/retry-and-dlq.yml --until-idle --dead-letters out/
              flow run pipelines/fan-out.yml --broker sqlite:state/fan-out.db --for 1m
              flow run pipelines/fan-out.yml --broker redis://10.0.0.5:6379/0 --only consumers
              flow run pipelines/fan-out.yml --for 10m --metrics 0.0.0.0:9464
            """
    )

    @Argument(help: "The pipeline file.")
    var file: String

    @Flag(name: .long, help: "Exit once producers are done and every group has committed everything.")
    var untilIdle = false

    @Option(name: .customLong("for"), help: "Stop after this long, e.g. 30s or 5m.")
    var duration: DurationArgument?

    @Option(name: .long, help: "Seed for generators, jitter and random_*(): the same seed repeats a run.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "How long in-flight events may take to finish at shutdown.")
    var grace = DurationArgument(argument: DurationText.format(ShutdownGrace.default))!

    @Option(name: .long, help: "Log format on stderr: text or json.")
    var logFormat: LogFormat = .text

    @Option(name: .long, help: "Least severe log level shown: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Also write the summary as JSON to this file.")
    var report: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "When the run ends, write each dead-letter topic's events to DIR/<topic>.jsonl.",
            discussion: "One structured CloudEvent per line, with its flow* extensions (error, attempts, source "
                + "topic…): read them, or replay them with a file: producer.",
            valueName: "DIR"
        )
    )
    var deadLetters: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where topics live, overriding the pipeline's broker: key.",
            discussion: "memory: (in-process), sqlite:PATH (durable; ?durability=process for speed over "
                + "power-loss safety), redis://[:PASSWORD@]HOST:PORT/DB (shared by several processes; "
                + "?lease=10s, how long a dead process keeps its partitions). Both durable ones take "
                + "?abandon_limit=5: how many processes a record may take down before it is dead-lettered.",
            valueName: "URL"
        ),
        transform: BrokerArgument.parse
    )
    var broker: BrokerArgument?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run only these parts: producers, consumers, or names of producers and consumers, comma-separated.",
            discussion: "For several processes sharing one pipeline on redis://: run a file producer once "
                + "(--only orders-file) and the consumers everywhere (--only consumers). Every topic and group is "
                + "declared all the same.",
            valueName: "LIST"
        )
    )
    var only: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://HOST:PORT/metrics while the run lasts.",
            discussion: "Throughput, lag per group and partition, retries, dead letters, latency histograms and "
                + "breaker state, named after the OpenTelemetry messaging conventions (docs/observability.md). "
                + "Off unless given; port 0 picks a free one (logged as \"metrics listening\").",
            valueName: "HOST:PORT"
        )
    )
    var metrics: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "When the run ends, write the final metrics in Prometheus text format to this file.",
            discussion: "For batch runs (--until-idle) that end before a scrape: point node_exporter's textfile "
                + "collector at it. Its counters equal the summary.",
            valueName: "FILE"
        )
    )
    var metricsFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Export OpenTelemetry traces over OTLP/HTTP to this collector, e.g. http://127.0.0.1:4318.",
            discussion: "One trace follows each event through every topic, step, http call and exec process, "
                + "into the dead-letter topic and out of a replay (W3C trace context in the event's traceparent "
                + "extension). Also on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is "
                + "set (the flag wins over them, and exec handlers inherit it as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); spans still buffered are sent before the run exits.",
            valueName: "URL"
        )
    )
    var otlp: String?

    @Flag(name: .long, help: "Never draw the live progress line, even on a terminal.")
    var noProgress = false

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Inject the pipeline's declared faults (faults:), for chaos drills and demos.",
            discussion: "Off by default, so a production file may keep its faults; each injected fault is logged at "
                + "debug and counted in the summary. flow test injects them unless a test says faults: off."
        )
    )
    var faults = false

    public init() {}

    public func validate() throws {
        if let deadLetters, let problem = DeadLetterDump.problem(with: deadLetters) {
            throw ValidationError("--dead-letters: \(problem)")
        }
        if let metrics, let problem = MetricsExport.problem(with: metrics) {
            throw ValidationError("--metrics: \(problem)")
        }
        if let otlp, !(otlp.hasPrefix("http://") || otlp.hasPrefix("https://")) || otlp.count < 9 {
            throw ValidationError("--otlp: \"\(otlp)\" is not an http:// or https:// URL (e.g. http://127.0.0.1:4318)")
        }
    }

    public func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let options = LoaderOptions(
            environment: environment,
            // An exec step whose program is missing would fail every event: do not start at all.
            commands: LoaderOptions.CommandCheck(
                currentDirectory: FileManager.default.currentDirectoryPath,
                environment: environment,
                severity: .error
            )
        )
        let loaded = PipelineLoader(options: options).load(contentsOf: file)
        if !loaded.diagnostics.isEmpty {
            var sources = SourceCache()
            if let text = loaded.source { sources.add(text, for: file) }
            let rendered = DiagnosticRenderer.render(
                loaded.diagnostics,
                format: .text,
                sources: sources,
                fileCount: 1,
                color: Terminal.stderrIsTerminal
            )
            Terminal.printError(rendered)
        }
        guard let pipeline = loaded.pipeline else { throw ExitCode(1) }
        var parts = RunParts.all
        if let only {
            switch PartSelection.parse(only, in: pipeline) {
            case .success(let selection): parts = selection.parts
            case .failure(let error):
                Terminal.printError("flow: \(error.message)")
                throw ExitCode(64)
            }
        }
        let logger = makeLogger()
        var runOptions = RunOptions(seed: seed, grace: grace.duration, logger: logger, parts: parts)
        runOptions.faults = faults
        let export = metrics != nil || metricsFile != nil ? MetricsExport() : nil
        if let export {
            runOptions.metrics = export.exporter.factory
            if let metrics, case .failure(let problem) = await export.serve(on: metrics, logger: logger) {
                Terminal.printError("flow: \(problem.message)")
                throw ExitCode(1)
            }
        }
        let backend: any Broker
        switch await BrokerBootstrap.open(
            broker?.url ?? pipeline.broker,
            pipeline: pipeline.name,
            scheduler: runOptions.scheduler,
            logger: logger
        ) {
        case .success(let opened): backend = opened
        case .failure(let error):
            Terminal.printError("flow: \(error.message)")
            throw ExitCode(1)
        }
        let tracing = try startTracing(environment: environment, pipeline: pipeline.name, logger: logger)
        runOptions.tracer = tracing?.tracer
        let run = PipelineRun(pipeline: pipeline, broker: backend, options: runOptions)
        let (reasons, continuation) = AsyncStream<StopReason>.makeStream()
        // Lives until the process ends: a second signal during the drain must still find it.
        let watcher = SignalWatcher { continuation.yield(.signal($0)) }
        if untilIdle, duration == nil {
            for producer in pipeline.producers {
                guard case .http(let listen, let path) = producer.source else { continue }
                logger.warning(
                    "an http producer is never done, so --until-idle will not end this run; stop it with --for or Ctrl-C",
                    metadata: ["flow.producer": "\(producer.name)", "flow.listen": "\(listen)\(path)"]
                )
            }
        }
        let reason: StopReason
        do {
            reason = try await execute(run, reasons: reasons, continuation: continuation, logger: logger)
        } catch {
            await tracing?.shutdown()
            throw error
        }
        logger.info("shutting down", metadata: ["flow.reason": "\(reason)"])
        await run.shutdown()
        await tracing?.shutdown()
        let summary = await run.summary()
        await BrokerBootstrap.close(backend, everyAttemptFinished: summary.unfinished == 0)
        withExtendedLifetime(watcher) {}
        for topic in summary.topics where topic.lost > 0 {
            logger.error(
                "events lost at shutdown",
                metadata: ["flow.topic": "\(topic.name)", "flow.lost": "\(topic.lost)"]
            )
        }
        print(RunSummaryRenderer.text(summary))
        if deadLetters == nil, !backend.isDurable {
            let topics = run.pipeline.deadLetterTopics
            for line in RunSummaryRenderer.vanishingDeadLetters(summary, topics: topics) { print(line) }
        }
        var written = true
        if let report {
            do {
                try writeReport(RunSummaryRenderer.json(summary).prettyJSONString + "\n", to: report)
            } catch {
                Terminal.printError("flow: cannot write the report \"\(report)\": \(error.localizedDescription)")
                written = false
            }
        }
        if let deadLetters, !(await DeadLetterDump.write(run, to: deadLetters)) { written = false }
        if let export, !(await export.finish(file: metricsFile)) { written = false }
        if summary.failed || !written { throw ExitCode(1) }
    }

    /// The trace exporter, when --otlp or the standard OTLP variables ask for one.
    private func startTracing(environment: [String: String], pipeline: String, logger: Logger) throws -> OTLPTracing? {
        let fromEnvironment = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].contains {
            !(environment[$0] ?? "").isEmpty
        }
        guard otlp != nil || fromEnvironment else { return nil }
        if let otlp {
            // The flag wins over the variables (swift-otel lets them override its configuration), and exec
            // handlers that export traces themselves inherit the same collector.
            setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", OTLPTracing.tracesURL(otlp), 1)
        }
        do {
            return try OTLPTracing(
                endpoint: otlp,
                serviceName: "flow",
                resource: ["flow.pipeline": pipeline],
                logger: logger
            )
        } catch {
            Terminal.printError("flow: cannot export traces: \(error)")
            throw ExitCode(1)
        }
    }

    private func makeLogger() -> Logger {
        let format = logFormat
        let level = logLevel
        return Logger(label: "flow") { _ in ConsoleLogHandler(format: format, level: level) }
    }

    /// What to do about a start-up error Redis answered (its error code follows `: `), when there is
    /// something to say.
    static func hint(forStartError message: String) -> String? {
        if message.contains(": WRONGTYPE ") {
            return "something else wrote that key: give the pipeline a database of its own "
                + "(redis://HOST:PORT/N) or another `name:`"
        }
        if message.contains(": OOM ") {
            return "redis reached its maxmemory: free memory or raise maxmemory (use an eviction policy of "
                + "noeviction: evicted stream entries are lost events)"
        }
        return nil
    }

    /// Starts the run and returns the first reason to stop.
    private func execute(
        _ run: PipelineRun,
        reasons: AsyncStream<StopReason>,
        continuation: AsyncStream<StopReason>.Continuation,
        logger: Logger
    ) async throws -> StopReason {
        do {
            try await run.start()
        } catch {
            Terminal.printError("flow: could not start the pipeline: \(error)")
            if let hint = Self.hint(forStartError: "\(error)") { Terminal.printError("  hint: \(hint)") }
            throw ExitCode(1)
        }
        var tasks: [Task<Void, Never>] = []
        if let duration {
            tasks.append(
                Task {
                    try? await Task.sleep(for: duration.duration)
                    continuation.yield(.timeLimit)
                }
            )
        }
        let stopAtIdle = untilIdle
        tasks.append(
            Task {
                await run.waitUntilIdle()
                if stopAtIdle {
                    continuation.yield(.idle)
                } else {
                    logger.info("idle: producers are done and every event is committed; waiting (Ctrl-C stops)")
                }
            }
        )
        if !noProgress, Terminal.stderrIsTerminal {
            tasks.append(ProgressReporter(run: run).start())
        }
        var iterator = reasons.makeAsyncIterator()
        let reason = await iterator.next() ?? .idle
        for task in tasks { task.cancel() }
        Console.shared.clearProgress()
        return reason
    }

    private func writeReport(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
