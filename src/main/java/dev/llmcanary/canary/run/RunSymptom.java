package dev.llmcanary.canary.run;

import dev.llmcanary.canary.Thresholds;

/** Names what went wrong in a run in a few words, to open a server-evidence hint ("TTFT over threshold"). */
final class RunSymptom {

    private RunSymptom() {
    }

    /**
     * The symptom, or {@code null} when the run passed and was not slow (first token within the class threshold).
     * The most specific problem wins: slow first token, then stalls, other stream rules, transport errors, slow
     * completion, slow decode, guardrails.
     */
    static String of(RunResult r, Thresholds thresholds) {
        if (!r.outcome().judged()) {
            return null; // cut by our own shutdown: nothing to explain
        }
        for (SloCheck c : r.sloChecks()) {
            if (!c.passed() && c.name().equals("ttft")) {
                return "TTFT over threshold";
            }
        }
        Double ttft = r.timings() == null ? null : r.timings().ttft();
        if (ttft != null && thresholds.ttftSeconds() != null && ttft > thresholds.ttftSeconds()) {
            return "TTFT over threshold";
        }
        if (r.outcome() == Outcome.PASS) {
            return null;
        }
        for (ViolationView v : r.violations()) {
            if (v.rule().equals("stall")) {
                return "stall";
            }
        }
        if (!r.violations().isEmpty()) {
            return "stream broke rule " + r.violations().get(0).rule();
        }
        if (r.outcome() == Outcome.ERROR) {
            return "run error (" + (r.errorKind() == null ? "unknown" : r.errorKind()) + ")";
        }
        for (SloCheck c : r.sloChecks()) {
            if (!c.passed()) {
                return c.name().equals("e2e") ? "end-to-end time over threshold" : "decode rate under threshold";
            }
        }
        return "guardrail failure";
    }
}
