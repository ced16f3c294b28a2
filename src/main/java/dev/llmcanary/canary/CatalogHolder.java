package dev.llmcanary.canary;

import dev.llmcanary.client.Endpoint;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The current configuration snapshot, swapped atomically as a whole; readers never see a half-loaded catalog. The
 * snapshot is the configured catalog with the endpoints discovered so far added to the pools that declare discovery.
 */
@ApplicationScoped
public class CatalogHolder implements Supplier<Catalog> {

    private final AtomicReference<Catalog> current = new AtomicReference<>();
    private Catalog configured;
    private final Map<String, List<Endpoint>> discovered = new HashMap<>();
    private final List<java.util.function.Consumer<Catalog>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Tells {@code listener} each new snapshot, after it is in force (called on the thread that swapped it). */
    public void onChange(java.util.function.Consumer<Catalog> listener) {
        listeners.add(listener);
    }

    private void changed(Catalog c) {
        for (var l : listeners) {
            try {
                l.accept(c);
            } catch (RuntimeException e) {
                org.jboss.logging.Logger.getLogger(CatalogHolder.class).warnf("catalog listener failed: %s",
                        e.getClass().getSimpleName());
            }
        }
    }

    /** The current catalog; fails when none has loaded yet (readiness is down until then). */
    @Override
    public Catalog get() {
        Catalog c = current.get();
        if (c == null) {
            throw new IllegalStateException("no configuration has loaded yet");
        }
        return c;
    }

    public Optional<Catalog> current() {
        return Optional.ofNullable(current.get());
    }

    /** The catalog as loaded from the files, without discovered endpoints. */
    public synchronized Optional<Catalog> configured() {
        return Optional.ofNullable(configured);
    }

    /** Puts a newly loaded configuration in force, keeping the endpoints discovered so far. */
    public synchronized void swap(Catalog catalog) {
        configured = catalog;
        current.set(catalog.withDiscovered(discovered));
        changed(current.get());
    }

    /**
     * Sets the endpoints discovered for a pool ({@code null} forgets them); returns whether the snapshot changed.
     */
    public synchronized boolean discovered(String pool, List<Endpoint> endpoints) {
        List<Endpoint> before = discovered.get(pool);
        List<Endpoint> after = endpoints == null ? null : List.copyOf(endpoints);
        if (java.util.Objects.equals(before, after)) {
            return false;
        }
        if (after == null) {
            discovered.remove(pool);
        } else {
            discovered.put(pool, after);
        }
        if (configured != null) {
            current.set(configured.withDiscovered(discovered));
            changed(current.get());
        }
        return true;
    }
}
