package dev.llmcanary.loader;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.config.ConfigError;

import java.util.List;

/** The outcome of one load: a catalog when the configuration is valid, otherwise every error found. */
public record LoadResult(Catalog catalog, List<ConfigError> errors) {

    public LoadResult {
        errors = List.copyOf(errors);
        if ((catalog == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a load has either a catalog or errors");
        }
    }

    public boolean ok() {
        return catalog != null;
    }
}
