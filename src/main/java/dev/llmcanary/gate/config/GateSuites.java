package dev.llmcanary.gate.config;

import dev.llmcanary.canary.Catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The deployment gate suites of one configuration ({@code gates.yaml}), by name in file order. Carried as a section
 * of the catalog, so a reload swaps them together with the canaries and pools they name.
 */
public record GateSuites(Map<String, GateSuite> byName) {

    /** No {@code gates.yaml}. */
    public static final GateSuites NONE = new GateSuites(Map.of());

    public GateSuites {
        byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /** The suites of {@code catalog} (none when it was built without {@code gates.yaml}). */
    public static GateSuites of(Catalog catalog) {
        return catalog.section(GateSuites.class).orElse(NONE);
    }

    public Optional<GateSuite> suite(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The configured names, in file order. */
    public Set<String> names() {
        return byName.keySet();
    }
}
