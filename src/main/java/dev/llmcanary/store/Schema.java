package dev.llmcanary.store;

/**
 * Brings the run table up to date (Flyway in the service). The store calls it lazily, before its first statement,
 * so a database that is down at startup delays the migration instead of stopping the service.
 */
@FunctionalInterface
public interface Schema {
    /** Migrates; throws when the database cannot be reached. Must be safe to call again after a failure. */
    void migrate();
}
