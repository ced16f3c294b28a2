package dev.llmcanary.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Turns a reply, a wire format, a profile's timing and the faults into a {@link StreamPlan}.
 *
 * <p>The steps, in stream order: when the headers and the first token are due; the role chunk; each token chunk's
 * payload with the faults that change what it says; the token events with the faults that change when they come or
 * end the stream early; the tail (finish, usage, {@code [DONE]}); last, a buffering proxy's regrouping. The
 * {@link Wire} gives the payloads and {@link SseFrames} their bytes, so this class only decides order and time.
 */
final class PlanBuilder {

    private static final long MS = 1_000_000L;
    /** Decorrelates the jitter stream from the lorem words drawn from the same seed. */
    private static final long JITTER_SALT = 0x9E3779B97F4A7C15L;

    private final Wire wire;
    private final SimProfile profile;
    private final Faults faults;
    private final SseFrames frames;
    private final SplittableRandom jitter;
    private final List<SimEvent> events = new ArrayList<>();

    PlanBuilder(Wire wire, SimProfile profile, Faults faults, long seed) {
        this.wire = wire;
        this.profile = profile;
        this.faults = faults;
        this.frames = new SseFrames(wire.prefix(), profile.crlf(), faults.splitUtf8());
        this.jitter = new SplittableRandom(seed ^ JITTER_SALT);
    }

    /**
     * @param reasoning   reasoning tokens streamed before the reply (ignored when the wire has no field for them)
     * @param usageMode   resolved usage reporting
     * @param roleChunk   resolved role-chunk choice
     */
    StreamPlan build(Reply reply, List<String> reasoning, int promptTokens, UsageMode usageMode, boolean roleChunk) {
        StreamPlan plan = unbuffered(reply, reasoning, promptTokens, usageMode, roleChunk);
        return faults.bufferedChunks() > 0 ? ProxyBuffering.regroup(plan, faults.bufferedChunks()) : plan;
    }

    private StreamPlan unbuffered(Reply reply, List<String> reasoning, int promptTokens, UsageMode usageMode,
                                  boolean roleChunk) {
        long headers = (profile.headersDelayMs() + faults.slowHeadersMs()) * MS;
        long firstTokenAt = Math.max(headers, profile.ttftMs() * MS + jitter());
        if (faults.bareDone()) {
            events.add(SimEvent.write(ChunkKind.DONE, firstTokenAt, frames.done()));
            return new StreamPlan(headers, events);
        }
        addRole(headers, promptTokens, usageMode, roleChunk);
        Answer answer = answer(reply, reasoning, promptTokens, usageMode);
        OptionalLong lastTokenAt = addTokens(answer, firstTokenAt);
        if (lastTokenAt.isPresent()) {
            addTail(answer, firstTokenAt, lastTokenAt.getAsLong());
        }
        return new StreamPlan(headers, events);
    }

    /** The role-only first chunk, due with the headers, when the dialect (or profile) sends one. */
    private void addRole(long headers, int promptTokens, UsageMode usageMode, boolean roleChunk) {
        String role = roleChunk ? wire.role(usageMode == UsageMode.CONTINUOUS
                ? new TokenCounts(promptTokens, 0) : null) : null;
        if (role != null) {
            events.add(SimEvent.write(ChunkKind.ROLE, headers, frames.data(role)));
        }
    }

    /** What the stream says, before any timing: the chunks and their payloads, the finish and the totals. */
    private Answer answer(Reply reply, List<String> reasoning, int promptTokens, UsageMode usageMode) {
        List<Chunk> chunks = new ArrayList<>();
        if (wire.reasoning()) {
            group(reasoning, true, chunks);
        }
        group(reply.tokens(), false, chunks);
        StringBuilder text = new StringBuilder();
        for (Chunk c : chunks) {
            text.append(c.text);
        }
        String finishReason = reply.length() ? "length" : "stop";
        TokenCounts total = new TokenCounts(promptTokens, faults.usageLow() ? 1 : countTokens(chunks));
        List<String> payloads = payloads(chunks, finishReason, reply.stopMatch(), promptTokens, usageMode);
        return new Answer(chunks, payloads, text.toString(), finishReason, reply.stopMatch(), total, usageMode);
    }

