package dev.llmcanary.gate;

import java.time.Duration;

/** The service's caps on gate load and waiting ({@code llm-canary.gates.*}). */
public record GateLimits(int maxRepetitions, int maxConcurrency, int maxConcurrentPerPool, Duration maxDeadline,
                         Duration retryAfter, Duration staleAfter, Duration maxWindow) {

    /** The most stored runs one side of an evaluation reads. */
    public static final int MAX_STORED_RUNS = 20_000;
}
