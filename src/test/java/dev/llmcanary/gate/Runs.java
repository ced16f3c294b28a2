package dev.llmcanary.gate;

import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunTimings;
import dev.llmcanary.canary.run.SloCheck;
import dev.llmcanary.canary.run.TokenCounts;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.guardrail.GuardrailVerdict;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/** Synthetic run results for gate tests: a TTFT, optional violations, guardrail failures or transport errors. */
final class Runs {

    private Runs() {
    }

    static RunResult run(String pool, double ttft, String violation, boolean guardrailPassed) {
        List<ViolationView> v = violation == null ? List.of() : List.of(new ViolationView(violation, "test", 1));
        double e2e = ttft + 0.3;
        RunTimings t = new RunTimings(0.001, ttft * 0.5, ttft, ttft, ttft, ttft, e2e, 0.015, 60.0 / (1 + ttft),
                0.015, 0.02, 0.03, 20);
        Outcome o = violation == null && guardrailPassed ? Outcome.PASS : Outcome.FAIL;
        return new RunResult(UUID.randomUUID().toString(), "chat-interactive", pool, "sim-0", "sim-openai",
                "interactive", "openai-chat", Instant.EPOCH, o, o == Outcome.PASS ? null : "test", null, 200, t,
                new TokenCounts(24, false, 24, 10, "small"), "stop", "stop", "id", v,
                List.of(new SloCheck("ttft", 1.0, ttft, ttft <= 1.0, null)),
                List.of(new GuardrailVerdict("not_refusal", guardrailPassed, guardrailPassed ? null : "refused")),
                "trace", null, 100, 10, null, null);
    }

    static RunResult error(String pool) {
        return new RunResult(UUID.randomUUID().toString(), "chat-interactive", pool, "sim-0", "sim-openai",
                "interactive", "openai-chat", Instant.EPOCH, Outcome.ERROR, "connection refused",
                "connection_refused", null, null, new TokenCounts(0, true, 0, null, "small"), null, null, null,
                List.of(), List.of(), List.of(), "trace", null, 0, 0, null, null);
    }

    /** {@code n} passing runs with TTFT around {@code median} (lognormal, 8 % spread). */
    static List<RunResult> sample(String pool, int n, double median, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<RunResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double z = gaussian(rnd);
            out.add(run(pool, median * Math.exp(0.08 * z), null, true));
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
