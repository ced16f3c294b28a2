package dev.llmcanary.store;

/** The load-probe store on the embedded default database: a fresh in-memory H2 per test. */
class H2LoadProbeStoreTest extends LoadProbeStoreContract {

    H2LoadProbeStoreTest() {
        super(StoreExtension.h2());
    }
}
