package dev.llmcanary.stream;

/**
 * The timestamps of one stream (monotonic {@code System.nanoTime()} values; {@code -1} means the phase was never
 * reached). Figures are derived from it once, at the end, by {@link StreamMetrics}.
 *
 * @param start           the attempt started (before connecting)
 * @param requestWritten  the request was handed to the socket: stamped just before its bytes are written, so it is
 *                        the lower edge of the write and TTFT measured from it is never below the server's truth
 * @param headers         response headers arrived
 * @param firstByte       the first body buffer arrived
 * @param firstChunk      the first data event arrived (role-only, empty or not)
 * @param firstToken      the first token-bearing chunk (content, reasoning or tool call) arrived
 * @param firstContent    the first chunk with non-empty {@code content} arrived
 * @param lastToken       the last token-bearing chunk arrived
 * @param finish          the chunk carrying the finish reason arrived
 * @param usage           the (last) chunk carrying usage arrived
 * @param done            {@code [DONE]} arrived
 * @param closed          the response ended or the connection closed
 * @param tokenArrivals   arrival of each token-bearing chunk, at most {@link StreamOptions#maxChunkTimestamps()}
 * @param tokenChunks     how many token-bearing chunks arrived in all (may exceed {@code tokenArrivals.length})
 * @param maxGapNanos     the largest gap between consecutive token-bearing chunks, over all of them
 * @param requestWriteCompleted the write of the request completed (its future succeeded): the upper edge; the
 *                        server may already have answered by then on a busy event loop, so nothing is measured from it
 * @param bursts          how many bursts the token chunks arrived in, over all of them: a burst starts with a token
 *                        chunk more than {@link #BURST_NANOS} after the previous burst's start. Arrivals are stamped
 *                        once per received buffer, so the chunks of one buffer share a stamp and are one burst.
 */
public record StreamTrace(long start, long requestWritten, long headers, long firstByte, long firstChunk,
                          long firstToken, long firstContent, long lastToken, long finish, long usage, long done,
                          long closed, long[] tokenArrivals, int tokenChunks, long maxGapNanos,
                          long requestWriteCompleted, int bursts) {

    /**
     * The clock's honest resolution for arrivals, 1 ms: closer stamps come from one read of the socket (or reads in
     * the same event-loop turn), not from the server's pace, so no rate or gap is derived from them.
     */
    public static final long BURST_NANOS = 1_000_000;
}
