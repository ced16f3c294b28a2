package dev.llmcanary.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;

/**
 * Hands a gate's span to the runs it starts. A gate run is the root of its own trace (one trace per run, as every
 * other run) linked to the gate's span, and the gate's span links back to it; nothing of the thread that happens to
 * start the run (the {@code POST /api/gates} request, a finished run's callback) leaks into its trace.
 */
public final class GateTrace {

    private static final ContextKey<Span> GATE = ContextKey.named("llm_canary.gate");

    private GateTrace() {
    }

    /**
     * Runs started while the returned scope is open belong to {@code gate}. The scope replaces the thread's context
     * with one holding only the gate, so no ambient span can become a run's parent.
     */
    public static Scope starting(Span gate) {
        return Context.root().with(GATE, gate).makeCurrent();
    }

    /** The gate a run being started belongs to, or {@code null}. */
    static Span gateOf(Context context) {
        return context.get(GATE);
    }
}
