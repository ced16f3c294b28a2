package dev.llmcanary.gate;

/** A gate's or a criterion's verdict. */
public enum GateOutcome {
    PASS, FAIL, INCONCLUSIVE;

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The worse of two: fail over inconclusive over pass. */
    public GateOutcome and(GateOutcome other) {
        if (this == FAIL || other == FAIL) {
            return FAIL;
        }
        return this == INCONCLUSIVE || other == INCONCLUSIVE ? INCONCLUSIVE : PASS;
    }
}
