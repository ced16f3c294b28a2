package dev.llmcanary.stream;

import java.util.Arrays;

/**
 * Collects one stream's timestamps as they happen and freezes them into a {@link StreamTrace}. Keeps at most
 * {@code maxChunkTimestamps} token arrivals (the first ones) so memory per stream stays bounded; the largest gap is
 * tracked over all token chunks, and so are the bursts (see {@link StreamTrace#bursts()}).
 */
final class TraceBuilder {
    private final long start;
    private final int maxArrivals;
    private long requestWritten = -1;
    private long requestWriteCompleted = -1;
    private long headers = -1;
    private long firstByte = -1;
    private long firstChunk = -1;
    private long firstToken = -1;
    private long firstContent = -1;
    private long lastToken = -1;
    private long finish = -1;
    private long usage = -1;
    private long done = -1;
    private long closed = -1;
    private long lastChunk = -1;
    private long[] arrivals = new long[16];
    private int kept;
    private int tokenChunks;
    private int chunksSinceToken;
    private long maxGap;
    private int maxGapEndChunk;
    private long burstStart = -1;
    private int bursts;

    TraceBuilder(long start, int maxArrivals) {
        this.start = start;
        this.maxArrivals = Math.max(0, maxArrivals);
    }

    void requestWritten(long at) {
        requestWritten = at;
    }

    void requestWriteCompleted(long at) {
        requestWriteCompleted = at;
    }

    void headers(long at) {
        headers = at;
    }

    void bytes(long at) {
        if (firstByte < 0) {
            firstByte = at;
        }
    }

    void chunk(long at) {
        if (firstChunk < 0) {
            firstChunk = at;
        }
        lastChunk = at;
        chunksSinceToken++;
    }

    /** Records a token-bearing chunk and returns how many have arrived, this one included. */
    int token(long at) {
        if (firstToken < 0) {
            firstToken = at;
        } else if (at - lastToken > maxGap) {
            maxGap = at - lastToken;
            maxGapEndChunk = tokenChunks + 1;
        }
        lastToken = at;
        chunksSinceToken = 0;
        if (burstStart < 0 || at - burstStart > StreamTrace.BURST_NANOS) {
            bursts++;
            burstStart = at;
        }
        if (kept < maxArrivals) {
            if (kept == arrivals.length) {
                arrivals = Arrays.copyOf(arrivals, Math.min(maxArrivals, arrivals.length * 2));
            }
            arrivals[kept++] = at;
        }
        return ++tokenChunks;
    }

    void content(long at) {
        if (firstContent < 0) {
            firstContent = at;
        }
    }

    void finish(long at) {
        if (finish < 0) {
            finish = at;
        }
    }

    void usage(long at) {
        usage = at;
    }

    void done(long at) {
        done = at;
    }

    void closed(long at) {
        if (closed < 0) {
            closed = at;
        }
    }

    long requestWritten() {
        return requestWritten;
    }

    long headers() {
        return headers;
    }

    long firstToken() {
        return firstToken;
    }

    long lastChunk() {
        return lastChunk;
    }

    /** The last token-bearing chunk's arrival, or -1: progress is measured from here, not from the last chunk. */
    long lastToken() {
        return lastToken;
    }

    /** Data events since the last token-bearing one that carried no token (empty, role-only, usage-only, …). */
    int chunksSinceToken() {
        return chunksSinceToken;
    }

    /**
     * When the answer stopped needing tokens: the finish reason or {@code [DONE]} if one came after the last token,
     * else the close. The gap from the last token to here is the stream's tail, which the gaps between tokens miss.
     */
    long progressEnd() {
        if (finish >= lastToken && finish >= 0) {
            return finish;
        }
        return done >= lastToken && done >= 0 ? done : closed;
    }

    long finishAt() {
        return finish;
    }

    long doneAt() {
        return done;
    }

    int tokenChunks() {
        return tokenChunks;
    }

    int bursts() {
        return bursts;
    }

    /** The token chunks' arrival stamps kept so far (all of them while fewer than the cap), in order. */
    long[] tokenArrivals() {
        return Arrays.copyOf(arrivals, kept);
    }

    /** When the first token chunk arrived, -1 before one did. */
    long firstTokenAt() {
        return firstToken;
    }

    /** When the latest token chunk arrived, -1 before one did. */
    long lastTokenAt() {
        return lastToken;
    }

    long maxGap() {
        return maxGap;
    }

    /** The 1-based number of the token chunk that ended the largest gap. */
    int maxGapEndChunk() {
        return maxGapEndChunk;
    }

    StreamTrace build() {
        return new StreamTrace(start, requestWritten, headers, firstByte, firstChunk, firstToken, firstContent,
                lastToken, finish, usage, done, closed, Arrays.copyOf(arrivals, kept), tokenChunks, maxGap,
                requestWriteCompleted, bursts);
    }
}
