package dev.llmcanary.store;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The test PostgreSQL from {@code LLM_CANARY_TEST_PG_URL} (and {@code _USER}/{@code _PASSWORD}, default
 * llmcanary/llmcanary), migrated; tests needing it fail under CI ({@code CI=true}) without it and are skipped elsewhere.
 */
public final class TestPostgres {

    private static final String URL = System.getenv("LLM_CANARY_TEST_PG_URL");

    private TestPostgres() {
    }

    /** Call from {@code @BeforeAll}. */
    public static void require() {
        if (URL == null && "true".equals(System.getenv("CI"))) {
            fail("LLM_CANARY_TEST_PG_URL is not set: CI must start PostgreSQL with .ci/postgres.sh");
        }
        assumeTrue(URL != null, "LLM_CANARY_TEST_PG_URL not set: PostgreSQL tests skipped outside CI");
    }

    /** The migrated test database. */
    public static DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(URL);
        ds.setUser(env("LLM_CANARY_TEST_PG_USER", "llmcanary"));
        ds.setPassword(env("LLM_CANARY_TEST_PG_PASSWORD", "llmcanary"));
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
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
