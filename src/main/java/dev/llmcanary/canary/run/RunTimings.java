package dev.llmcanary.canary.run;

/**
 * The run's figures in seconds ({@code null} where undefined), derived once from the stream trace. Inter-token
 * figures are per chunk: a chunk carrying several tokens is one gap.
 */
public record RunTimings(Double connect, Double timeToHeaders, Double timeToFirstChunk, Double ttft,
                         Double ttftFromStart, Double timeToFirstContent, Double e2e, Double tpot,
                         Double outputTokensPerSecond, Double interTokenP50, Double interTokenP95,
                         Double interTokenMax, int interTokenGaps) {
}
