package dev.llmcanary.boot;

import dev.llmcanary.canary.Catalog;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The current configuration snapshot, swapped atomically as a whole; readers never see a half-loaded catalog. */
@ApplicationScoped
public class CatalogHolder implements Supplier<Catalog> {

    private final AtomicReference<Catalog> current = new AtomicReference<>();

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

    public void swap(Catalog catalog) {
        current.set(catalog);
    }
}
