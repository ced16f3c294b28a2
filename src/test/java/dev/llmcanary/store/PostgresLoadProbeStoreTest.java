package dev.llmcanary.store;

/**
 * The load-probe store on a real PostgreSQL (BYTEA reports, TIMESTAMP WITH TIME ZONE). Needs
 * {@code LLM_CANARY_TEST_PG_URL} like {@link PostgresRunStoreTest}: fails under CI without it, skipped elsewhere.
 */
class PostgresLoadProbeStoreTest extends LoadProbeStoreContract {

    PostgresLoadProbeStoreTest() {
        super(StoreExtension.postgres());
    }
}
