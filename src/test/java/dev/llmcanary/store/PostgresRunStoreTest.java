package dev.llmcanary.store;

/**
 * The run store on a real PostgreSQL, the in-cluster choice. Needs {@code LLM_CANARY_TEST_PG_URL} (and
 * {@code _USER}/{@code _PASSWORD}, default llmcanary/llmcanary), which {@code .ci/run} sets after
 * {@code .ci/postgres.sh} started the server. Without it these tests fail under CI ({@code CI=true}) and are skipped
 * elsewhere.
 */
class PostgresRunStoreTest extends RunStoreContract {

    PostgresRunStoreTest() {
        super(StoreExtension.postgres());
    }
}
