package dev.llmcanary.stream;

/**
 * The figures derived once from a {@link StreamTrace} (seconds; {@code null} where the phase was never reached, the
 * figure is undefined, e.g. tokens/s with a single token, or it is withheld because it would not be a measurement;
 * see {@link StreamMetrics}).
 *
 * @param timeToHeaders      headers − request written
 * @param timeToFirstChunk   first data event − request written
 * @param ttft               first token − request written
 * @param ttftFromStart      first token − attempt start (what a user waiting on a connection sees)
 * @param timeToFirstContent first content token − request written
 * @param e2e                last token − request written; {@code null} for an incomplete answer
 * @param tpot               (last token − first token) / (output tokens − 1)
 * @param outputTokensPerSecond (output tokens − 1) / (last token − first token)
 * @param interTokenGaps     every gap between consecutive token-bearing chunks that was kept (per chunk, not per token)
 * @param gapP50             median of those gaps
 * @param gapP95             95th percentile of those gaps
 * @param gapMax             the largest gap over all chunks
 * @param outputTokens       from usage, or the count of token-bearing chunks when the server reported none
 * @param outputTokensEstimated whether {@code outputTokens} is a chunk count rather than the server's usage
 * @param promptTokens       from usage, or {@code null}
 * @param withheld           why figures are {@code null} although the phase was reached, e.g.
 *                           {@code "answer incomplete (aborted)"} or {@code "48 tokens in 1 burst"}; {@code null}
 *                           when nothing was withheld
 */
public record StreamTimings(Double timeToHeaders, Double timeToFirstChunk, Double ttft, Double ttftFromStart,
                            Double timeToFirstContent, Double e2e, Double tpot, Double outputTokensPerSecond,
                            double[] interTokenGaps, Double gapP50, Double gapP95, Double gapMax, int outputTokens,
                            boolean outputTokensEstimated, Integer promptTokens, String withheld) {
}
