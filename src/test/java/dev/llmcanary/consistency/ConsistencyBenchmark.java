package dev.llmcanary.consistency;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.telemetry.MetricNames;
import dev.llmcanary.testing.Canaries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Verdict quality of cross-replica consistency and identity tracking, through the real runner against simulator
 * endpoints over sockets. Prints, with 95 % Wilson intervals:
 * <ol>
 *   <li>healthy pool, late-token wobble in 5 % of answers ({@code wobble@17:5}, just past the default 16-token
 *       prefix): the share of windows (a round of all three endpoints) with no {@code replica_divergence}, in
 *       {@code prefix} mode and, for contrast, {@code exact} mode;</li>
 *   <li>one replica that answers differently from the first token ({@code drift@1}) among two wobbling healthy
 *       ones: the share of trials in which it is flagged within two canary intervals (rounds, endpoints in random
 *       order each round, from a fresh start);</li>
 *   <li>the share of fingerprint changes reported on the first run after them.</li>
 * </ol>
 * A command, not a test: {@code ./mvnw -q -Pbench test-compile exec:exec
 * -Dbench.main=dev.llmcanary.consistency.ConsistencyBenchmark} (sizes: {@link #WINDOWS}, {@link #TRIALS}).
 */
public final class ConsistencyBenchmark {

    static final int WINDOWS = 1000;
    static final int TRIALS = 400;
    private static final Consistency PREFIX = new Consistency(Consistency.Mode.PREFIX,
            Consistency.DEFAULT_PREFIX_TOKENS, 0.9, null);
    private static final Consistency EXACT = new Consistency(Consistency.Mode.EXACT, 16, 0.9, null);
    /** Fast answers: the benchmark judges verdicts, not speed; 24 tokens. */
    private static final String PROFILE = "ttft_ms=1;itl_ms=1;jitter_ms=0";

    private static final java.util.logging.Logger QUIET =
            java.util.logging.Logger.getLogger(dev.llmcanary.canary.run.CanaryRunner.class.getName());

    private ConsistencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // one identity-change line per trial would drown the figures (held in a field: JUL keeps loggers weakly)
        QUIET.setLevel(java.util.logging.Level.WARNING);
        System.out.println("consistency verdict quality (3 simulator endpoints, 24-token answers)");
        healthyWobble();
        divergentReplica();
        identityChanges();
        System.exit(0);
    }

    private static CanaryDefinition canary(String id, Consistency check) {
        return Canaries.canary(id).profile(PROFILE).prompt("Tell me a story.").consistency(check).build(Api.CHAT);
    }

    private static boolean diverged(RunResult r) {
        return r.violations().stream().map(ViolationView::rule).anyMatch("replica_divergence"::equals);
    }

    /** Runs every endpoint at once and returns whether any run of the round diverged. */
    private static boolean round(ReplicaFleet fleet, CanaryDefinition canary, List<Integer> order) throws Exception {
        List<CompletableFuture<RunResult>> runs = new ArrayList<>();
        for (int n : order) {
            runs.add(fleet.start(canary, n));
        }
        boolean any = false;
        for (CompletableFuture<RunResult> r : runs) {
            any |= diverged(r.get(30, TimeUnit.SECONDS));
        }
        return any;
    }

    private static void healthyWobble() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("wobble@17:5", "wobble@17:5", "wobble@17:5"))) {
            CanaryDefinition prefix = canary("wobble-prefix", PREFIX);
            CanaryDefinition exact = canary("wobble-exact", EXACT);
            int quietPrefix = 0;
            int quietExact = 0;
            long start = System.nanoTime();
            for (int w = 0; w < WINDOWS; w++) {
                quietPrefix += round(fleet, prefix, List.of(1, 2, 3)) ? 0 : 1;
                quietExact += round(fleet, exact, List.of(1, 2, 3)) ? 0 : 1;
            }
            System.out.printf(Locale.ROOT, "healthy wobble 5 %%, prefix (16 tokens): %s of %d windows without a"
                    + " divergence%n", share(quietPrefix, WINDOWS), WINDOWS);
            System.out.printf(Locale.ROOT, "healthy wobble 5 %%, exact (contrast):   %s of %d windows without a"
                    + " divergence%n", share(quietExact, WINDOWS), WINDOWS);
            System.out.printf(Locale.ROOT, "  (%.1f s)%n", (System.nanoTime() - start) / 1e9);
        }
    }

    private static void divergentReplica() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("wobble@17:5", "wobble@17:5", "drift@1"))) {
            int flaggedFirst = 0;
            int flaggedByTwo = 0;
            long start = System.nanoTime();
            for (int t = 0; t < TRIALS; t++) {
                // a fresh canary id is a fresh comparison: no answers held from earlier trials
                CanaryDefinition c = canary("drift-" + t, PREFIX);
                boolean first = flaggedIn(fleet, c);
                boolean second = first || flaggedIn(fleet, c);
                flaggedFirst += first ? 1 : 0;
                flaggedByTwo += second ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "replica diverging from token 1, prefix: flagged within 1 interval %s,"
                    + " within 2 intervals %s of %d trials (%.1f s)%n", share(flaggedFirst, TRIALS),
                    share(flaggedByTwo, TRIALS), TRIALS, (System.nanoTime() - start) / 1e9);
        }
    }

    /** One interval: the three endpoints in random order, one after the other; whether e3's run was flagged. */
    private static boolean flaggedIn(ReplicaFleet fleet, CanaryDefinition c) throws Exception {
        List<Integer> order = new ArrayList<>(List.of(1, 2, 3));
        Collections.shuffle(order, ThreadLocalRandom.current());
        boolean flagged = false;
        for (int n : order) {
            RunResult r = fleet.run(c, n);
            flagged |= n == 3 && diverged(r) && r.violations().stream()
                    .anyMatch(v -> v.reason().startsWith("endpoint e3 diverges"));
        }
        return flagged;
    }

    private static void identityChanges() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReplicaFleet fleet = new ReplicaFleet(List.of(""), registry, List.of(), false, (IdentityPin) null,
                ReplicaFleet.Unobserved.INSTANCE)) {
            int reported = 0;
            fleet.run(fingerprint("fp_0"), 1);
            for (int t = 1; t <= TRIALS; t++) {
                double before = changes(registry);
                fleet.run(fingerprint("fp_" + t), 1);
                reported += changes(registry) == before + 1 ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "fingerprint changes reported on the first run after them: %s of %d%n",
                    share(reported, TRIALS), TRIALS);
        }
    }

    private static CanaryDefinition fingerprint(String fp) {
        return Canaries.canary("identity").profile(PROFILE).prompt("Tell me a story.").fault("fingerprint:" + fp)
                .build(Api.CHAT);
    }

    private static double changes(SimpleMeterRegistry registry) {
        return registry.find(MetricNames.MODEL_IDENTITY_CHANGES).counters().stream().mapToDouble(c -> c.count())
                .sum();
    }

    /** {@code 99.8 % [99.1, 100.0]}: the share with its 95 % Wilson interval. */
    static String share(int k, int n) {
        double z = 1.96;
        double p = (double) k / n;
        double d = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / d;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
        return String.format(Locale.ROOT, "%.1f %% [%.1f, %.1f]", 100 * p, 100 * Math.max(0, centre - half),
                100 * Math.min(1, centre + half));
    }

}
