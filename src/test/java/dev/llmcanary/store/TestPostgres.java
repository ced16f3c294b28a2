package dev.llmcanary.store;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The test PostgreSQL from {@code LLM_CANARY_TEST_PG_URL} (and {@code _USER}/{@code _PASSWORD}, default
 * llmcanary/llmcanary), migrated; tests needing it fail under CI ({@code CI=true}) without it and are skipped elsewhere.
 * The check runs per test ({@link #dataSource()} makes it, from a test or its {@code @BeforeEach}): an assumption
 * that fails in {@code @BeforeAll} aborts the class, which Surefire then reports as "Tests run: 0", not as skipped.
 * Each test JVM works in a schema of its own (dropped at exit), so a database shared with other builds, or left
 * migrated by another branch, never fails Flyway's validation or mixes rows. Store tests reach it through
 * {@link StoreExtension#postgres()}, which also empties its tables before each test.
 */
public final class TestPostgres {

    private static final String URL = System.getenv("LLM_CANARY_TEST_PG_URL");
    private static final String SCHEMA = "t_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static volatile boolean migrated;

    private TestPostgres() {
    }

    /**
     * Skips the calling test (fails it under CI) without a configured PostgreSQL. Call from a test or a
     * {@code @BeforeEach}, never a {@code @BeforeAll} (see the class comment).
     */
    public static void require() {
        if (URL == null && "true".equals(System.getenv("CI"))) {
            fail("LLM_CANARY_TEST_PG_URL is not set: CI must start PostgreSQL with .ci/postgres.sh");
        }
        assumeTrue(URL != null, "LLM_CANARY_TEST_PG_URL not set: PostgreSQL tests skipped outside CI");
    }

    /** The migrated test database, in this JVM's own schema; skips the calling test without one (see require). */
    public static synchronized DataSource dataSource() {
        require();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(URL);
        ds.setUser(user());
        ds.setPassword(password());
        if (!migrated) {
            try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + SCHEMA);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot create test schema " + SCHEMA, e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::dropSchema));
        }
        ds.setCurrentSchema(SCHEMA);
        if (!migrated) {
            Flyway.configure().dataSource(ds).schemas(SCHEMA).locations("classpath:db/migration").load().migrate();
            migrated = true;
        }
        return ds;
    }

    /** A new, empty schema of its own (dropped at exit), for tests that migrate step by step. */
    public static DataSource emptySchema() {
        String schema = "t_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(URL);
        ds.setUser(user());
        ds.setPassword(password());
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create test schema " + schema, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropSchema(schema)));
        ds.setCurrentSchema(schema);
        return ds;
    }

    private static void dropSchema() {
        dropSchema(SCHEMA);
    }

    private static void dropSchema(String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(URL);
        ds.setUser(user());
        ds.setPassword(password());
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (java.sql.SQLException e) {
            // best effort at exit: a leftover schema only costs disk in a throwaway test database
        }
    }

    /** The JDBC URL, {@code null} when not configured. */
    public static String url() {
        return URL;
    }

    public static String user() {
        return env("LLM_CANARY_TEST_PG_USER", "llmcanary");
    }

    public static String password() {
        return env("LLM_CANARY_TEST_PG_PASSWORD", "llmcanary");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }
}
