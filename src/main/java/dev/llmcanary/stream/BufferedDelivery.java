package dev.llmcanary.stream;

/**
 * When a stream counts as buffered: it carried at least {@code minChunks} token-bearing chunks and more than
 * {@code maxChunksPerBurst} of them per burst on average. A burst is the token chunks that arrived within
 * {@link StreamTrace#BURST_NANOS} of the burst's first one: a proxy that buffers the stream (nginx with
 * {@code proxy_buffering on}) or a server that flushes many tokens in one write delivers a few bursts instead of a
 * steady flow, and then the gaps between arrivals are the proxy's, not the model's pace.
 *
 * @param minChunks         shorter answers are not judged (a short answer may honestly fit in one write)
 * @param maxChunksPerBurst the most token chunks per burst, on average, a streamed answer may have
 */
public record BufferedDelivery(int minChunks, int maxChunksPerBurst) {

    /**
     * The default judgement: 8 or more token chunks, more than 4 per burst on average. A steady stream has about one
     * chunk per burst; buffering proxies deliver 4-8 KiB at a time, dozens of chunks.
     */
    public static final BufferedDelivery DEFAULT = new BufferedDelivery(8, 4);

    public BufferedDelivery {
        if (minChunks < 2 || maxChunksPerBurst < 1) {
            throw new IllegalArgumentException("min_chunks must be at least 2 and max_chunks_per_burst at least 1");
        }
    }

    /** Whether {@code tokenChunks} arriving in {@code bursts} bursts is buffered delivery. */
    public boolean buffered(int tokenChunks, int bursts) {
        return tokenChunks >= minChunks && (long) tokenChunks > (long) bursts * maxChunksPerBurst;
    }
}
