package dev.llmcanary.store;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A migrated store database with no rows for every test, on H2 or on the test PostgreSQL, so that one contract
 * class runs unchanged against each database the service supports. Register it as a field and read
 * {@link #dataSource()} or {@link #database()} from a test or its {@code @BeforeEach} (this extension's callback runs
 * first):
 * <pre>{@code @RegisterExtension final StoreExtension store = StoreExtension.h2();}</pre>
 *
 * <ul>
 *   <li>{@link #h2()}: a new in-memory H2 per test, the embedded default.</li>
 *   <li>{@link #postgres()}: the test PostgreSQL of {@code LLM_CANARY_TEST_PG_URL}, this JVM's own schema migrated
 *       once (see {@link TestPostgres}) and every table emptied before each test. Without the URL the test is
 *       skipped, and fails under CI ({@code CI=true}): the rule of {@link TestPostgres#require()}, checked per test
 *       because an assumption failing in {@code @BeforeAll} would hide the tests rather than skip them.</li>
 * </ul>
 */
public final class StoreExtension implements BeforeEachCallback {

    private static final String MIGRATIONS = "classpath:db/migration";
    /** Flyway's own bookkeeping: emptying it would make the next migration run every script again. */
    private static final String FLYWAY_HISTORY = "flyway_schema_history";

    private final boolean postgres;
    private DataSource dataSource;
    private Database database;

    private StoreExtension(boolean postgres) {
        this.postgres = postgres;
    }

    /** A fresh in-memory H2 for each test. */
    public static StoreExtension h2() {
        return new StoreExtension(false);
    }

    /** The test PostgreSQL, emptied before each test (skipped without one, failed under CI). */
    public static StoreExtension postgres() {
        return new StoreExtension(true);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        dataSource = postgres ? emptied(TestPostgres.dataSource()) : freshH2();
        database = migrated(dataSource);
    }

    /** This test's database: the current schema, no rows. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The store's view of {@link #dataSource()}, migrating on first use as the service's does. */
    public Database database() {
        return database;
    }

    /** Another database with no schema at all, for a test that migrates step by step. */
    public DataSource emptyDatabase() {
        return postgres ? TestPostgres.emptySchema() : freshH2();
    }

    /** A new, empty in-memory H2 that lives until the JVM exits (for tests that build their own store). */
    public static DataSource freshH2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    /** A {@link Database} on {@code ds} that migrates it with the service's scripts before the first connection. */
    public static Database migrated(DataSource ds) {
        return new Database(ds, () -> Flyway.configure().dataSource(ds).locations(MIGRATIONS).load().migrate());
    }

    /** Empties every table of the connection's schema but Flyway's history: earlier tests share the schema. */
    private static DataSource emptied(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String table = rs.getString("TABLE_NAME");
                    if (!FLYWAY_HISTORY.equalsIgnoreCase(table)) {
                        tables.add(table);
                    }
                }
            }
            for (String table : tables) {
                // DELETE, not TRUNCATE: it takes no table lock a store's writer left running could hold up
                s.execute("DELETE FROM " + table);
            }
        }
        return ds;
    }
}
