package dev.llmcanary.simulator;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code buffered} fault: what a buffering proxy (nginx with {@code proxy_buffering on}) makes of a stream. It
 * changes when bytes reach the socket, never which bytes, so it applies to a finished plan.
 */
final class ProxyBuffering {

    private ProxyBuffering() {
    }

    /**
     * The events held back and written in one socket write every {@code n} token chunks, when the last of them is
     * due; what remains (finish, usage, {@code [DONE]}) goes with the final write, and a close still closes after
     * writing what was held.
     */
    static StreamPlan regroup(StreamPlan plan, int n) {
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
}
