package dev.llmcanary.api;

import dev.llmcanary.gate.CriterionResult;
import dev.llmcanary.gate.GateStatus;

/**
 * A gate as plain text for terminals and CI logs (the CI script reads its first lines): state, verdict, then one line
 * per criterion with its reason.
 */
final class GateText {

    private GateText() {
    }

    static String render(GateStatus s) {
        StringBuilder b = new StringBuilder();
        b.append("gate: ").append(s.id()).append('\n');
        b.append("state: ").append(s.state()).append('\n');
        b.append("verdict: ").append(s.verdict() == null ? "-" : s.verdict()).append('\n');
        b.append("passed: ").append(s.passed()).append('\n');
        b.append("score: ").append(s.score() == null ? "-" : s.score()).append('\n');
        b.append("suite: ").append(s.suite()).append(", candidate: ").append(s.candidate().pool())
                .append(s.candidate().endpoints().isEmpty() ? "" : " " + s.candidate().endpoints())
                .append(", baseline: ").append(s.baseline().kind())
                .append(s.baseline().ref() == null ? "" : " " + s.baseline().ref()).append('\n');
        b.append("runs: ").append(s.progress().runsDone()).append(" of ").append(s.progress().runsPlanned())
                .append('\n');
        if (s.reason() != null) {
            b.append("reason: ").append(s.reason()).append('\n');
        }
        if (s.details() != null) {
            for (CriterionResult c : s.details().criteria()) {
                b.append("  ").append(c.outcome().label()).append("  ").append(c.name()).append(" (")
                        .append(c.kind()).append("): ").append(c.reason()).append('\n');
            }
        }
        return b.toString();
    }
}
