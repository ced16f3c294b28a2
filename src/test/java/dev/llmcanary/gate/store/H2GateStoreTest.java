package dev.llmcanary.gate.store;

import dev.llmcanary.store.StoreExtension;

/** The gate store on the embedded default database: a fresh in-memory H2 per test. */
class H2GateStoreTest extends GateStoreContract {

    H2GateStoreTest() {
        super(StoreExtension.h2());
    }
}
