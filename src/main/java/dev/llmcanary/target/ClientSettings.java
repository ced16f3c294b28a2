package dev.llmcanary.target;

import java.time.Duration;

/**
 * Settings of the streaming HTTP client.
 *
 * @param connectTimeout        limit for establishing a TCP (and TLS) connection
 * @param maxConnectionsPerHost pool size per endpoint; canaries are few, load probes run elsewhere
 * @param sweepPeriod           how often the per-event-loop stall sweep looks at running streams
 */
public record ClientSettings(Duration connectTimeout, int maxConnectionsPerHost, Duration sweepPeriod) {
}
