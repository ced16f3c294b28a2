package dev.llmcanary.gate;

import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.SloCheck;
import dev.llmcanary.gate.config.AbsoluteCriteria;
import dev.llmcanary.gate.config.ComparativeCriterion;
import dev.llmcanary.gate.config.GateMetric;
import dev.llmcanary.gate.config.GateSuite;
import dev.llmcanary.gate.config.InconclusivePolicy;
import dev.llmcanary.gate.stats.MannWhitney;
import dev.llmcanary.gate.stats.Percentiles;
import dev.llmcanary.stream.Rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decides a gate from the candidate's runs and, where given, the baseline's: absolute criteria on the candidate alone,
 * comparative criteria by a one-sided Mann-Whitney test of the candidate against the baseline shifted by the
 * tolerance. Pure: the same runs always give the same verdict.
 */
public final class GateEvaluator {

    static final String TEST = "mann-whitney-u";

    private GateEvaluator() {
    }

    /**
     * @param baseline   the baseline's runs, or {@code null} when the gate has none (comparative criteria are then
     *                   left out and the reason says so)
     * @param incomplete why the gate stopped before all planned runs (deadline, budget), or {@code null}
     */
    public static GateVerdict evaluate(GateSuite suite, List<RunResult> candidate, List<RunResult> baseline,
                                       String incomplete) {
        return evaluate(suite, candidate, baseline, incomplete, Map.of());
    }

    /**
     * @param identity what the candidate must report it serves (source label → value), judged as the criterion
     *                 {@code identity} when not empty
     */
    public static GateVerdict evaluate(GateSuite suite, List<RunResult> candidate, List<RunResult> baseline,
                                       String incomplete, Map<String, String> identity) {
        List<CriterionResult> criteria = new ArrayList<>();
        AbsoluteCriteria a = suite.absolute();
        if (!candidate.isEmpty() && candidate.stream().allMatch(r -> r.outcome() == Outcome.ERROR)) {
            criteria.add(CriterionResult.absolute("reachable", GateOutcome.INCONCLUSIVE,
                    "every one of " + candidate.size() + " candidate runs failed to happen ("
                            + candidate.get(0).errorKind() + "): the candidate is unreachable",
                    new SideFigures(candidate.size(), null, null, 1.0), 1.0));
            return decide(suite, criteria, candidate.size(), baseline == null ? 0 : baseline.size(), null);
        }
        if (incomplete != null) {
            criteria.add(CriterionResult.absolute("completion", GateOutcome.INCONCLUSIVE, incomplete,
                    new SideFigures(candidate.size(), null, null, null), null));
        }
        criteria.add(minSamples(a.minSamples(), candidate, baseline));
        if (a.p95TtftWithinClass()) {
            criteria.add(p95Ttft(candidate));
        }
        if (a.maxStalls() != null) {
            criteria.add(violations("stalls", Rule.STALL, "stalled", a.maxStalls(), candidate));
        }
        if (a.maxOutOfOrder() != null) {
            criteria.add(violations("out_of_order", Rule.OUT_OF_ORDER, "had chunks out of order", a.maxOutOfOrder(),
                    candidate));
        }
        if (a.minGuardrailPassRate() != null) {
            criteria.add(guardrails(a.minGuardrailPassRate(), candidate));
        }
        if (a.maxErrorRate() != null) {
            criteria.add(errorRate(a.maxErrorRate(), candidate));
        }
        if (identity != null && !identity.isEmpty()) {
            criteria.add(IdentityCriterion.judge(identity, candidate));
        }
        if (baseline != null) {
            for (ComparativeCriterion c : suite.comparative()) {
                criteria.add(compare(c, a.minSamples(), candidate, baseline));
            }
        }
        String note = baseline == null && !suite.comparative().isEmpty()
                ? "no baseline: comparative criteria not evaluated" : null;
        return decide(suite, criteria, candidate.size(), baseline == null ? 0 : baseline.size(), note);
    }

    private static GateVerdict decide(GateSuite suite, List<CriterionResult> criteria, int candidateRuns,
                                      int baselineRuns, String note) {
        GateOutcome overall = GateOutcome.PASS;
        long passed = 0;
        for (CriterionResult c : criteria) {
            overall = overall.and(c.outcome());
            if (c.outcome() == GateOutcome.PASS) {
                passed++;
            }
        }
        int score = criteria.isEmpty() ? 0 : (int) Math.round(100.0 * passed / criteria.size());
        String reason = switch (overall) {
            case PASS -> "all " + criteria.size() + " criteria passed";
            case FAIL -> first(criteria, GateOutcome.FAIL);
            case INCONCLUSIVE -> first(criteria, GateOutcome.INCONCLUSIVE);
        };
        if (note != null) {
            reason = reason + "; " + note;
        }
        boolean proceed = overall == GateOutcome.PASS
                || (overall == GateOutcome.INCONCLUSIVE && suite.inconclusive() == InconclusivePolicy.PASS);
        return new GateVerdict(overall, proceed, score, reason, candidateRuns, baselineRuns, criteria);
    }

