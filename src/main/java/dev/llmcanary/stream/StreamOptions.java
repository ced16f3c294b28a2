package dev.llmcanary.stream;

/**
 * Everything the stream engine needs to know about one stream, resolved from the canary, its SLO class and
 * its pool before the request starts.
 *
 * @param flavor             how events are decoded
 * @param requireDone        whether a missing {@code [DONE]} is a violation (already resolved from {@code auto})
 * @param choices            the request's {@code n}: a choice index outside it is out of order
 * @param stallNanos         a gap between data events after the first token above this is a stall
 * @param stallAbortNanos    a gap above this aborts the stream (also applies before the first token, from headers)
 * @param maxEventBytes      an SSE event larger than this ends the run with {@code oversize_event}
 * @param maxTotalBytes      a stream larger than this ends the run with {@code oversize_event}
 * @param maxChunkTimestamps how many token-chunk arrival times are kept for the timeline and gap figures
 * @param cumulative         delta or cumulative text for flavors where servers differ
 * @param tokensEventEvery   the listener hears {@code tokensEmitted} every this many token-bearing chunks
 * @param bufferedDelivery   when a stream arriving in too few bursts is {@code buffered_delivery}; {@code null}: never
 */
public record StreamOptions(Flavor flavor, boolean requireDone, int choices, long stallNanos, long stallAbortNanos,
                            int maxEventBytes, long maxTotalBytes, int maxChunkTimestamps, Cumulative cumulative,
                            int tokensEventEvery, BufferedDelivery bufferedDelivery) {

    /** Options that never judge how the stream was delivered. */
    public StreamOptions(Flavor flavor, boolean requireDone, int choices, long stallNanos, long stallAbortNanos,
                         int maxEventBytes, long maxTotalBytes, int maxChunkTimestamps, Cumulative cumulative,
                         int tokensEventEvery) {
        this(flavor, requireDone, choices, stallNanos, stallAbortNanos, maxEventBytes, maxTotalBytes,
                maxChunkTimestamps, cumulative, tokensEventEvery, null);
    }
}
