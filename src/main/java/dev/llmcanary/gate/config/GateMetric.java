package dev.llmcanary.gate.config;

/** A per-run figure a gate compares between candidate and baseline. */
public enum GateMetric {
    /** Time to first token (from the request written), seconds. */
    TTFT("ttft", true),
    /** Median inter-token gap of a run, seconds. */
    INTER_TOKEN_LATENCY("inter_token_latency", true),
    /** Whole answer, seconds. */
    E2E("e2e", true),
    /** Output tokens per second of decoding. */
    OUTPUT_TOKENS_PER_SECOND("output_tokens_per_second", false);

    private final String label;
    private final boolean lowerIsBetter;

    GateMetric(String label, boolean lowerIsBetter) {
        this.label = label;
        this.lowerIsBetter = lowerIsBetter;
    }

    /** The name in gates.yaml and in verdicts. */
    public String label() {
        return label;
    }

    public boolean lowerIsBetter() {
        return lowerIsBetter;
    }

    public static java.util.Optional<GateMetric> parse(String label) {
        for (GateMetric m : values()) {
            if (m.label.equals(label)) {
                return java.util.Optional.of(m);
            }
        }
        return java.util.Optional.empty();
    }
}