    /**
     * Each token chunk's payload, with the faults that change what a chunk says: {@code duplicate_index},
     * {@code oversize}, {@code invalid_utf8}, {@code id_change}, {@code usage_low}, {@code malformed} and
     * {@code reorder}.
     */
    private List<String> payloads(List<Chunk> chunks, String finishReason, String stopMatch, int promptTokens,
                                  UsageMode usageMode) {
        int n = chunks.size();
        List<String> payloads = new ArrayList<>(n);
        StringBuilder soFar = new StringBuilder();
        int generated = 0;
        for (int k = 1; k <= n; k++) {
            Chunk c = chunks.get(k - 1);
            soFar.append(c.text);
            generated += c.tokens;
            boolean finishHere = finishesOn(k, n);
            TokenCounts counts = new TokenCounts(promptTokens, faults.usageLow() ? 1 : generated);
            boolean reportUsage = usageMode == UsageMode.CONTINUOUS || finishHere && usageMode == UsageMode.FINAL;
            boolean duplicate = faults.duplicateIndexAt() == k;
            Piece piece = new Piece(duplicate ? k - 1 : k, duplicate ? 1 : 0, textOf(k, c.text), soFar.toString(),
                    c.reasoning, idChanged(k), finishHere ? finishReason : null, stopMatch, counts, reportUsage);
            String payload = wire.token(piece);
            if (faults.malformedAt() == k) {
                payload = payload.substring(0, payload.length() / 2);
            }
            payloads.add(payload);
        }
        int r = faults.reorderAt();
        if (r >= 1 && r < n) {
            Collections.swap(payloads, r - 1, r);
        }
        return payloads;
    }

    /**
     * The token events, each with what the faults and the profile put before it (the gap, a stall, idle chunks, a
     * keep-alive comment, an interleaved empty chunk); empty when a fault ended the stream, else when the last token
     * was due.
     */
    private OptionalLong addTokens(Answer answer, long firstTokenAt) {
        int n = answer.chunks.size();
        long t = firstTokenAt;
        long previous = t;
        for (int k = 1; k <= n; k++) {
            if (k > 1) {
                t += Math.max(0, profile.itlMs() * MS + jitter());
            }
            t += faults.stallMs().getOrDefault(k, 0L) * MS;
            t = addIdleChunks(k, t);
            if (k > 1 && profile.keepalive()) {
                events.add(SimEvent.write(ChunkKind.OTHER, (previous + t) / 2, frames.comment("keep-alive")));
            }
            addInterleavedEmpty(k, t);
            if (addEndingFault(k, t)) {
                return OptionalLong.empty();
            }
            boolean finishOnly = finishesOn(k, n) && answer.chunks.get(k - 1).text.isEmpty();
            events.add(SimEvent.write(finishOnly ? ChunkKind.FINISH : ChunkKind.TOKEN, t,
                    frames.data(answer.payloads.get(k - 1))));
            previous = t;
        }
        return OptionalLong.of(t);
    }

    /** The {@code idle_chunks} fault before token chunk k: token-less chunks while it waits; returns the new time. */
    private long addIdleChunks(int k, long t) {
        long idle = faults.idleMs().getOrDefault(k, 0L) * MS;
        for (long at = t + Faults.IDLE_EVERY_MS * MS; at < t + idle; at += Faults.IDLE_EVERY_MS * MS) {
            events.add(SimEvent.write(ChunkKind.EMPTY, at, frames.data(wire.idle(idChanged(k)))));
        }
        return t + idle;
    }

    /** The empty-content chunk some dialects interleave before every n-th token chunk. */
    private void addInterleavedEmpty(int k, long t) {
        String empty = wire.emptyEvery() > 0 && k > 1 && (k - 1) % wire.emptyEvery() == 0
                ? wire.empty(k, idChanged(k)) : null;
        if (empty != null) {
            events.add(SimEvent.write(ChunkKind.EMPTY, t, frames.data(empty)));
        }
    }

    /** A fault that ends the stream in place of token chunk k ({@code close}, {@code error}, {@code error_event}). */
    private boolean addEndingFault(int k, long t) {
        if (faults.closeAt() == k) {
            events.add(SimEvent.closeAt(t));
        } else if (faults.errorAt() == k) {
            events.add(SimEvent.write(ChunkKind.ERROR, t, frames.error()));
        } else if (faults.errorEventAt() == k) {
            events.add(SimEvent.write(ChunkKind.ERROR, t, frames.errorEvent()));
        } else {
            return false;
        }
        return true;
    }

