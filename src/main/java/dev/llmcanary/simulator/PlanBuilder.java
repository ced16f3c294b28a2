package dev.llmcanary.simulator;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/** Turns a reply, a wire format, a profile's timing and the faults into a {@link StreamPlan}. */
final class PlanBuilder {

    static final String ERROR_JSON =
            "{\"error\":{\"message\":\"simulated upstream failure\",\"type\":\"internal_error\",\"code\":500}}";
    /** Stands in for raw invalid bytes until the event is turned into bytes; JSON escaping leaves it intact. */
    private static final String INVALID_MARK = "~~sim-invalid-utf8~~";
    private static final byte[] INVALID_BYTES = {(byte) 0xC3, (byte) 0x28};
    private static final long MS = 1_000_000L;
    /** Decorrelates the jitter stream from the lorem words drawn from the same seed. */
    private static final long JITTER_SALT = 0x9E3779B97F4A7C15L;

    private final Wire wire;
    private final SimProfile profile;
    private final Faults faults;
    private final String eol;
    private final SplittableRandom jitter;
    private final List<SimEvent> events = new ArrayList<>();

    PlanBuilder(Wire wire, SimProfile profile, Faults faults, long seed) {
        this.wire = wire;
        this.profile = profile;
        this.faults = faults;
        this.eol = profile.crlf() ? "\r\n" : "\n";
        this.jitter = new SplittableRandom(seed ^ JITTER_SALT);
    }

    /**
     * @param reasoning   reasoning tokens streamed before the reply (ignored when the wire has no field for them)
     * @param usageMode   resolved usage reporting
     * @param roleChunk   resolved role-chunk choice
     */
    StreamPlan build(Reply reply, List<String> reasoning, int promptTokens, UsageMode usageMode, boolean roleChunk) {
        StreamPlan plan = unbuffered(reply, reasoning, promptTokens, usageMode, roleChunk);
        return faults.bufferedChunks() > 0 ? buffered(plan, faults.bufferedChunks()) : plan;
    }

    /**
     * What a buffering proxy (nginx with {@code proxy_buffering on}) delivers: the events held back and written in one
     * socket write every {@code n} token chunks, when the last of them is due; what remains (finish, usage,
     * {@code [DONE]}) goes with the final write, and a close still closes after writing what was held.
     */
    static StreamPlan buffered(StreamPlan plan, int n) {
        List<SimEvent> out = new ArrayList<>();
        Buffer held = Buffer.buffer();
        ChunkKind kind = null;
        long due = plan.headersDueNanos();
        int tokens = 0;
        for (SimEvent e : plan.events()) {
            due = e.dueNanos();
            if (e.close()) {
                flush(out, held, kind, due);
                out.add(e);
                return new StreamPlan(plan.headersDueNanos(), out);
            }
            for (Buffer part : e.parts()) {
                held.appendBuffer(part);
            }
            kind = kind == ChunkKind.TOKEN ? kind : e.kind();
            if (e.kind() == ChunkKind.TOKEN && ++tokens % n == 0) {
                flush(out, held, kind, due);
                held = Buffer.buffer();
                kind = null;
            }
        }
        flush(out, held, kind, due);
        return new StreamPlan(plan.headersDueNanos(), out);
    }

    private static void flush(List<SimEvent> out, Buffer held, ChunkKind kind, long due) {
        if (held.length() > 0) {
            out.add(SimEvent.write(kind, due, held));
        }
    }

