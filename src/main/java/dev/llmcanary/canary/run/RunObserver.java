package dev.llmcanary.canary.run;

import dev.llmcanary.canary.Target;
import dev.llmcanary.stream.StreamListener;

import java.util.Map;

/**
 * Watches canary runs from start to end (implemented by telemetry: the span lives here). Declared in the canary
 * feature so the runner does not depend on how runs are observed.
 */
public interface RunObserver {

    /** Called before the request is sent. */
    ObservedRun begin(String runId, Target target, long startNanos);

    /**
     * Called before the request is sent, knowing what started the run (which decides where its trace belongs); by
     * default the same as {@link #begin(String, Target, long)}.
     */
    default ObservedRun begin(String runId, Target target, long startNanos, Trigger trigger) {
        return begin(runId, target, startNanos);
    }

    /** The observation of one run. */
    interface ObservedRun {
        /** Hears stream moments on the event loop (first token, every N tokens, stalls, violations). */
        StreamListener listener();

        /** Headers that carry the trace context to the target ({@code traceparent}). */
        Map<String, String> propagationHeaders();

        /** The trace id, or {@code null} when tracing is off. */
        String traceId();

        /** Called once with the final result, off the event loop. */
        void end(RunResult result);

        /**
         * Called instead of {@link #end(RunResult)} when the result was held back after the run (waiting for server
         * evidence): the observation ends at {@code endNanos} ({@code System.nanoTime()}), when the run itself did.
         */
        default void end(RunResult result, long endNanos) {
            end(result);
        }

        /**
         * The endpoint's stream reported another identity than on its previous scheduled run; called off the event
         * loop, before {@link #end}.
         *
         * @param source where it was read ({@code system_fingerprint} → {@code fingerprint}, the {@code Server} header
         *               → {@code server}), a fixed name from code
         * @param from   the previous value, readable (an identifier or a {@code sha256:} hash prefix), never free text
         * @param to     the new value, likewise
         */
        default void identityChanged(String source, String from, String to) {
        }

        /** Runs {@code work} with this run's trace context current, so metrics recorded there carry exemplars. */
        default void inContext(Runnable work) {
            work.run();
        }
    }
}
