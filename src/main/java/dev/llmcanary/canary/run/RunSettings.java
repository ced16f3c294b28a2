package dev.llmcanary.canary.run;

import java.time.Duration;

/**
 * Engine-wide settings of canary runs.
 *
 * @param maxEventBytes      largest SSE event accepted
 * @param maxTotalBytes      largest stream accepted
 * @param maxChunkTimestamps token-chunk arrivals kept per run for gap figures and the timeline
 * @param tokensEventEvery   a span event every this many token-bearing chunks
 * @param connectTimeout     TCP/TLS connect limit
 * @param captureContent     whether results keep the (PII-masked) completion text; off by default
 */
public record RunSettings(int maxEventBytes, long maxTotalBytes, int maxChunkTimestamps, int tokensEventEvery,
                          Duration connectTimeout, boolean captureContent) {
}
