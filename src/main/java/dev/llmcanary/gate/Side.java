package dev.llmcanary.gate;

/** Which side of a gate a run belongs to. */
public enum Side {
    CANDIDATE, BASELINE;

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
