package dev.llmcanary.canary.run;

/**
 * The run's figures in seconds ({@code null} where undefined or withheld), derived once from the stream trace.
 * Inter-token figures are per chunk: a chunk carrying several tokens is one gap.
 *
 * <p>{@code poolWait + connect} is the time from the attempt's start until it held a connection: {@code poolWait}
 * is the canary's own queueing for a pooled connection (every connection of the endpoint's pool busy), {@code
 * connect} establishing one for this run (0 when a pooled connection was reused). Both are inside {@code
 * ttftFromStart} and outside {@code ttft}, which starts when the request is handed to the socket.
 *
 * @param figuresWithheld why figures are {@code null} that are not measurements: {@code "answer incomplete
 *                        (aborted)"} (no e2e, TPOT, tokens/s) or {@code "48 tokens in 1 burst"} (no TPOT, tokens/s,
 *                        gaps); {@code null} when nothing was withheld
 */
public record RunTimings(Double connect, Double timeToHeaders, Double timeToFirstChunk, Double ttft,
                         Double ttftFromStart, Double timeToFirstContent, Double e2e, Double tpot,
                         Double outputTokensPerSecond, Double interTokenP50, Double interTokenP95,
                         Double interTokenMax, int interTokenGaps, Double poolWait, String figuresWithheld) {

    /** Without a pool wait, nothing withheld (tests, and results stored before either was recorded). */
    public RunTimings(Double connect, Double timeToHeaders, Double timeToFirstChunk, Double ttft,
                      Double ttftFromStart, Double timeToFirstContent, Double e2e, Double tpot,
                      Double outputTokensPerSecond, Double interTokenP50, Double interTokenP95,
                      Double interTokenMax, int interTokenGaps) {
        this(connect, timeToHeaders, timeToFirstChunk, ttft, ttftFromStart, timeToFirstContent, e2e, tpot,
                outputTokensPerSecond, interTokenP50, interTokenP95, interTokenMax, interTokenGaps, null, null);
    }
}
