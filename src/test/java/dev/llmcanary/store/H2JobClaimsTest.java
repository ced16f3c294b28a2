package dev.llmcanary.store;

/** Slot claims on the embedded default database: a fresh in-memory H2 per test. */
class H2JobClaimsTest extends JobClaimsContract {

    H2JobClaimsTest() {
        super(StoreExtension.h2());
    }
}
