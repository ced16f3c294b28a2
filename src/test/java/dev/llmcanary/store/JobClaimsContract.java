package dev.llmcanary.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Slot claims between replicas, run against each database the service supports (H2 and PostgreSQL subclasses). */
abstract class JobClaimsContract {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @RegisterExtension
    final StoreExtension testDatabase;
    Database db;
    /** Each test's own job key, so that no claim of another test can answer for it. */
    String job;

    JobClaimsContract(StoreExtension testDatabase) {
        this.testDatabase = testDatabase;
    }

    @BeforeEach
    void setUp() {
        db = testDatabase.database();
        job = "count-ordered/sim-h100/ep-1/" + UUID.randomUUID() + "@60000";
    }

    JobClaims replica(String owner, Instant at) {
        return new JobClaims(db, owner, Clock.fixed(at, ZoneOffset.UTC));
    }

    @Test
    void twoReplicasClaimingTheSameSlotExactlyOneWins() throws SQLException {
        JobClaims a = replica("a", NOW);
        JobClaims b = replica("b", NOW);

        assertThat(a.claim(job, 42)).isTrue();
        assertThat(b.claim(job, 42)).isFalse();
        assertThat(a.claim(job, 42)).as("the winner asking again").isFalse();
    }

    @Test
    void differentSlotsAndDifferentJobsAreClaimedIndependently() throws SQLException {
        JobClaims a = replica("a", NOW);
        JobClaims b = replica("b", NOW);

        assertThat(a.claim(job, 42)).isTrue();
        assertThat(b.claim(job, 43)).isTrue();
        assertThat(b.claim(job + "-other", 42)).isTrue();
    }

    @Test
    void eightConcurrentClaimsOfOneSlotHaveExactlyOneWinner() {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> claims = IntStream.range(0, 8)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        try {
                            go.await();
                            return replica("replica-" + i, NOW).claim(job, 7);
                        } catch (SQLException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }, pool)).toList();
            go.countDown();

            assertThat(claims.stream().map(CompletableFuture::join).filter(won -> won)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void heartbeatsListTheReplicasSeenWithinTheWindowAndALeavingReplicaAtOnceNoMore() throws SQLException {
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        String stale = "stale-" + UUID.randomUUID();
        java.time.Duration window = java.time.Duration.ofSeconds(10);
        new ReplicaHeartbeats(db, stale, Clock.fixed(NOW.minusSeconds(11), ZoneOffset.UTC)).beat(window);
        new ReplicaHeartbeats(db, b, Clock.fixed(NOW.minusSeconds(9), ZoneOffset.UTC)).beat(window);
        ReplicaHeartbeats self = new ReplicaHeartbeats(db, a, Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(self.beat(window)).as("seen within 10 s of now").contains(a, b).doesNotContain(stale);
        assertThat(self.beat(window)).as("a second beat updates, never duplicates").filteredOn(a::equals).hasSize(1);

        new ReplicaHeartbeats(db, b, Clock.fixed(NOW, ZoneOffset.UTC)).leave();
        assertThat(self.beat(window)).contains(a).doesNotContain(b);
        assertThat(self.purge(NOW.minusSeconds(10))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void purgeDeletesOnlyClaimsOlderThanTheCutoff() throws SQLException {
        deleteAllClaims();
        replica("a", NOW.minus(2, ChronoUnit.DAYS)).claim(job, 1);
        replica("a", NOW).claim(job, 2);

        assertThat(replica("a", NOW).purge(NOW.minus(1, ChronoUnit.DAYS))).isEqualTo(1);
        assertThat(replica("b", NOW).claim(job, 1)).as("purged slot").isTrue();
        assertThat(replica("b", NOW).claim(job, 2)).as("kept slot").isFalse();
    }

    @Test
    void anUnreachableDatabaseIsAnErrorNotALostClaim() throws SQLException {
        SwitchableDataSource ds = new SwitchableDataSource(testDatabase.dataSource());
        ds.down(true);
        JobClaims down = new JobClaims(new Database(ds, () -> { }), "a", Clock.systemUTC());

        assertThatThrownBy(() -> down.claim(job, 1)).isInstanceOf(SQLException.class);
    }

    private void deleteAllClaims() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM job_claims");
        }
    }
}
