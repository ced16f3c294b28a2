package dev.llmcanary.store;

/** The run store on the embedded default database: a fresh in-memory H2 per test. */
class H2RunStoreTest extends RunStoreContract {

    H2RunStoreTest() {
        super(StoreExtension.h2());
    }
}
