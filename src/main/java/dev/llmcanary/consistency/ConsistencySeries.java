package dev.llmcanary.consistency;

/**
 * Where the consistency checks publish what they found: the metric series live in {@code telemetry}
 * ({@code ConsistencyMetrics}), so this package depends on nothing of ours and the canary runner can use it.
 */
public interface ConsistencySeries {

    /** The endpoint's latest answer agrees with its pool's majority ({@code true}) or diverges. */
    void consistent(ReplicaComparator.Key key, String endpoint, boolean agrees);

    /** The endpoint cannot be judged now (or is gone): its series is removed. */
    void unjudged(ReplicaComparator.Key key, String endpoint);

    /** An endpoint reported a piece of identity from {@code source}: its change counter exists from now, at 0. */
    void identitySeen(String pool, String endpoint, String model, IdentitySource source);

    /** The endpoint's reported identity changed at {@code source}. */
    void identityChanged(String pool, String endpoint, String model, IdentitySource source);

    /** Publishes nothing (tests that only look at judgements). */
    ConsistencySeries NONE = new ConsistencySeries() {
        @Override
        public void consistent(ReplicaComparator.Key key, String endpoint, boolean agrees) {
        }

        @Override
        public void unjudged(ReplicaComparator.Key key, String endpoint) {
        }

        @Override
        public void identitySeen(String pool, String endpoint, String model, IdentitySource source) {
        }

        @Override
        public void identityChanged(String pool, String endpoint, String model, IdentitySource source) {
        }
    };
}
