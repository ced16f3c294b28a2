package dev.llmcanary.gate.config;

import java.time.Duration;
import java.util.List;

/**
 * A deployment gate suite as configured in {@code canaries/gates.yaml}: which canaries a gate runs, how often, and the
 * criteria its verdict is decided by.
 *
 * @param canaries     canary ids the gate runs (each on the candidate's and the baseline's matching targets)
 * @param pools        pools the suite may gate (candidate or baseline); empty means any configured pool
 * @param repetitions  how many times each canary runs on each side (capped by {@code llm-canary.gates.max-repetitions})
 * @param concurrency  runs in flight at once for the whole gate (capped by {@code .max-concurrent-per-pool})
 * @param inconclusive what an inconclusive verdict means to the HTTP contracts (fail-closed by default)
 * @param deadline     past this the gate stops starting runs and is decided on what it has (inconclusive if too few)
 * @param source       the file it came from, e.g. {@code canaries/gates.yaml}
 */
public record GateSuite(String name, String description, List<String> canaries, List<String> pools, int repetitions,
                        int concurrency, AbsoluteCriteria absolute, List<ComparativeCriterion> comparative,
                        InconclusivePolicy inconclusive, Duration deadline, String source) {

    public GateSuite {
        canaries = List.copyOf(canaries);
        pools = List.copyOf(pools);
        comparative = List.copyOf(comparative);
    }

    /** Whether the suite may gate this pool. */
    public boolean allowsPool(String pool) {
        return pools.isEmpty() || pools.contains(pool);
    }

    /** This suite with other repetitions, concurrency and deadline (request overrides, already capped). */
    public GateSuite with(int newRepetitions, int newConcurrency, Duration newDeadline) {
        return new GateSuite(name, description, canaries, pools, newRepetitions, newConcurrency, absolute, comparative,
                inconclusive, newDeadline, source);
    }
}
