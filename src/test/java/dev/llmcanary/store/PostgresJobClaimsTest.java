package dev.llmcanary.store;

import org.junit.jupiter.api.BeforeAll;

import javax.sql.DataSource;

/**
 * Slot claims on a real PostgreSQL, the database replicas share. Needs {@code LLM_CANARY_TEST_PG_URL} like
 * {@link PostgresRunStoreTest}: fails under CI without it, skipped elsewhere.
 */
class PostgresJobClaimsTest extends JobClaimsContract {

    @BeforeAll
    static void requirePostgres() {
        TestPostgres.require();
    }

    @Override
    DataSource freshDatabase() {
        return TestPostgres.dataSource();
    }
}
