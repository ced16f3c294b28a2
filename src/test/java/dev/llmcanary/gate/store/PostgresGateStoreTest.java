package dev.llmcanary.gate.store;

import dev.llmcanary.store.StoreExtension;
import dev.llmcanary.store.TestPostgres;

/** The gate store on PostgreSQL (needs {@code LLM_CANARY_TEST_PG_URL}; see {@link TestPostgres}). */
class PostgresGateStoreTest extends GateStoreContract {

    PostgresGateStoreTest() {
        super(StoreExtension.postgres());
    }
}
