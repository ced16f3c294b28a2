package dev.llmcanary.canary.run;

import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.stream.StreamEnd;
import dev.llmcanary.stream.StreamTimings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Checks one run's figures against its class thresholds (as tightened by the canary). */
final class SloEvaluator {

    private SloEvaluator() {
    }

    /**
     * An incomplete answer ({@code ended} not complete) fails its e2e and decode-rate checks with "answer incomplete":
     * it has no such figures, and a run cut short must never pass them for having ended early.
     */
    static List<SloCheck> check(Thresholds t, StreamTimings m, StreamEnd ended) {
        List<SloCheck> checks = new ArrayList<>(3);
        if (t.ttftSeconds() != null && m.ttft() != null) {
            checks.add(atMost("ttft", t.ttftSeconds(), m.ttft()));
        }
        if (ended != null && !ended.complete()) {
            checks.addAll(incomplete(t, ended));
            return checks;
        }
        if (t.e2eSeconds() != null && m.e2e() != null) {
            checks.add(atMost("e2e", t.e2eSeconds(), m.e2e()));
        }
        // Undefined with fewer than two tokens, withheld for a buffered stream: no_tokens, buffered_delivery or the
        // guardrails speak for such a run instead.
        if (t.minOutputTokensPerSecond() != null && m.outputTokensPerSecond() != null) {
            double floor = t.minOutputTokensPerSecond();
            double actual = m.outputTokensPerSecond();
            boolean ok = actual >= floor;
            checks.add(new SloCheck("output_tokens_per_second", floor, actual, ok,
                    ok ? null : String.format(Locale.ROOT, "output tokens/s %.1f below the floor of %.1f", actual,
                            floor)));
        }
        return checks;
    }

    /** The e2e and decode-rate checks of an answer that never completed: failed, with nothing measured. */
    static List<SloCheck> incomplete(Thresholds t, StreamEnd ended) {
        List<SloCheck> checks = new ArrayList<>(2);
        if (t.e2eSeconds() != null) {
            checks.add(incomplete("e2e", t.e2eSeconds(), ended));
        }
        if (t.minOutputTokensPerSecond() != null) {
            checks.add(incomplete("output_tokens_per_second", t.minOutputTokensPerSecond(), ended));
        }
        return checks;
    }

    private static SloCheck incomplete(String name, double threshold, StreamEnd ended) {
        return new SloCheck(name, threshold, null, false, "answer incomplete (" + ended.label() + ")");
    }

    private static SloCheck atMost(String name, double threshold, double actual) {
        boolean ok = actual <= threshold;
        return new SloCheck(name, threshold, actual, ok, ok ? null : String.format(Locale.ROOT,
                "%s %.3f s over the threshold of %.3f s", name, actual, threshold));
    }
}
