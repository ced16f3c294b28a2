package dev.llmcanary.loadprobe;

import dev.llmcanary.loadprobe.scenario.Scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges a finished probe against its scenario's SLO assertions and, when there is one, its baseline run. A run that
 * was cancelled or aborted, or has fewer streams than {@code regression.min_samples}, is inconclusive.
 */
public final class Verdicts {

    private Verdicts() {
    }

    /**
     * @param baseline   the baseline run's summary, or {@code null}
     * @param baselineId its probe id (shown in the verdict)
     */
    public static Verdict judge(Scenario scenario, ProbeSummary run, ProbeSummary baseline, String baselineId) {
        Scenario.Tolerances tol = scenario.regression();
        List<Verdict.Comparison> cmp = new ArrayList<>();
        Scenario.Assertions a = scenario.assertions();
        // SLO assertions: the run's value must not exceed (or fall below, for floors) the limit.
        atMost(cmp, "ttft_p95_seconds", "slo", run.ttftP95(), a.ttftP95());
        atMost(cmp, "ttft_p99_seconds", "slo", run.ttftP99(), a.ttftP99());
        atMost(cmp, "e2e_p95_seconds", "slo", run.e2eP95(), a.e2eP95());
        atMost(cmp, "error_percent", "slo", run.errorPercent(), a.maxErrorPercent());
        atLeast(cmp, "stream_output_tokens_per_second", "slo", run.streamTokensPerSecondMean(),
                a.minOutputTokensPerSecond(), null);
        Double knee = stairs(scenario) ? knee(scenario, run) : null;
        Double baselineKnee = null;
        if (baseline != null) {
            if (run.ttftP95() != null && baseline.ttftP95() != null) {
                double limit = baseline.ttftP95() * (1 + tol.ttftPercent() / 100);
                cmp.add(new Verdict.Comparison("ttft_p95_seconds", "baseline", run.ttftP95(), baseline.ttftP95(),
                        tol.ttftPercent(), limit, run.ttftP95() <= limit));
            }
            atLeast(cmp, "achieved_rate", "baseline", run.achievedRate(), baseline.achievedRate(), tol.ratePercent());
            atLeast(cmp, "output_tokens_per_second", "baseline", run.outputTokensPerSecond(),
                    baseline.outputTokensPerSecond(), tol.tokensPerSecondPercent());
            double errLimit = baseline.errorPercent() + tol.errorPercentPoints();
            cmp.add(new Verdict.Comparison("error_percent", "baseline", run.errorPercent(), baseline.errorPercent(),
                    tol.errorPercentPoints(), errLimit, run.errorPercent() <= errLimit));
            if (stairs(scenario)) {
                baselineKnee = knee(scenario, baseline);
                if (baselineKnee != null) {
                    double k = knee == null ? 0 : knee;
                    double limit = baselineKnee * (1 - tol.kneePercent() / 100);
                    cmp.add(new Verdict.Comparison("knee_rate", "baseline", k, baselineKnee, tol.kneePercent(),
                            limit, k >= limit));
                }
            }
        }
        String rejected = rejected(run);
        if (rejected != null && run.rejections().requestRefused()) {
            // the server refuses the requests themselves (a prompt over its context, a bad model name): the probe
            // measured the scenario's mismatch, not the server's capacity
            return new Verdict(Verdict.Outcome.INCONCLUSIVE, rejected + ": the scenario's requests do not fit this"
                    + " server (prompt size? set max_prompt_tokens or prompts), so nothing was measured", cmp, knee,
                    baselineKnee, baselineId);
        }
        if (run.aborted() != null) {
            return new Verdict(Verdict.Outcome.INCONCLUSIVE, "run stopped early: " + run.aborted()
                    + (rejected == null ? "" : "; " + rejected), cmp, knee, baselineKnee, baselineId);
        }
        if (run.count() < tol.minSamples()) {
            return new Verdict(Verdict.Outcome.INCONCLUSIVE, "too few samples: " + run.count() + " streams < "
                    + tol.minSamples(), cmp, knee, baselineKnee, baselineId);
        }
        List<String> failed = cmp.stream().filter(c -> !c.passed()).map(c -> c.name() + " vs " + c.against()).toList();
        if (!failed.isEmpty()) {
            return new Verdict(Verdict.Outcome.REGRESSION, (rejected == null ? "" : rejected + "; ")
                    + String.join(", ", failed), cmp, knee, baselineKnee, baselineId);
        }
        return new Verdict(Verdict.Outcome.PASS, baseline == null ? "SLO assertions held; no baseline yet"
                : "SLO assertions held and within tolerance of baseline " + baselineId, cmp, knee, baselineKnee,
                baselineId);
    }

