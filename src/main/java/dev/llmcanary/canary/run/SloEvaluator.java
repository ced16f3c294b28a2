package dev.llmcanary.canary.run;

import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.stream.StreamTimings;

import java.util.ArrayList;
import java.util.List;

/** Checks one run's figures against its class thresholds (as tightened by the canary). */
final class SloEvaluator {

    private SloEvaluator() {
    }

    static List<SloCheck> check(Thresholds t, StreamTimings m) {
        List<SloCheck> checks = new ArrayList<>(3);
        if (t.ttftSeconds() != null && m.ttft() != null) {
            checks.add(atMost("ttft", t.ttftSeconds(), m.ttft()));
        }
        if (t.e2eSeconds() != null && m.e2e() != null) {
            checks.add(atMost("e2e", t.e2eSeconds(), m.e2e()));
        }
        // Undefined with fewer than two tokens: no_tokens or the guardrails speak for such a run instead.
        if (t.minOutputTokensPerSecond() != null && m.outputTokensPerSecond() != null) {
            double floor = t.minOutputTokensPerSecond();
            double actual = m.outputTokensPerSecond();
            boolean ok = actual >= floor;
            checks.add(new SloCheck("output_tokens_per_second", floor, actual, ok,
                    ok ? null : String.format(java.util.Locale.ROOT,
                            "output tokens/s %.1f below the floor of %.1f", actual, floor)));
        }
        return checks;
    }

    private static SloCheck atMost(String name, double threshold, double actual) {
        boolean ok = actual <= threshold;
        return new SloCheck(name, threshold, actual, ok, ok ? null : String.format(java.util.Locale.ROOT,
                "%s %.3f s over the threshold of %.3f s", name, actual, threshold));
    }
}
