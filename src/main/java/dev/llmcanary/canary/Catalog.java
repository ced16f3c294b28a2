package dev.llmcanary.canary;

import dev.llmcanary.client.Endpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of the whole validated configuration: SLO classes, pools and canaries. A reload builds a
 * new catalog and swaps it in whole, so readers never see half a configuration.
 */
public final class Catalog {

    private final Map<String, SloClass> sloClasses;
    private final List<Pool> pools;
    private final List<CanaryDefinition> canaries;
    private final Instant loadedAt;
    private final Map<Class<?>, Object> sections;

    /** Every canary's SLO class must be among {@code sloClasses} (the loader guarantees it). */
    public Catalog(Map<String, SloClass> sloClasses, List<Pool> pools, List<CanaryDefinition> canaries,
                   Instant loadedAt) {
        this(sloClasses, pools, canaries, loadedAt, Map.of());
    }

    private Catalog(Map<String, SloClass> sloClasses, List<Pool> pools, List<CanaryDefinition> canaries,
                    Instant loadedAt, Map<Class<?>, Object> sections) {
        this.sections = Map.copyOf(sections);
        this.sloClasses = Collections.unmodifiableMap(new LinkedHashMap<>(sloClasses));
        this.pools = List.copyOf(pools);
        this.canaries = List.copyOf(canaries);
        this.loadedAt = loadedAt;
        for (CanaryDefinition c : this.canaries) {
            if (!this.sloClasses.containsKey(c.sloClass())) {
                throw new IllegalArgumentException("canary " + c.id() + " names unknown slo class " + c.sloClass());
            }
        }
    }

    /** The SLO classes by name, in file order. */
    public Map<String, SloClass> sloClasses() {
        return sloClasses;
    }

    public List<Pool> pools() {
        return pools;
    }

    public List<CanaryDefinition> canaries() {
        return canaries;
    }

    public Optional<CanaryDefinition> canary(String id) {
        return canaries.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    public Optional<Pool> pool(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public SloClass sloClassOf(CanaryDefinition c) {
        SloClass slo = sloClasses.get(c.sloClass());
        if (slo == null) {
            throw new IllegalArgumentException("unknown slo class " + c.sloClass());
        }
        return slo;
    }

    /** The limits a run of this canary is judged by: its class's, tightened by the canary's own. */
    public Thresholds thresholdsOf(CanaryDefinition c) {
        return sloClassOf(c).thresholds().tightenedBy(c.thresholds());
    }

    /**
     * Every (pool, endpoint, model) the canary runs on: the pool is selected by the canary, its flavor fits the
     * canary's api, and the model is one of the pool's that the canary selects. Pools, endpoints and models keep
     * their configured order.
     */
    public List<Target> targets(CanaryDefinition c) {
        List<Target> targets = new ArrayList<>();
        for (Pool pool : pools) {
            if (!c.selectsPool(pool.name()) || !fits(c.api(), pool)) {
                continue;
            }
            for (Endpoint endpoint : pool.endpoints()) {
                for (String model : pool.models()) {
                    if (c.selectsModel(model)) {
                        targets.add(new Target(c, pool, endpoint, model));
                    }
                }
            }
        }
        return List.copyOf(targets);
    }

    /**
     * This catalog with discovered endpoints added: each pool that declares discovery gets its static endpoints
     * followed by those discovered for it (a discovered endpoint whose name a static one already has is left out).
     * Pools without discovery, and pools missing from the map, stay as configured.
     */
    public Catalog withDiscovered(Map<String, List<Endpoint>> discovered) {
        List<Pool> effective = new ArrayList<>(pools.size());
        for (Pool p : pools) {
            List<Endpoint> found = discovered.get(p.name());
            if (p.discovery() == null || found == null || found.isEmpty()) {
                effective.add(p);
                continue;
            }
            Map<String, Endpoint> byName = new LinkedHashMap<>();
            p.endpoints().forEach(e -> byName.put(e.name(), e));
            found.forEach(e -> byName.putIfAbsent(e.name(), e));
            effective.add(p.withEndpoints(List.copyOf(byName.values())));
        }
        return new Catalog(sloClasses, effective, canaries, loadedAt, sections);
    }

    /**
     * This catalog with a feature's own part of the configuration attached (replacing one of the same type), e.g. the
     * gate suites of {@code gates.yaml}. Features validate against the canaries and pools, so their sections belong
     * in the same snapshot to be swapped with them; attaching them by type keeps this package free of the features.
     */
    public Catalog withSection(Object section) {
        Map<Class<?>, Object> next = new HashMap<>(sections);
        next.put(section.getClass(), section);
        return new Catalog(sloClasses, pools, canaries, loadedAt, next);
    }

    /**
     * This catalog with a pool and its canaries added, every section kept: a fleet made in code (a test's own
     * simulators) joins the loaded configuration without losing the features' parts of it.
     */
    public Catalog with(Pool pool, List<CanaryDefinition> more) {
        List<Pool> p = new ArrayList<>(pools);
        p.add(pool);
        List<CanaryDefinition> c = new ArrayList<>(canaries);
        c.addAll(more);
        return new Catalog(sloClasses, p, c, loadedAt, sections);
    }

    /** The section of this type, if the configuration has one. */
    public <T> Optional<T> section(Class<T> type) {
        return Optional.ofNullable(sections.get(type)).map(type::cast);
    }

    /** When the configuration in this snapshot was loaded. */
    public Instant loadedAt() {
        return loadedAt;
    }

    private static boolean fits(Api api, Pool pool) {
        return (api == Api.CHAT) == pool.flavor().chat();
    }
}