    /**
     * A verdict judged without the scenario's baseline because its stored copy cannot be read: a pass is not one (the
     * run was never compared with its reference), so it becomes inconclusive; a regression or an inconclusive run
     * stays what it is. Either way the reason names the baseline and why, so someone promotes a good run instead of
     * the probe silently judging as if there were none.
     *
     * @param baselineId the unreadable baseline's probe id
     * @param problem    why it cannot be read (never its stored text)
     */
    public static Verdict withUnreadableBaseline(Verdict v, String baselineId, String problem) {
        String note = "baseline " + baselineId + " cannot be read (" + problem + "), so this run was not compared"
                + " with it; promote a finished run as the baseline";
        if (v.outcome() == Verdict.Outcome.PASS) {
            return new Verdict(Verdict.Outcome.INCONCLUSIVE, "SLO assertions held, but " + note, v.comparisons(),
                    v.knee(), v.baselineKnee(), baselineId);
        }
        return new Verdict(v.outcome(), v.reason() + "; " + note, v.comparisons(), v.knee(), v.baselineKnee(),
                baselineId);
    }

    /** Streams the server turned away before any event make the verdict's first words once they are the majority. */
    static final double MOSTLY = 0.5;

    /** "the server rejected 38 of 40 requests (first answer: HTTP 400: …)", or {@code null} when few were. */
    static String rejected(ProbeSummary run) {
        ProbeSummary.Rejections r = run.rejections();
        long total = run.count(); // every stream, failed ones included
        if (r.count() == 0 || total == 0 || r.count() < MOSTLY * total) {
            return null;
        }
        return "the server rejected " + r.count() + " of " + total + " requests (first answer: " + r.answer() + ")";
    }

    /** The highest stairs rate at which every assertion held (steps are checked in order; the first miss ends it). */
    static Double knee(Scenario scenario, ProbeSummary run) {
        Scenario.Assertions a = scenario.assertions();
        Double knee = null;
        for (ProbeSummary.Step s : run.steps()) {
            boolean held = s.count() > 0
                    && within(s.ttftP95(), a.ttftP95()) && within(s.ttftP99(), a.ttftP99())
                    && within(s.e2eP95(), a.e2eP95())
                    && (a.maxErrorPercent() == null || s.errorPercent() <= a.maxErrorPercent())
                    && (a.minOutputTokensPerSecond() == null || (s.streamTokensPerSecondMean() != null
                    && s.streamTokensPerSecondMean() >= a.minOutputTokensPerSecond()));
            if (!held) {
                break;
            }
            knee = s.rate();
        }
        return knee;
    }

    private static boolean within(Double value, Double limit) {
        return limit == null || (value != null && value <= limit);
    }

    private static boolean stairs(Scenario s) {
        return s.arrival().kind() == Scenario.Arrival.Kind.STAIRS;
    }

    private static void atMost(List<Verdict.Comparison> out, String name, String against, Double value, Double limit) {
        if (limit == null) {
            return;
        }
        if (value == null) {
            out.add(new Verdict.Comparison(name, against, Double.NaN, limit, null, limit, false));
            return;
        }
        out.add(new Verdict.Comparison(name, against, value, limit, null, limit, value <= limit));
    }

    /** value ≥ reference × (1 − tolerance %); no tolerance for SLO floors. */
    private static void atLeast(List<Verdict.Comparison> out, String name, String against, Double value,
                                Double reference, Double tolerancePercent) {
        if (reference == null) {
            return;
        }
        double limit = tolerancePercent == null ? reference : reference * (1 - tolerancePercent / 100);
        boolean ok = value != null && value >= limit;
        out.add(new Verdict.Comparison(name, against, value == null ? Double.NaN : value, reference,
                tolerancePercent, limit, ok));
    }
}
