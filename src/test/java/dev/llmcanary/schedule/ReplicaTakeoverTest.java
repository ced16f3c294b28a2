package dev.llmcanary.schedule;

import dev.llmcanary.testing.MutableClock;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.store.Database;
import dev.llmcanary.store.JobClaims;
import dev.llmcanary.store.StoreExtension;
import dev.llmcanary.store.StoreStatus;
import dev.llmcanary.store.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Two replicas sharing one database, at the level of the scheduler's tick decision: each tick claims its slot
 * through {@link SlotClaims} with real JDBC claims ({@link JobClaims}), and only the winner passes its
 * {@link JobTicker} to a fake runner; the clocks are injected (and skewed against each other). The same with two
 * whole service processes is {@code it/TwoReplicasIT}.
 */
class ReplicaTakeoverTest {

    private static final long INTERVAL = 10_000;
    private static final int SLOTS = 10;
    private static final int STOP_A_AT = 5;

    /** One ran tick: which job, which slot, which replica. */
    record Ran(String job, long slot, String replica) {
    }

    /** One replica's scheduler-side stack. */
    final class Replica {
        final String name;
        final Clock clock;
        final SlotClaims claims;
        final PoolGate gate;
        final Map<String, JobTicker> tickers = new HashMap<>();
        final AtomicInteger claimedElsewhere = new AtomicInteger();
        final AtomicInteger claimsTaken = new AtomicInteger();
        final EndpointGuard guard;

        Replica(String name, Database db, Duration skew) {
            this.name = name;
            this.clock = Clock.offset(clock0, skew);
            this.claims = SlotClaims.on(new JobClaims(db, name + "-" + UUID.randomUUID(), clock)::claim, Runnable::run,
                    Duration.ofSeconds(30), new StoreStatus(new SimpleMeterRegistry(), clock), name);
            this.gate = new PoolGate(new Pool.Scheduling(8, null, List.of()), clock);
            this.guard = new EndpointGuard(new EndpointGuard.Settings(0.5, 2, Duration.ofHours(1),
                    Duration.ofSeconds(30), Duration.ofMinutes(10)), clock);
        }

        /** What the scheduler does when the job's timer fires: local checks, then the claim, then the run. */
        void tick(String job, long offset) {
            long slot = SpreadOffsets.slot(offset, INTERVAL, clock.millis());
            tickers.computeIfAbsent(job, j -> new JobTicker(r -> {
                        if (r == SkipReason.CLAIMED_ELSEWHERE) {
                            claimedElsewhere.incrementAndGet();
                        }
                    }))
                    .tick(guard, gate, CanaryDefinition.Priority.NORMAL, 0, () -> {
                        claimsTaken.incrementAndGet();
                        return CompletableFuture.completedFuture(claims.claim(job, slot).toCompletableFuture().join().runs()
                                ? Optional.<SkipReason>empty() : Optional.of(SkipReason.CLAIMED_ELSEWHERE));
                    }, () -> {
                        ran.add(new Ran(job, slot, name));
                        return CompletableFuture.completedFuture(0L);
                    }).toCompletableFuture().join();
        }
    }

    private final List<Ran> ran = Collections.synchronizedList(new ArrayList<>());
    private final MutableClock clock0 = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private ExecutorService threads;

    @BeforeEach
    void setUp() {
        threads = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
    }

    static Stream<Arguments> databases() {
        return Stream.of(
                arguments("PostgreSQL", (Supplier<DataSource>) TestPostgres::dataSource),
                arguments("H2 shared in memory", (Supplier<DataSource>) StoreExtension::freshH2));
    }

    @ParameterizedTest(name = "{0}: every slot runs once, and the survivor takes all slots after the other stops")
    @MethodSource("databases")
    void replicasSplitTheTicksAndTheSurvivorTakesOver(String name, Supplier<DataSource> source) {
        Database db = StoreExtension.migrated(source.get());
        String run = UUID.randomUUID().toString();
        List<SpreadOffsets.Slot> jobs = IntStream.range(0, 3)
                .mapToObj(i -> new SpreadOffsets.Slot("c" + i + "/" + run, INTERVAL)).toList();
        Map<String, Long> offsets = SpreadOffsets.offsets(jobs);
        Replica a = new Replica("a", db, Duration.ofMillis(3));    // its timers fire a little late
        Replica b = new Replica("b", db, Duration.ofMillis(-40));  // its clock runs a little behind
        long first = SpreadOffsets.slot(0, INTERVAL, clock0.millis()) + 1;

        for (int k = 0; k < SLOTS; k++) {
            List<Replica> live = k < STOP_A_AT ? List.of(a, b) : List.of(b);
            for (SpreadOffsets.Slot job : jobs) {
                long offset = offsets.get(job.id());
                clock0.set(Instant.ofEpochMilli(offset + (first + k) * INTERVAL));
                CompletableFuture.allOf(live.stream()
                        .map(r -> CompletableFuture.runAsync(() -> r.tick(job.id(), offset), threads))
                        .toArray(CompletableFuture[]::new)).join();
            }
        }

        Map<List<Object>, Long> runsPerTick = ran.stream()
                .collect(Collectors.groupingBy(r -> List.of(r.job(), r.slot()), Collectors.counting()));
        assertThat(runsPerTick).as("(job, slot) → runs").hasSize(jobs.size() * SLOTS).allSatisfy((tick, n) ->
                assertThat(n).as("runs of %s", tick).isEqualTo(1));
        assertThat(ran).filteredOn(r -> r.slot() >= first + STOP_A_AT).hasSize(jobs.size() * (SLOTS - STOP_A_AT))
                .allSatisfy(r -> assertThat(r.replica()).isEqualTo("b"));
        assertThat(a.claimedElsewhere.get() + b.claimedElsewhere.get()).as("lost claims while both lived")
                .isEqualTo(jobs.size() * STOP_A_AT);
    }

    @Test
    void aReplicaWhoseBreakerIsOpenLeavesEveryTickToTheOther() {
        Database db = StoreExtension.migrated(StoreExtension.freshH2());
        Replica a = new Replica("a", db, Duration.ZERO);
        Replica b = new Replica("b", db, Duration.ZERO);
        a.guard.record(true, false, null);
        a.guard.record(true, false, null); // a's endpoint breaker opens for an hour: a skips locally
        String job = "c/" + UUID.randomUUID();
        long first = SpreadOffsets.slot(0, INTERVAL, clock0.millis()) + 1;

        for (int k = 0; k < SLOTS; k++) {
            clock0.set(Instant.ofEpochMilli((first + k) * INTERVAL));
            a.tick(job, 0); // a ticks first each time: with claims before local checks it would win and skip
            b.tick(job, 0);
        }

        assertThat(ran).hasSize(SLOTS).allSatisfy(r -> assertThat(r.replica()).isEqualTo("b"));
        assertThat(a.claimsTaken).as("claims taken by the replica that would skip").hasValue(0);
        assertThat(b.claimedElsewhere).hasValue(0);
    }
}
