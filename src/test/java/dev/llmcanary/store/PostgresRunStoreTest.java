package dev.llmcanary.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The run store on a real PostgreSQL, the in-cluster choice. Needs {@code LLM_CANARY_TEST_PG_URL} (and
 * {@code _USER}/{@code _PASSWORD}, default llmcanary/llmcanary), which {@code .ci/run} sets after
 * {@code .ci/postgres.sh} started the server. Without it these tests fail under CI ({@code CI=true}) and are skipped
 * elsewhere.
 */
class PostgresRunStoreTest extends RunStoreContract {

    private static final String URL = System.getenv("LLM_CANARY_TEST_PG_URL");

    @BeforeAll
    static void requirePostgres() {
        if (URL == null && "true".equals(System.getenv("CI"))) {
            fail("LLM_CANARY_TEST_PG_URL is not set: CI must start PostgreSQL with .ci/postgres.sh");
        }
        assumeTrue(URL != null, "LLM_CANARY_TEST_PG_URL not set: PostgreSQL store tests skipped outside CI");
    }

    @Override
    DataSource freshDatabase() throws SQLException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(URL);
        ds.setUser(env("LLM_CANARY_TEST_PG_USER", "llmcanary"));
        ds.setPassword(env("LLM_CANARY_TEST_PG_PASSWORD", "llmcanary"));
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        deleteAllRuns(ds);
        return ds;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }
}
