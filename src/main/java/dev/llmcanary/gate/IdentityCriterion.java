package dev.llmcanary.gate;

import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.consistency.IdentityPin;
import dev.llmcanary.consistency.IdentitySource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The gate criterion {@code identity}: every candidate run that reports a pinned source reports the requested value
 * (the deployment under test serves the weights the pipeline meant to ship). It fails naming both the expected and
 * the observed values — readable ones only, as the runs carry them — and is inconclusive when no candidate run
 * reported the source at all (a flavor or server that does not name it, or an endpoint check that could not read it).
 */
final class IdentityCriterion {

    static final String NAME = "identity";
    /** At most this many distinct observed values are named; a candidate reporting more is broken anyway. */
    static final int MAX_VALUES = 3;

    private IdentityCriterion() {
    }

    /** @param expected source label → value, as the request gave them */
    static CriterionResult judge(Map<String, String> expected, List<RunResult> candidate) {
        List<RunResult> runs = candidate.stream().filter(r -> r.outcome() != Outcome.ERROR).toList();
        List<String> failed = new ArrayList<>();
        List<String> unseen = new ArrayList<>();
        List<String> held = new ArrayList<>();
        StringJoiner want = new StringJoiner(", ");
        StringJoiner seen = new StringJoiner("; ");
        int matching = 0;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String what = IdentitySource.fromLabel(e.getKey()).map(IdentityPin::describe).orElse(e.getKey());
            want.add(what + " " + e.getValue());
            Map<String, Integer> values = new LinkedHashMap<>();
            for (RunResult r : runs) {
                String v = r.identity() == null ? null : r.identity().get(e.getKey());
                if (v != null) {
                    values.merge(v, 1, Integer::sum);
                }
            }
            int reporting = values.values().stream().mapToInt(Integer::intValue).sum();
            if (reporting == 0) {
                unseen.add("no candidate run reported a " + what + " (expected " + e.getValue() + ")");
                continue;
            }
            String observed = observed(values, reporting, runs.size());
            seen.add(what + " " + observed);
            int equal = values.getOrDefault(e.getValue(), 0);
            if (equal < reporting) {
                failed.add("expected " + what + " " + e.getValue() + ", observed " + observed);
            } else {
                matching++;
                held.add(what + " " + e.getValue() + " on all " + reporting + " candidate runs that reported one"
                        + (reporting < runs.size() ? " (of " + runs.size() + ")" : ""));
            }
        }
        GateOutcome outcome = !failed.isEmpty() ? GateOutcome.FAIL : !unseen.isEmpty() ? GateOutcome.INCONCLUSIVE
                : GateOutcome.PASS;
        String reason = String.join("; ", !failed.isEmpty() ? failed : !unseen.isEmpty() ? unseen : held);
        SideFigures fig = new SideFigures(runs.size(), null, null, (double) matching);
        String observed = seen.length() == 0 ? null : seen.toString();
        return new CriterionResult(NAME, "absolute", outcome, reason, fig, null, (double) expected.size(), null, null,
                null, null, want.toString(), observed);
    }

    /** {@code fp_a on 6, fp_b on 4 of 10 candidate runs}, the most frequent first, at most {@link #MAX_VALUES}. */
    private static String observed(Map<String, Integer> values, int reporting, int runs) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(values.entrySet());
        sorted.sort((a, b) -> b.getValue() - a.getValue());
        StringJoiner j = new StringJoiner(", ");
        for (int i = 0; i < Math.min(MAX_VALUES, sorted.size()); i++) {
            j.add(sorted.get(i).getKey() + " on " + sorted.get(i).getValue());
        }
        String more = sorted.size() > MAX_VALUES ? " and " + (sorted.size() - MAX_VALUES) + " more values" : "";
        return j + more + " of " + runs + " candidate runs";
    }
}
