package dev.lanegrad.cli;

import dev.lanegrad.engine.EngineThreads;
import picocli.CommandLine.Option;

/**
 * --threads, the engine's thread count, declared and checked once for every command that computes (train, sample,
 * eval, forecast, classify, bench and bench gemm), each with its default.
 */
final class ThreadsOption {

    @Option(names = "--threads", description = "engine threads, from 1 to " + CliChecks.MAX_THREADS + " (default: ${DEFAULT-VALUE})")
    int threads;

    ThreadsOption(int defaultThreads) {
        threads = defaultThreads;
    }

    /** --threads, checked before the command creates anything. */
    int threads() {
        CliChecks.threads("--threads", threads);
        return threads;
    }

    /** Checks --threads and gives the engine that many threads (the inference and task commands). */
    void apply() {
        EngineThreads.setThreads(threads());
    }
}
