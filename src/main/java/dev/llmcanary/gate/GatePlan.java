package dev.llmcanary.gate;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.gate.config.GateSuite;
import dev.llmcanary.client.Endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The runs of a gate in the order they start. With a baseline pool the two sides are interleaved — candidate,
 * baseline, candidate, … — so a change in background load during the gate hits both equally; each side cycles
 * through its matching targets (endpoints × models) in configuration order.
 */
public final class GatePlan {

    private GatePlan() {
    }

    /**
     * Narrows a pool to the named endpoints (e.g. the pods of a new revision); an empty set keeps every endpoint.
     * Endpoints carry no labels of their own in this model, so selection is by name only.
     */
    public static Pool select(Pool pool, Set<String> endpoints) {
        if (endpoints.isEmpty()) {
            return pool;
        }
        List<Endpoint> kept = pool.endpoints().stream().filter(e -> endpoints.contains(e.name())).toList();
        return pool.withEndpoints(kept);
    }

    /** The targets of a canary on one (possibly narrowed) pool. */
    public static List<Target> targets(Catalog catalog, CanaryDefinition canary, Pool pool) {
        return catalog.targets(canary).stream().filter(t -> t.pool().name().equals(pool.name()))
                .filter(t -> pool.endpoints().contains(t.endpoint()))
                .map(t -> new Target(canary, pool, t.endpoint(), t.model())).toList();
    }

    /**
     * @param baseline the baseline pool, or {@code null} when the baseline is stored (only candidate runs)
     * @throws IllegalArgumentException naming the canary and pool when a side has no target for a canary
     */
    public static List<PlannedRun> plan(Catalog catalog, GateSuite suite, Pool candidate, Pool baseline) {
        List<List<Target>> cand = new ArrayList<>();
        List<List<Target>> base = new ArrayList<>();
        for (String id : suite.canaries()) {
            CanaryDefinition d = catalog.canary(id).orElseThrow(() ->
                    new IllegalArgumentException("suite '" + suite.name() + "' names canary '" + id
                            + "', which is not configured"));
            cand.add(nonEmpty(targets(catalog, d, candidate), id, candidate));
            if (baseline != null) {
                base.add(nonEmpty(targets(catalog, d, baseline), id, baseline));
            }
        }
        List<PlannedRun> runs = new ArrayList<>();
        for (int rep = 0; rep < suite.repetitions(); rep++) {
            for (int c = 0; c < cand.size(); c++) {
                runs.add(new PlannedRun(runs.size(), Side.CANDIDATE, cand.get(c).get(rep % cand.get(c).size())));
                if (baseline != null) {
                    runs.add(new PlannedRun(runs.size(), Side.BASELINE, base.get(c).get(rep % base.get(c).size())));
                }
            }
        }
        return List.copyOf(runs);
    }

    private static List<Target> nonEmpty(List<Target> targets, String canary, Pool pool) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("canary '" + canary + "' has no target on pool '" + pool.name()
                    + "' (flavor, models or endpoint selection do not match)");
        }
        return targets;
    }
}