    private static String first(List<CriterionResult> criteria, GateOutcome o) {
        return criteria.stream().filter(c -> c.outcome() == o).map(c -> c.name() + ": " + c.reason()).findFirst()
                .orElse("");
    }

    private static CriterionResult minSamples(int min, List<RunResult> candidate, List<RunResult> baseline) {
        int c = candidate.size();
        Integer b = baseline == null ? null : baseline.size();
        boolean enough = c >= min && (b == null || b >= min);
        String reason = c + " candidate" + (b == null ? "" : " and " + b + " baseline") + " runs"
                + (enough ? ", at least " + min + " each" : ", fewer than the " + min + " needed");
        return new CriterionResult("min_samples", "absolute", enough ? GateOutcome.PASS : GateOutcome.INCONCLUSIVE, reason,
                new SideFigures(c, null, null, (double) c), b == null ? null : new SideFigures(b, null, null, (double) b),
                (double) min, null, null, null, null);
    }

    /** Each canary's p95 TTFT against its own class threshold (as the run's SLO check recorded it). */
    private static CriterionResult p95Ttft(List<RunResult> runs) {
        Map<String, List<Double>> ttft = new LinkedHashMap<>();
        Map<String, Double> limits = new LinkedHashMap<>();
        for (RunResult r : runs) {
            for (SloCheck s : r.sloChecks() == null ? List.<SloCheck>of() : r.sloChecks()) {
                if ("ttft".equals(s.name()) && s.actual() != null) {
                    limits.put(r.canary(), s.threshold());
                    ttft.computeIfAbsent(r.canary(), k -> new ArrayList<>()).add(s.actual());
                }
            }
        }
        if (limits.isEmpty()) {
            return CriterionResult.absolute("p95_ttft", GateOutcome.PASS,
                    "no canary of the suite has a TTFT threshold in its SLO class", new SideFigures(0, null, null, null),
                    null);
        }
        String worst = null;
        double worstRatio = -1;
        for (var e : ttft.entrySet()) {
            double p95 = Percentiles.of(toArray(e.getValue()), 0.95);
            double ratio = p95 / limits.get(e.getKey());
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = e.getKey();
            }
        }
        double[] w = toArray(ttft.get(worst));
        double p95 = Percentiles.of(w, 0.95);
        double limit = limits.get(worst);
        SideFigures fig = new SideFigures(w.length, Percentiles.of(w, 0.5), p95, p95);
        if (p95 > limit) {
            return CriterionResult.absolute("p95_ttft", GateOutcome.FAIL, "p95 TTFT " + sec(p95) + " > " + sec(limit)
                    + " (class threshold) on canary " + worst, fig, limit);
        }
        return CriterionResult.absolute("p95_ttft", GateOutcome.PASS, "p95 TTFT within the class threshold on every canary"
                + " (worst " + sec(p95) + " ≤ " + sec(limit) + " on " + worst + ")", fig, limit);
    }

    private static CriterionResult violations(String name, Rule rule, String verb, int max, List<RunResult> runs) {
        long n = runs.stream().filter(r -> r.violations() != null
                && r.violations().stream().anyMatch(v -> rule.label().equals(v.rule()))).count();
        SideFigures fig = new SideFigures(runs.size(), null, null, (double) n);
        GateOutcome o = n > max ? GateOutcome.FAIL : GateOutcome.PASS;
        return CriterionResult.absolute(name, o, n + " of " + runs.size() + " runs " + verb + " (at most " + max
                + " allowed)", fig, (double) max);
    }

    private static CriterionResult guardrails(double min, List<RunResult> runs) {
        List<RunResult> judged = runs.stream().filter(r -> r.guardrails() != null && !r.guardrails().isEmpty())
                .toList();
        if (judged.isEmpty()) {
            return CriterionResult.absolute("guardrail_pass_rate", GateOutcome.PASS, "no run had guardrails to check",
                    new SideFigures(0, null, null, null), min);
        }
        List<RunResult> failed = judged.stream().filter(r -> r.guardrails().stream().anyMatch(g -> !g.passed()))
                .toList();
        double rate = 1.0 - (double) failed.size() / judged.size();
        SideFigures fig = new SideFigures(judged.size(), null, null, rate);
        if (rate < min) {
            String which = failed.get(0).guardrails().stream().filter(g -> !g.passed()).map(g -> g.name())
                    .findFirst().orElse("?");
            return CriterionResult.absolute("guardrail_pass_rate", GateOutcome.FAIL, failed.size() + " of "
                    + judged.size() + " runs failed a guardrail (first: " + which + " on " + failed.get(0).canary()
                    + "); pass rate " + pct(rate) + " < " + pct(min), fig, min);
        }
        return CriterionResult.absolute("guardrail_pass_rate", GateOutcome.PASS, "guardrail pass rate " + pct(rate)
                + " ≥ " + pct(min), fig, min);
    }

    private static CriterionResult errorRate(double max, List<RunResult> runs) {
        long errors = runs.stream().filter(r -> r.outcome() == Outcome.ERROR).count();
        double rate = runs.isEmpty() ? 0 : (double) errors / runs.size();
        GateOutcome o = rate > max ? GateOutcome.FAIL : GateOutcome.PASS;
        return CriterionResult.absolute("error_rate", o, errors + " of " + runs.size() + " runs could not happen ("
                + pct(rate) + (o == GateOutcome.FAIL ? " > " : " ≤ ") + pct(max) + ")",
                new SideFigures(runs.size(), null, null, rate), max);
    }

    private static CriterionResult compare(ComparativeCriterion c, int min, List<RunResult> candidate,
                                           List<RunResult> baseline) {
        GateMetric m = c.metric();
        double[] x = values(m, candidate);
        double[] y = values(m, baseline);
        SideFigures cf = figures(x);
        SideFigures bf = figures(y);
        String name = m.label();
        if (x.length < Math.max(1, min) || y.length < Math.max(1, min)) {
            return new CriterionResult(name, "comparative", GateOutcome.INCONCLUSIVE, x.length + " candidate and "
                    + y.length + " baseline samples of " + name + ", fewer than the " + min + " needed", cf, bf, null,
                    null, null, c.tolerance(), c.alpha());
        }
        // "worse by more than the tolerance": shift the baseline by it, then ask whether the candidate is still worse
        double factor = m.lowerIsBetter() ? 1 + c.tolerance() : 1 - c.tolerance();
        double[] shifted = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            shifted[i] = y[i] * factor;
        }
        MannWhitney.Result r = m.lowerIsBetter() ? MannWhitney.greater(x, shifted)
                : MannWhitney.greater(negate(x), negate(shifted));
        double change = bf.p50() == 0 ? 0 : cf.p50() / bf.p50() - 1;
        String figures = name + " p50 " + fmt(m, cf.p50()) + " vs baseline " + fmt(m, bf.p50()) + " ("
                + String.format(Locale.ROOT, "%+.1f %%", change * 100) + "), p95 " + fmt(m, cf.p95()) + " vs "
                + fmt(m, bf.p95());
        String test = String.format(Locale.ROOT, "p=%.3g", r.pValue());
        boolean worse = r.pValue() < c.alpha();
        // The percentiles above are for reading; the verdict comes from a rank test over every sample of both sides,
        // so the text names that test rather than suggesting the p50 or p95 was compared.
        String tested = "; one-sided Mann-Whitney U rank test of all " + x.length + " candidate vs " + y.length
                + " baseline samples, baseline shifted by " + (m.lowerIsBetter() ? "+" : "−") + pct(c.tolerance())
                + ": ";
        String reason = figures + tested + (worse ? "candidate distribution worse (" + test + " < " + c.alpha() + ")"
                : "candidate distribution not worse (" + test + " ≥ " + c.alpha() + ")");
        return new CriterionResult(name, "comparative", worse ? GateOutcome.FAIL : GateOutcome.PASS, reason, cf, bf, null,
                TEST, r.pValue(), c.tolerance(), c.alpha());
    }

    /**
     * The measured figures of the runs. Withheld ones are {@code null} and left out: an incomplete answer has no e2e
     * or tokens/s, a buffered one no tokens/s or gaps, so neither is compared as a measurement.
     */
    static double[] values(GateMetric m, List<RunResult> runs) {
        return runs.stream().filter(r -> r.outcome() != Outcome.ERROR && r.timings() != null)
                .map(r -> switch (m) {
                    case TTFT -> r.timings().ttft();
                    case INTER_TOKEN_LATENCY -> r.timings().interTokenP50();
                    case E2E -> r.timings().e2e();
                    case OUTPUT_TOKENS_PER_SECOND -> r.timings().outputTokensPerSecond();
                })
                .filter(Objects::nonNull).mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
    }

    private static SideFigures figures(double[] v) {
        if (v.length == 0) {
            return new SideFigures(0, null, null, null);
        }
        return new SideFigures(v.length, Percentiles.of(v, 0.5), Percentiles.of(v, 0.95), null);
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String fmt(GateMetric m, double v) {
        return m == GateMetric.OUTPUT_TOKENS_PER_SECOND ? String.format(Locale.ROOT, "%.1f tok/s", v) : sec(v);
    }

    private static String sec(double s) {
        return String.format(Locale.ROOT, "%.4f s", s);
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f %%", share * 100);
    }
}
