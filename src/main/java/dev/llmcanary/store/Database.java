package dev.llmcanary.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The store's connection source: the chosen {@link DataSource} plus its schema, migrated once before the first
 * connection is handed out (and retried on every later call until it succeeded).
 */
public final class Database {

    private final DataSource dataSource;
    private final Schema schema;
    private volatile boolean migrated;

    public Database(DataSource dataSource, Schema schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /** A connection to a migrated schema. */
    public Connection connect() throws SQLException {
        if (!migrated) {
            migrate();
        }
        return dataSource.getConnection();
    }

    private synchronized void migrate() {
        if (!migrated) {
            schema.migrate();
            migrated = true;
        }
    }
}