    private StreamPlan unbuffered(Reply reply, List<String> reasoning, int promptTokens, UsageMode usageMode,
                                  boolean roleChunk) {
        long headers = (profile.headersDelayMs() + faults.slowHeadersMs()) * MS;
        long t = Math.max(headers, profile.ttftMs() * MS + jitter());
        if (faults.bareDone()) {
            events.add(SimEvent.write(ChunkKind.DONE, t, data("[DONE]")));
            return new StreamPlan(headers, events);
        }
        String role = roleChunk ? wire.role(usageMode == UsageMode.CONTINUOUS
                ? new TokenCounts(promptTokens, 0) : null) : null;
        if (role != null) {
            events.add(SimEvent.write(ChunkKind.ROLE, headers, data(role)));
        }

        List<Chunk> chunks = new ArrayList<>();
        if (wire.reasoning()) {
            group(reasoning, true, chunks);
        }
        group(reply.tokens(), false, chunks);
        int n = chunks.size();
        String finishReason = reply.length() ? "length" : "stop";

        List<String> payloads = new ArrayList<>(n);
        StringBuilder soFar = new StringBuilder();
        int generated = 0;
        for (int k = 1; k <= n; k++) {
            Chunk c = chunks.get(k - 1);
            soFar.append(c.text);
            generated += c.tokens;
            boolean finishHere = k == n && wire.finishOnLastToken() && !faults.noFinish();
            TokenCounts counts = new TokenCounts(promptTokens, faults.usageLow() ? 1 : generated);
            boolean reportUsage = usageMode == UsageMode.CONTINUOUS || finishHere && usageMode == UsageMode.FINAL;
            Piece piece = new Piece(faults.duplicateIndexAt() == k ? k - 1 : k,
                    faults.duplicateIndexAt() == k ? 1 : 0, textOf(k, c.text), soFar.toString(), c.reasoning,
                    idChanged(k), finishHere ? finishReason : null, reply.stopMatch(), counts, reportUsage);
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

        long firstTokenAt = t;
        long previous = t;
        for (int k = 1; k <= n; k++) {
            if (k > 1) {
                t += Math.max(0, profile.itlMs() * MS + jitter());
            }
            t += faults.stallMs().getOrDefault(k, 0L) * MS;
            long idle = faults.idleMs().getOrDefault(k, 0L) * MS;
            for (long at = t + Faults.IDLE_EVERY_MS * MS; at < t + idle; at += Faults.IDLE_EVERY_MS * MS) {
                events.add(SimEvent.write(ChunkKind.EMPTY, at, data(wire.idle(idChanged(k)))));
            }
            t += idle;
            if (k > 1 && profile.keepalive()) {
                events.add(SimEvent.write(ChunkKind.OTHER, (previous + t) / 2, ascii(": keep-alive" + eol + eol)));
            }
            String empty = wire.emptyEvery() > 0 && k > 1 && (k - 1) % wire.emptyEvery() == 0
                    ? wire.empty(k, idChanged(k)) : null;
            if (empty != null) {
                events.add(SimEvent.write(ChunkKind.EMPTY, t, data(empty)));
            }
            if (faults.closeAt() == k) {
                events.add(SimEvent.closeAt(t));
                return new StreamPlan(headers, events);
            }
            if (faults.errorAt() == k) {
                events.add(SimEvent.write(ChunkKind.ERROR, t, data(ERROR_JSON)));
                return new StreamPlan(headers, events);
            }
            if (faults.errorEventAt() == k) {
                events.add(SimEvent.write(ChunkKind.ERROR, t, split(bytes("event: error" + eol
                        + wire.prefix() + ERROR_JSON + eol + eol))));
                return new StreamPlan(headers, events);
            }
            boolean finishHere = k == n && wire.finishOnLastToken() && !faults.noFinish();
            events.add(SimEvent.write(finishHere && chunks.get(k - 1).text.isEmpty() ? ChunkKind.FINISH
                    : ChunkKind.TOKEN, t, data(payloads.get(k - 1))));
            previous = t;
        }

        TokenCounts total = new TokenCounts(promptTokens, faults.usageLow() ? 1 : countTokens(chunks));
        long end = n > 0 ? t + profile.itlMs() * MS : t;
        if (!faults.noFinish()) {
            if (n == 0 && wire.finishOnLastToken()) {
                Piece empty = new Piece(1, 0, "", "", false, false, finishReason, reply.stopMatch(), total,
                        usageMode == UsageMode.FINAL);
                events.add(SimEvent.write(ChunkKind.FINISH, end, data(wire.token(empty))));
            } else if (!wire.finishOnLastToken()) {
                String finish = wire.finish(new Finish(finishReason, reply.stopMatch(), soFar.toString(), total,
                        usageMode == UsageMode.FINAL || usageMode == UsageMode.CONTINUOUS, idChanged(n + 1),
                        profile.ttftMs(),
                        (t - firstTokenAt) / MS));
                if (finish != null) {
                    events.add(SimEvent.write(ChunkKind.FINISH, end, data(finish)));
                }
            }
        }
        if (faults.contentAfterFinish()) {
            end += profile.itlMs() * MS;
            Piece extra = new Piece(n + 1, 0, " extra", soFar + " extra", false, idChanged(n + 1), null, null,
                    total, false);
            events.add(SimEvent.write(ChunkKind.TOKEN, end, data(wire.token(extra))));
        }
        if (usageMode == UsageMode.SEPARATE || usageMode == UsageMode.CONTINUOUS) {
            String usage = wire.usage(total, idChanged(n + 1));
            if (usage != null) {
                events.add(SimEvent.write(ChunkKind.USAGE, end, data(usage)));
            }
        }
        if (wire.done() && !faults.noDone()) {
            events.add(SimEvent.write(ChunkKind.DONE, end, data("[DONE]")));
        }
        return new StreamPlan(headers, events);
    }

    private record Chunk(String text, int tokens, boolean reasoning) {
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
        return faults.invalidUtf8At() == k ? text + INVALID_MARK : text;
    }

    private boolean idChanged(int k) {
        return faults.idChangeAt() > 0 && k >= faults.idChangeAt();
    }

    private long jitter() {
        long j = profile.jitterMs() * MS;
        return j == 0 ? 0 : jitter.nextLong(-j, j + 1);
    }

    private Buffer[] data(String payload) {
        return split(bytes(wire.prefix() + payload + eol + eol));
    }

    private static Buffer[] ascii(String text) {
        return new Buffer[] {Buffer.buffer(text.getBytes(StandardCharsets.US_ASCII))};
    }

    private static byte[] bytes(String event) {
        int mark = event.indexOf(INVALID_MARK);
        if (mark < 0) {
            return event.getBytes(StandardCharsets.UTF_8);
        }
        byte[] before = event.substring(0, mark).getBytes(StandardCharsets.UTF_8);
        byte[] after = event.substring(mark + INVALID_MARK.length()).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[before.length + INVALID_BYTES.length + after.length];
        System.arraycopy(before, 0, out, 0, before.length);
        System.arraycopy(INVALID_BYTES, 0, out, before.length, INVALID_BYTES.length);
        System.arraycopy(after, 0, out, before.length + INVALID_BYTES.length, after.length);
        return out;
    }

    /** One write, or with split_utf8 two writes cut inside the first multi-byte character (else the middle). */
    private Buffer[] split(byte[] event) {
        if (!faults.splitUtf8() || event.length < 2) {
            return new Buffer[] {Buffer.buffer(event)};
        }
        int cut = event.length / 2;
        for (int i = 0; i < event.length; i++) {
            if ((event[i] & 0xC0) == 0xC0) {
                cut = i + 1;
                break;
            }
        }
        Buffer first = Buffer.buffer(event.length).appendBytes(event, 0, cut);
        Buffer second = Buffer.buffer(event.length).appendBytes(event, cut, event.length - cut);
        return new Buffer[] {first, second};
    }
}
