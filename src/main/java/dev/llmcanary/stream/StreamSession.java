package dev.llmcanary.stream;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * Follows one streaming response from request to close: frames and decodes its events, applies the stream rules,
 * records the timestamps and, at {@link #finish}, produces the {@link StreamResult}.
 *
 * <p>Used from one thread (the connection's event loop); not thread-safe. Time is never read here: every call
 * carries the {@code System.nanoTime()} its caller took, so a buffer is stamped before any parsing.
 *
 * <p>How a stream may end, and what each end means (one rule per fault, whatever the flavor):
 * <ul>
 *   <li>{@code [DONE]}: complete; the session terminates and the caller may close.</li>
 *   <li>{@link #end}: the body ended by its own framing (chunked terminator, Content-Length, HTTP/2 end of stream),
 *       so nothing was cut: a finish reason that never came is {@code missing_finish_reason} (not asked of Triton,
 *       which has none), a {@code [DONE]} that never came where it is required is {@code missing_done}.</li>
 *   <li>{@link #failed}: the connection closed or reset before the body's end (a body with no framing, which only
 *       the close can end, counts here too): {@code premature_close} unless the stream was already complete
 *       ({@code [DONE]}, or a finish reason when {@code [DONE]} is not required).</li>
 *   <li>{@link #finish} without {@code end}/{@code failed} on a session that had not terminated: the caller gave up
 *       (e.g. its deadline); treated like {@code failed}.</li>
 *   <li>A stall abort ({@code stall} and {@code aborted}), a timeout or an oversize limit: only those violations
 *       (and {@code no_tokens}), the engine cut it short.</li>
 * </ul>
 * {@code no_tokens}, {@code usage_inconsistent} and a late {@code stall} (the largest gap between tokens, or from the
 * last token to the finish, {@code [DONE]} or the close, which a sweep may have missed) are checked on every end
 * once the headers were accepted.
 *
 * <p>With {@code n > 1} every choice's chunks count as tokens and are checked for order, but only choice 0's text
 * is assembled into {@link StreamResult#content()}.
 */
public final class StreamSession {
    /** How much of an error answer's body is read for the server's message: enough for any JSON error. */
    public static final int MAX_ERROR_BODY_BYTES = 4096;

    private final StreamOptions options;
    private final StreamListener listener;
    private final TraceBuilder trace;
    private final StreamValidator validator;
    private final FlavorDecoder decoder;
    private final SseParser parser;
    private final StringBuilder content = new StringBuilder();
    private StringBuilder reasoning;

    private int httpStatus;
    private long bytes;
    private int events;
    private int toolCallChunks;
    private String rawFinishReason;
    private Usage usage;
    private String responseId;
    private String responseModel;
    private String systemFingerprint;
    /** The output tokens the server's usage counted so far, once it streams usage with its tokens; else -1. */
    private int streamedTokens = -1;
    /** The token count at which the next {@code tokensEmitted} is due. */
    private int nextTokensEvent;
    private boolean finishSeen;
    private boolean done;
    private boolean headersRejected;
    private boolean ended;
    private String failure;
    private boolean aborted;
    /** The fastest token pace a server plausibly streams at: a hold bunches at most one chunk per this much time. */
    static final long HOLD_PER_CHUNK_NANOS = 1_000_000L;
    /** How far from a hold's end (its late probe may run just before or after the piled-up reads) a burst is its. */
    static final long HOLD_SLACK_NANOS = 2_000_000L;
    private long[] holds = new long[0];
    private boolean terminated;
    private long stallReportedForToken = -1;
    private StreamResult result;
    private String statusReason;
    private long statusAt;
    private byte[] errorBody;
    private int errorBodyLength;

    public StreamSession(StreamOptions options, StreamListener listener, long startNanos) {
        this.options = options;
        this.listener = listener == null ? StreamListener.NONE : listener;
        this.trace = new TraceBuilder(startNanos, options.maxChunkTimestamps());
        this.validator = new StreamValidator(options, this.listener);
        this.decoder = FlavorDecoder.of(options);
        this.nextTokensEvent = options.tokensEventEvery();
        this.parser = new SseParser(options.maxEventBytes(), new SseParser.Handler() {
            @Override
            public void event(SseEvent event) {
                onEvent(event);
            }

            @Override
            public void invalidUtf8(int eventNumber, long atNanos) {
                validator.report(Rule.INVALID_UTF8, "malformed UTF-8 bytes in SSE event " + eventNumber, atNanos);
            }
        });
    }

    /** The request is about to be handed to the socket: call just before writing it (TTFT's lower edge). */
    public void requestWritten(long atNanos) {
        trace.requestWritten(atNanos);
    }

    /** The request's write completed (the upper edge of the request bracket). */
    public void requestWriteCompleted(long atNanos) {
        trace.requestWriteCompleted(atNanos);
    }

    /**
     * Returns false when the body must not be read as a stream: a {@code content_type} violation is recorded, or, for
     * a non-2xx status, an {@code http_status} one at {@link #finish} (after {@link #errorBody} gave its message).
     */
    public boolean headers(int status, String contentType, String retryAfter, long atNanos) {
        trace.headers(atNanos);
        httpStatus = status;
        if (status < 200 || status > 299) {
            boolean hasRetry = retryAfter != null && !retryAfter.isBlank();
            // Reported at finish, once the body had its chance to say why (see errorBody).
            statusReason = "HTTP " + status + (hasRetry ? " (Retry-After: " + clip(retryAfter.trim(), 40) + ")" : "");
            statusAt = atNanos;
            return reject();
        }
        if (!isEventStream(contentType)) {
            validator.report(Rule.CONTENT_TYPE, "content type "
                    + (contentType == null || contentType.isBlank() ? "missing" : clip(contentType.trim(), 80))
                    + ", expected text/event-stream", atNanos);
            return reject();
        }
        return true;
    }

    /**
     * Part of the body of an answer whose status {@link #headers} rejected: the first {@link #MAX_ERROR_BODY_BYTES}
     * are kept, and at {@link #finish} the server's message in them ({@link ServerMessage}) joins the
     * {@code http_status} reason. Nothing of it is timed or counted as stream bytes.
     *
     * @return whether more of the body is wanted (false once the prefix is full, or when the status was not an error)
     */
    public boolean errorBody(Buffer data) {
        if (statusReason == null || result != null) {
            return false;
        }
        if (errorBody == null) {
            errorBody = new byte[MAX_ERROR_BODY_BYTES];
        }
        int n = Math.min(data.length(), MAX_ERROR_BODY_BYTES - errorBodyLength);
        data.getBytes(0, n, errorBody, errorBodyLength);
        errorBodyLength += n;
        return errorBodyLength < MAX_ERROR_BODY_BYTES;
    }

    /** A body buffer as received; atNanos was taken with System.nanoTime() before this call (before any parsing). */
    public void bytes(Buffer data, long atNanos) {
        if (terminated || result != null || ended || failure != null) {
            return;
        }
        trace.bytes(atNanos);
        int length = data.length();
        long room = options.maxTotalBytes() - bytes;
        bytes += length;
        int accepted = (int) Math.min(length, Math.max(0, room));
        if (!parser.feed(data.getBytes(), 0, accepted, atNanos)) {
            cutShort(Rule.OVERSIZE_EVENT, "SSE event larger than " + options.maxEventBytes() + " bytes (after event "
                    + parser.events() + ")", atNanos);
        } else if (length > room && !terminated) {
            cutShort(Rule.OVERSIZE_EVENT, "response body larger than " + options.maxTotalBytes() + " bytes",
                    atNanos);
        }
    }

    /** The body ended by its own framing (chunked terminator, Content-Length reached, HTTP/2 end of stream). */
    public void end(long atNanos) {
        if (result != null) {
            return;
        }
        if (!terminated && !ended && failure == null) {
            parser.endOfInput(atNanos);
        }
        ended = true;
        trace.closed(atNanos);
    }

    /**
     * The connection failed or closed before the body's framed end (reset, closed early, or a body without framing
     * that only a close can end); reason is a short human text such as "connection reset".
     */
    public void failed(String reason, long atNanos) {
        if (result != null || ended || failure != null) {
            return;
        }
        failure = reason == null || reason.isBlank() ? "connection failed" : clip(reason, 80);
        trace.closed(atNanos);
    }

    /**
     * A timeout of the engine cut the stream: reported as a {@code timeout} violation with {@code reason} (which names
     * the phase), and the stream counts as aborted.
     */
    public void timedOut(String reason, long atNanos) {
        if (terminated || result != null || ended || failure != null) {
            return;
        }
        validator.report(Rule.TIMEOUT, reason, atNanos);
        aborted = true;
        terminated = true;
    }

    /** Whether a token-bearing chunk has arrived. */
    public boolean tokenSeen() {
        return trace.firstToken() >= 0;
    }

    /**
     * Called by a periodic sweeper. Progress is a token: chunks without one (empty deltas, role-only, usage-only,
     * keep-alive JSON) no more reset the clock than {@code :} comments do, so a server that keeps the connection busy
     * while generating nothing still stalls. After the first token, a gap since the last token above
     * {@code stallNanos} is a {@code stall} (once per gap); above {@code stallAbortNanos} the stream is cut and
     * {@code aborted} says so. Before the first token only the abort applies, measured from the headers (or the
     * request being written).
     */
    public SweepResult sweep(long nowNanos) {
        if (terminated || result != null || ended || failure != null) {
            return SweepResult.NONE;
        }
        long last = trace.lastToken();
        if (last < 0) {
            long from = trace.headers() >= 0 ? trace.headers() : trace.requestWritten();
            if (from >= 0 && nowNanos - from > options.stallAbortNanos()) {
                String after = trace.headers() >= 0 ? "headers" : "the request was written";
                stallAbort(nowNanos - from, after, nowNanos);
                return SweepResult.ABORT;
            }
            return SweepResult.NONE;
        }
        long gap = nowNanos - last;
        if (gap > options.stallAbortNanos()) {
            stallAbort(gap, "token chunk " + trace.tokenChunks(), nowNanos);
            return SweepResult.ABORT;
        }
        if (gap > options.stallNanos() && stallReportedForToken != last) {
            reportStall(gap, "token chunk " + trace.tokenChunks(), "threshold "
                    + StreamValidator.seconds(options.stallNanos()), nowNanos);
            return SweepResult.STALL;
        }
        return SweepResult.NONE;
    }

    /** The gap passed the hard limit: the stall (unless this gap was already reported) and the cut, in that order. */
    private void stallAbort(long gap, String after, long now) {
        if (stallReportedForToken != trace.lastToken() || trace.lastToken() < 0) {
            reportStall(gap, after, (trace.lastToken() < 0 ? "abort limit " : "threshold ")
                    + StreamValidator.seconds(trace.lastToken() < 0 ? options.stallAbortNanos() : options.stallNanos()),
                    now);
        }
        validator.report(Rule.ABORTED, "stream aborted after " + StreamValidator.seconds(gap) + " without a token after "
                + after + " (limit " + StreamValidator.seconds(options.stallAbortNanos()) + ")", now);
        aborted = true;
        terminated = true;
    }

    private void reportStall(long gap, String after, String limit, long now) {
        stallReportedForToken = trace.lastToken();
        listener.stall(gap, now);
        int idle = trace.chunksSinceToken();
        validator.report(Rule.STALL, "no token for " + StreamValidator.seconds(gap) + " after " + after + " (" + limit
                + ")" + (idle == 0 ? "" : ", " + idle + (idle == 1 ? " chunk" : " chunks") + " without a token since"),
                now);
    }

    /** True once the session wants the connection closed: [DONE] received, an oversize limit hit, a stall abort, or headers rejected. */
    public boolean terminated() {
        return terminated;
    }

    /** When the first and the latest token chunk arrived ({@code -1} before one did), for {@link #clientHeld}. */
    public long firstTokenAt() {
        return trace.firstTokenAt();
    }

    /** See {@link #firstTokenAt()}. */
    public long lastTokenAt() {
        return trace.lastTokenAt();
    }

    /**
     * The client's own event loop was held up during these intervals ((start, end) pairs in nanoTime) while the tokens
     * arrived (a CPU-throttled pod, a starved machine): reads waited with it, so chunks the server wrote apart were
     * read together by us, right after the hold. A burst that began during a hold (or within
     * {@link #HOLD_SLACK_NANOS} of its end) and is no larger than the hold can explain (one chunk per
     * {@link #HOLD_PER_CHUNK_NANOS}: no server streams faster) is ours, and {@code buffered_delivery} judges only
     * the other bursts. A 5 ms hiccup never excuses a whole answer that came in one burst.
     */
    public void clientHeld(long[] holds) {
        this.holds = holds;
    }

    /** Applies end-of-stream rules once and returns the result; idempotent (later calls return the same object). */
    public StreamResult finish(long atNanos) {
        if (result != null) {
            return result;
        }
        trace.closed(atNanos);
        if (statusReason != null) {
            String message = ServerMessage.of(errorBody, errorBodyLength);
            validator.report(Rule.HTTP_STATUS, message == null ? statusReason : statusReason + ": " + message,
                    statusAt);
        }
        if (!headersRejected) {
            endOfStreamRules(atNanos);
            bufferedDelivery(atNanos);
        }
        String finishReason = FinishReasons.normalise(rawFinishReason);
        result = new StreamResult(trace.build(), validator.violations(), content.toString(),
                reasoning == null ? null : reasoning.toString(), toolCallChunks, finishReason, rawFinishReason, usage,
                responseId, httpStatus, bytes, events, aborted, ending(), responseModel, systemFingerprint);
        return result;
    }

    /** How the stream ended; a cut names its cause by the violation that made the engine cut. */
    private StreamEnd ending() {
        if (headersRejected) {
            return StreamEnd.REJECTED;
        }
        if (done) {
            return StreamEnd.DONE;
        }
        if (aborted) {
            return validator.has(Rule.TIMEOUT) ? StreamEnd.TIMED_OUT
                    : validator.has(Rule.OVERSIZE_EVENT) ? StreamEnd.OVERSIZE : StreamEnd.ABORTED;
        }
        if (finishSeen) {
            // the answer is whole; a missing [DONE] or a reset after the finish is its own violation
            return StreamEnd.FINISHED;
        }
        if (failure != null || !ended) {
            return StreamEnd.CLOSED;
        }
        return options.requireDone() || expectsFinishReason() ? StreamEnd.TRUNCATED : StreamEnd.ENDED;
    }

    /**
     * {@code buffered_delivery} when the class judges delivery and the token chunks came in too few bursts. Checked on
     * every end, cut or not: a buffering proxy is often what a stall or an abort was waiting on.
     */
    private void bufferedDelivery(long at) {
        BufferedDelivery rule = options.bufferedDelivery();
        int chunks = trace.tokenChunks();
        int bursts = trace.bursts();
        if (rule != null && rule.buffered(chunks, bursts) && holds.length > 0) {
            // Judge only the bursts our own hold-ups do not explain.
            long[] excused = excusedByOurHolds();
            chunks -= (int) excused[0];
            bursts -= (int) excused[1];
        }
        if (rule != null && rule.buffered(chunks, bursts)) {
            validator.report(Rule.BUFFERED_DELIVERY, StreamMetrics.tokensInBursts(outputTokens(), trace.bursts())
                    + " (" + chunks + " token chunks, more than " + rule.maxChunksPerBurst()
                    + " per burst): a proxy or the server buffered the stream", at);
        }
    }

    /** The token chunks and bursts our own loop's hold-ups explain, recomputed from the kept arrival stamps. */
    private long[] excusedByOurHolds() {
        long[] at = trace.tokenArrivals();
        long chunks = 0;
        long bursts = 0;
        int i = 0;
        while (i < at.length) {
            int j = i + 1;
            while (j < at.length && at[j] - at[i] <= StreamTrace.BURST_NANOS) {
                j++;
            }
            if (ourHoldExplains(at[i], j - i)) {
                chunks += j - i;
                bursts++;
            }
            i = j;
        }
        return new long[] {chunks, bursts};
    }

    /**
     * Whether a hold-up explains this burst: it began during the hold (as our stamps see it: from the last probe on
     * time to just after the late one, whose reads may come first) and the hold lasted long enough to pile it up.
     */
    private boolean ourHoldExplains(long burstStart, int size) {
        for (int k = 0; k + 1 < holds.length; k += 2) {
            long start = holds[k];
            long end = holds[k + 1];
            if (burstStart - start >= 0 && end + HOLD_SLACK_NANOS - burstStart >= 0
                    && end - start >= HOLD_PER_CHUNK_NANOS * (size - 1)) {
                return true;
            }
        }
        return false;
    }

    private int outputTokens() {
        return usage != null && usage.completionTokens() != null ? usage.completionTokens() : trace.tokenChunks();
    }

    private void endOfStreamRules(long at) {
        int tokens = trace.tokenChunks();
        boolean complete = done || (!options.requireDone() && finishSeen);
        String failed = failure != null ? failure : (!ended && !terminated ? "closed by the client" : null);
        if (aborted) {
            // the engine cut the stream short: its own violation says why, the rest would blame the server wrongly
        } else if (failed != null) {
            if (!complete) {
                validator.report(Rule.PREMATURE_CLOSE, failed + " after " + tokens + " token chunks, before "
                        + (finishSeen ? "[DONE]" : options.requireDone() ? "a finish reason or [DONE]"
                        : "a finish reason"), at);
            }
        } else {
            // The body ended by its own framing: nothing was cut, so a missing marker is the server's omission.
            if (!finishSeen && tokens > 0 && expectsFinishReason()) {
                validator.report(Rule.MISSING_FINISH_REASON, "stream ended after " + tokens
                        + " token chunks without a finish reason", at);
            }
            if (options.requireDone() && !done) {
                validator.report(Rule.MISSING_DONE, finishSeen
                        ? "stream ended after the finish reason without data: [DONE]"
                        : "stream ended without a finish reason or data: [DONE]", at);
            }
        }
        if (tokens == 0) {
            validator.report(Rule.NO_TOKENS, done ? "no token before [DONE]"
                    : aborted ? "no token before the stream was aborted"
                    : failed != null ? "no token before the connection closed (" + failed + ")"
                    : "no token before the stream ended", at);
        }
        if (usage != null && usage.completionTokens() != null && usage.completionTokens() < tokens) {
            validator.report(Rule.USAGE_INCONSISTENT, "server reported " + usage.completionTokens()
                    + " completion tokens but " + tokens + " token-bearing chunks arrived", at);
        }
        if (!validator.has(Rule.STALL)) {
            lateStall(at);
        }
    }

    /**
     * A stall no sweep caught (a gap ended between two sweeps, or the stream ended inside it): the largest gap between
     * tokens, or the tail from the last token to the finish reason, {@code [DONE]} or the close if that is longer.
     */
    private void lateStall(long at) {
        long last = trace.lastToken();
        long tail = last < 0 ? 0 : trace.progressEnd() - last;
        String limit = " (threshold " + StreamValidator.seconds(options.stallNanos()) + ")";
        if (trace.maxGap() >= tail && trace.maxGap() > options.stallNanos()) {
            validator.report(Rule.STALL, "gap of " + StreamValidator.seconds(trace.maxGap()) + " before token chunk "
                    + trace.maxGapEndChunk() + limit, at);
        } else if (tail > options.stallNanos()) {
            long end = trace.progressEnd();
            String until = end == trace.finishAt() ? "the finish reason" : end == trace.doneAt() ? "[DONE]"
                    : aborted ? "the stream was cut" : "the stream ended";
            validator.report(Rule.STALL, "no token for " + StreamValidator.seconds(tail) + " after token chunk "
                    + trace.tokenChunks() + " until " + until + limit, at);
        }
    }

    private boolean expectsFinishReason() {
        // Triton backends commonly send no finish reason at all
        return options.flavor() != Flavor.TRITON_GENERATE;
    }

    private void onEvent(SseEvent event) {
        if (terminated) {
            return;
        }
        String data = event.data();
        boolean errorEvent = "error".equals(event.event());
        if (!errorEvent && data.isBlank()) {
            return; // an empty data line carries nothing; not worth failing a healthy server over
        }
        long at = event.arrivedNanos();
        events++;
        trace.chunk(at);
        if (errorEvent) {
            validator.report(Rule.STREAM_ERROR, "server error in stream: " + Json.errorEventMessage(data), at);
            return;
        }
        if (isDone(data)) {
            done = true;
            trace.done(at);
            terminated = true;
            return;
        }
        List<StreamDelta> deltas;
        try {
            deltas = decoder.decode(data);
        } catch (MalformedEventException e) {
            validator.report(Rule.MALFORMED_EVENT, "event " + events + ": " + e.getMessage(), at);
            return;
        }
        for (int i = 0, n = deltas.size(); i < n; i++) {
            apply(deltas.get(i), at);
        }
    }

    private void apply(StreamDelta delta, long at) {
        if (delta.error() != null) {
            validator.report(Rule.STREAM_ERROR, "server error in stream: " + delta.error(), at);
            return;
        }
        boolean inRange = validator.checkOrder(delta, events, at);
        int choice = inRange ? delta.choiceIndex() : -1;
        if (delta.tokenBearing()) {
            int count = trace.token(at);
            if (count == 1) {
                listener.firstToken(at);
            }
            tokensEvent(delta.usage(), count, at);
            if (inRange) {
                validator.token(choice, count, at);
            }
            String text = delta.content();
            if (text != null && !text.isEmpty()) {
                trace.content(at);
                validator.checkText(text, "content", count, at);
                if (choice == 0) {
                    content.append(text);
                }
            }
            String thought = delta.reasoning();
            if (thought != null && !thought.isEmpty()) {
                validator.checkText(thought, "reasoning", count, at);
                if (choice == 0) {
                    (reasoning == null ? reasoning = new StringBuilder() : reasoning).append(thought);
                }
            }
            if (delta.toolCall()) {
                toolCallChunks++;
            }
        }
        String finish = delta.finishReason();
        if (finish != null && !finish.isEmpty()) {
            if (inRange) {
                validator.finished(choice);
            }
            if (!finishSeen) {
                finishSeen = true;
                rawFinishReason = finish;
                trace.finish(at);
            }
        }
        if (delta.usage() != null) {
            usage = delta.usage();
            trace.usage(at);
        }
        if (responseId == null && delta.id() != null && !delta.id().isEmpty()) {
            responseId = delta.id();
        }
        if (systemFingerprint == null && delta.systemFingerprint() != null && !delta.systemFingerprint().isBlank()) {
            String f = delta.systemFingerprint();
            systemFingerprint = f.length() <= StreamResult.MAX_MODEL_CHARS ? f
                    : f.substring(0, StreamResult.MAX_MODEL_CHARS);
        }
        if (responseModel == null && delta.model() != null && !delta.model().isBlank()) {
            String m = delta.model();
            responseModel = m.length() <= StreamResult.MAX_MODEL_CHARS ? m
                    : m.substring(0, StreamResult.MAX_MODEL_CHARS);
        }
    }

    /**
     * Tokens, not chunks, where the server says: a usage count on a token-bearing chunk (continuous usage) is the
     * count from then on (a chunk may hold several tokens); else the chunks are. Usage that only comes at the end
     * (OpenAI's {@code include_usage} chunk, TGI's details) is too late for progress events.
     */
    private void tokensEvent(Usage u, int chunks, long at) {
        int every = options.tokensEventEvery();
        if (every <= 0) {
            return;
        }
        if (u != null && u.completionTokens() != null && u.completionTokens() >= streamedTokens) {
            streamedTokens = u.completionTokens();
        }
        int tokens = streamedTokens >= 0 ? streamedTokens : chunks;
        if (tokens >= nextTokensEvent) {
            listener.tokensEmitted(tokens, streamedTokens >= 0, at);
            nextTokensEvent = (tokens / every + 1) * every;
        }
    }

    private boolean reject() {
        headersRejected = true;
        terminated = true;
        return false;
    }

    private void cutShort(Rule rule, String reason, long at) {
        validator.report(rule, reason, at);
        aborted = true;
        terminated = true;
    }

    private static boolean isDone(String data) {
        return data.length() < 16 && "[DONE]".equals(data.trim());
    }

    private static boolean isEventStream(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase("text/event-stream");
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
