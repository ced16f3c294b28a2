package dev.llmcanary.store;

/**
 * Slot claims on a real PostgreSQL, the database replicas share. Needs {@code LLM_CANARY_TEST_PG_URL} like
 * {@link PostgresRunStoreTest}: fails under CI without it, skipped elsewhere.
 */
class PostgresJobClaimsTest extends JobClaimsContract {

    PostgresJobClaimsTest() {
        super(StoreExtension.postgres());
    }
}
