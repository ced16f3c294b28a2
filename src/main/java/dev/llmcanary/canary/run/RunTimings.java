package dev.llmcanary.canary.run;

/**
 * The run's figures in seconds ({@code null} where undefined or withheld), derived once from the stream trace.
 * Inter-token figures are per chunk: a chunk carrying several tokens is one gap.
 *
 * @param figuresWithheld why figures are {@code null} that are not measurements: {@code "answer incomplete
 *                        (aborted)"} (no e2e, TPOT, tokens/s) or {@code "48 tokens in 1 burst"} (no TPOT, tokens/s,
 *                        gaps); {@code null} when nothing was withheld
 */
public record RunTimings(Double connect, Double timeToHeaders, Double timeToFirstChunk, Double ttft,
                         Double ttftFromStart, Double timeToFirstContent, Double e2e, Double tpot,
                         Double outputTokensPerSecond, Double interTokenP50, Double interTokenP95,
                         Double interTokenMax, int interTokenGaps, String figuresWithheld) {

    /** Figures of which none was withheld. */
    public RunTimings(Double connect, Double timeToHeaders, Double timeToFirstChunk, Double ttft,
                      Double ttftFromStart, Double timeToFirstContent, Double e2e, Double tpot,
                      Double outputTokensPerSecond, Double interTokenP50, Double interTokenP95,
                      Double interTokenMax, int interTokenGaps) {
        this(connect, timeToHeaders, timeToFirstChunk, ttft, ttftFromStart, timeToFirstContent, e2e, tpot,
                outputTokensPerSecond, interTokenP50, interTokenP95, interTokenMax, interTokenGaps, null);
    }
}
