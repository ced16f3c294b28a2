package dev.llmcanary.client;

import java.time.Duration;

/**
 * Settings of the streaming HTTP client.
 *
 * @param connectTimeout        limit for establishing a TCP (and TLS) connection
 * @param maxConnectionsPerHost pool size per endpoint; canaries are few, load probes run elsewhere
 * @param sweepPeriod           how often the per-event-loop stall sweep looks at running streams
 * @param connectRetries        how many more times a connection is tried when establishing it failed (refused,
 *                              connect timeout, DNS) before any request byte was written; never after
 * @param connectRetryBackoff   the wait before the first retry, doubled for each later one
 * @param eventLoops            how many event loops streams are spread over (each with its own share of the pool and
 *                              its own stall sweep); 0 means one per core, capped by the Vert.x instance's loops
 */
public record ClientSettings(Duration connectTimeout, int maxConnectionsPerHost, Duration sweepPeriod,
                             int connectRetries, Duration connectRetryBackoff, int eventLoops) {

    /** One event loop per core. */
    public ClientSettings(Duration connectTimeout, int maxConnectionsPerHost, Duration sweepPeriod,
                          int connectRetries, Duration connectRetryBackoff) {
        this(connectTimeout, maxConnectionsPerHost, sweepPeriod, connectRetries, connectRetryBackoff, 0);
    }

    /** No connection retries (the benchmark measures single attempts). */
    public ClientSettings(Duration connectTimeout, int maxConnectionsPerHost, Duration sweepPeriod) {
        this(connectTimeout, maxConnectionsPerHost, sweepPeriod, 0, Duration.ZERO);
    }
}