    /** After the last token: the finish (unless {@code no_finish}), {@code content_after_finish}, usage, [DONE]. */
    private void addTail(Answer answer, long firstTokenAt, long lastTokenAt) {
        int n = answer.chunks.size();
        long end = n > 0 ? lastTokenAt + profile.itlMs() * MS : lastTokenAt;
        if (!faults.noFinish()) {
            addFinish(answer, end, lastTokenAt - firstTokenAt);
        }
        if (faults.contentAfterFinish()) {
            end += profile.itlMs() * MS;
            Piece extra = new Piece(n + 1, 0, " extra", answer.text + " extra", false, idChanged(n + 1), null, null,
                    answer.total, false);
            events.add(SimEvent.write(ChunkKind.TOKEN, end, frames.data(wire.token(extra))));
        }
        if (answer.usageMode == UsageMode.SEPARATE || answer.usageMode == UsageMode.CONTINUOUS) {
            String usage = wire.usage(answer.total, idChanged(n + 1));
            if (usage != null) {
                events.add(SimEvent.write(ChunkKind.USAGE, end, frames.data(usage)));
            }
        }
        if (wire.done() && !faults.noDone()) {
            events.add(SimEvent.write(ChunkKind.DONE, end, frames.done()));
        }
    }

    /**
     * The finish when it did not ride on the last token: an empty token chunk carrying it when there were no
     * tokens, or the wire's finish event.
     */
    private void addFinish(Answer answer, long end, long streamedNanos) {
        int n = answer.chunks.size();
        UsageMode usageMode = answer.usageMode;
        if (n == 0 && wire.finishOnLastToken()) {
            Piece empty = new Piece(1, 0, "", "", false, false, answer.finishReason, answer.stopMatch, answer.total,
                    usageMode == UsageMode.FINAL);
            events.add(SimEvent.write(ChunkKind.FINISH, end, frames.data(wire.token(empty))));
        } else if (!wire.finishOnLastToken()) {
            String finish = wire.finish(new Finish(answer.finishReason, answer.stopMatch, answer.text, answer.total,
                    usageMode == UsageMode.FINAL || usageMode == UsageMode.CONTINUOUS, idChanged(n + 1),
                    profile.ttftMs(), streamedNanos / MS));
            if (finish != null) {
                events.add(SimEvent.write(ChunkKind.FINISH, end, frames.data(finish)));
            }
        }
    }

    /** Whether token chunk k of n carries the finish. */
    private boolean finishesOn(int k, int n) {
        return k == n && wire.finishOnLastToken() && !faults.noFinish();
    }

    private record Chunk(String text, int tokens, boolean reasoning) {
    }

    /**
     * What the stream says, before any timing: its chunks (reasoning first), each chunk's payload, the whole text,
     * the finish and the totals the tail reports.
     */
    private record Answer(List<Chunk> chunks, List<String> payloads, String text, String finishReason,
                          String stopMatch, TokenCounts total, UsageMode usageMode) {
    }

    private void group(List<String> tokens, boolean reasoning, List<Chunk> into) {
        int per = profile.tokensPerChunk();
        for (int i = 0; i < tokens.size(); i += per) {
            int to = Math.min(tokens.size(), i + per);
            into.add(new Chunk(String.join("", tokens.subList(i, to)), to - i, reasoning));
        }
    }

    private static int countTokens(List<Chunk> chunks) {
        int sum = 0;
        for (Chunk c : chunks) {
            sum += c.tokens;
        }
        return sum;
    }

    private String textOf(int k, String text) {
        Integer oversize = faults.oversize().get(k);
        if (oversize != null) {
            return "x".repeat(oversize);
        }
        return faults.invalidUtf8At() == k ? text + SseFrames.INVALID_MARK : text;
    }

    private boolean idChanged(int k) {
        return faults.idChangeAt() > 0 && k >= faults.idChangeAt();
    }

    private long jitter() {
        long j = profile.jitterMs() * MS;
        return j == 0 ? 0 : jitter.nextLong(-j, j + 1);
    }
}
