package dev.llmcanary.gate;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated request for a gate: names only (suite, pools, endpoints, an earlier gate id), never a URL.
 *
 * @param candidateEndpoints endpoint names narrowing the candidate pool; empty for all
 * @param baseline           where the baseline comes from
 * @param repetitions        override, or {@code null} for the suite's
 * @param concurrency        override, or {@code null}
 * @param deadline           override, or {@code null}
 * @param idempotencyKey     the same key returns the existing gate, or {@code null}
 * @param identity           what the candidate must report it serves, by source label ({@code fingerprint},
 *                           {@code model_sha}, …; see {@code consistency.IdentitySource}) → value; empty for no
 *                           identity criterion
 */
public record GateRequest(String suite, String candidatePool, List<String> candidateEndpoints, Baseline baseline,
                          Integer repetitions, Integer concurrency, Duration deadline, String idempotencyKey,
                          Map<String, String> identity) {

    public GateRequest {
        candidateEndpoints = candidateEndpoints == null ? List.of() : List.copyOf(candidateEndpoints);
        baseline = baseline == null ? Baseline.none() : baseline;
        identity = identity == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(identity));
    }

    /** A request without an identity criterion. */
    public GateRequest(String suite, String candidatePool, List<String> candidateEndpoints, Baseline baseline,
                       Integer repetitions, Integer concurrency, Duration deadline, String idempotencyKey) {
        this(suite, candidatePool, candidateEndpoints, baseline, repetitions, concurrency, deadline, idempotencyKey,
                Map.of());
    }

    /**
     * The baseline: a pool measured now ({@code pool}), an earlier gate's candidate runs ({@code gate}), a pool's
     * stored history over a window ({@code window}, pool defaulting to the candidate's), or none.
     */
    public record Baseline(String kind, String pool, String gate, Duration window) {
        public static final String POOL = "pool";
        public static final String GATE = "gate";
        public static final String WINDOW = "window";
        public static final String NONE = "none";

        public static Baseline none() {
            return new Baseline(NONE, null, null, null);
        }

        public static Baseline pool(String pool) {
            return new Baseline(POOL, pool, null, null);
        }

        public static Baseline gate(String id) {
            return new Baseline(GATE, null, id, null);
        }

        public static Baseline window(String pool, Duration window) {
            return new Baseline(WINDOW, pool, null, window);
        }

        /** What the store keeps as the baseline reference. */
        public String ref() {
            return switch (kind) {
                case POOL -> pool;
                case GATE -> gate;
                case WINDOW -> (pool == null ? "" : pool) + "@" + window;
                default -> null;
            };
        }
    }
}
