package dev.llmcanary.schedule;

import dev.llmcanary.store.StoreStatus;
import dev.llmcanary.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The claim policy: a tick never waits on the store past the budget, and a claim that cannot be made is decided. */
class SlotClaimsTest {

    private static final Duration BUDGET = Duration.ofMillis(200);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StoreStatus status = new StoreStatus(registry, new MutableClock(Instant.parse("2026-03-01T12:00:00Z")));
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        never.countDown();
        threads.shutdownNow();
    }

    private double storeUp() {
        return registry.get("llm_canary_store_up").gauge().value();
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                arguments("won: run", (SlotClaims.Claimer) (j, s) -> true, SlotClaims.Verdict.WON, true, 1.0),
                arguments("taken by another replica: skip", (SlotClaims.Claimer) (j, s) -> false,
                        SlotClaims.Verdict.TAKEN, false, 1.0),
                arguments("connection refused: in doubt, run, store down", (SlotClaims.Claimer) (j, s) -> {
                    throw new SQLException("Connection refused", "08001");
                }, SlotClaims.Verdict.IN_DOUBT, true, 0.0),
                arguments("driver failure: in doubt, run, store down", (SlotClaims.Claimer) (j, s) -> {
                    throw new IllegalStateException("This pool is closed");
                }, SlotClaims.Verdict.IN_DOUBT, true, 0.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void theStoresAnswerDecidesTheTick(String name, SlotClaims.Claimer claimer, SlotClaims.Verdict expected,
                                       boolean runs, double up) {
        SlotClaims claims = SlotClaims.on(claimer, threads, BUDGET, status, "a");

        SlotClaims.Verdict v = claims.claim("job", 1).toCompletableFuture().join();

        assertThat(v).isEqualTo(expected);
        assertThat(v.runs()).isEqualTo(runs);
        assertThat(storeUp()).isEqualTo(up);
    }

    @Test
    void aClaimWithoutAnAnswerIsDecidedAtTheBudgetNotWhenTheDatabaseGivesUp() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        SlotClaims claims = SlotClaims.on((j, s) -> {
            asked.countDown();
            try {
                never.await(); // a blackholed connection: no answer, no error
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, threads, BUDGET, status, "a");

        SlotClaims.Verdict v = claims.claim("job", 1).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(asked.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(never.getCount()).as("the database still has not answered").isEqualTo(1);
        assertThat(v).isEqualTo(SlotClaims.Verdict.IN_DOUBT);
        assertThat(v.runs()).as("the claim may have landed: run rather than risk nobody running it").isTrue();
        assertThat(storeUp()).isZero();
    }

    @Test
    void aStoreKnownDownIsNotAskedAndTheOutageShareDecides() {
        AtomicInteger asked = new AtomicInteger();
        SlotClaims claims = SlotClaims.on((j, s) -> asked.incrementAndGet() > 0, threads, BUDGET, status, "a");
        claims.replicasSeen(List.of("a", "b"));
        status.failed("heartbeat", new SQLException("down"));

        List<SlotClaims.Verdict> verdicts = Stream.of("j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8")
                .map(j -> claims.claim(j, 1).toCompletableFuture().join()).toList();

        assertThat(asked).as("claims sent to a store known down").hasValue(0);
        assertThat(verdicts).containsOnly(SlotClaims.Verdict.OWN_SHARE, SlotClaims.Verdict.OTHER_SHARE)
                .contains(SlotClaims.Verdict.OWN_SHARE, SlotClaims.Verdict.OTHER_SHARE);
        assertThat(SlotClaims.Verdict.OTHER_SHARE.skipReason()).isEqualTo(SkipReason.OTHER_REPLICAS_SHARE);
        assertThat(SkipReason.OTHER_REPLICAS_SHARE.label()).isEqualTo("other_replicas_share");
        for (int i = 0; i < verdicts.size(); i++) {
            String job = "j" + (i + 1);
            assertThat(verdicts.get(i).runs()).as(job).isEqualTo(OutageShare.mine("a", List.of("a", "b"), job));
        }
    }

    @Test
    void aLoneReplicaRunsEveryJobWhileTheStoreIsDown() {
        SlotClaims claims = SlotClaims.on((j, s) -> true, threads, BUDGET, status, "a");
        status.failed("heartbeat", null);

        assertThat(Stream.of("j1", "j2", "j3", "j4", "j5").map(j -> claims.claim(j, 1).toCompletableFuture().join()))
                .containsOnly(SlotClaims.Verdict.OWN_SHARE);
    }

    @Test
    void claimsResumeOnceTheStoreAnswersAgain() {
        SlotClaims claims = SlotClaims.on((j, s) -> true, threads, BUDGET, status, "a");
        status.failed("heartbeat", null);
        status.ok(); // the heartbeat got through

        assertThat(claims.claim("j", 1).toCompletableFuture().join()).isEqualTo(SlotClaims.Verdict.WON);
        assertThat(storeUp()).isEqualTo(1.0);
    }

    @Test
    void aSaturatedClaimPoolIsAnOutageTooAndTheTickRuns() {
        SlotClaims claims = SlotClaims.on((j, s) -> true, task -> {
            throw new RejectedExecutionException("full");
        }, BUDGET, status, "a");

        assertThat(claims.claim("j", 1).toCompletableFuture().join()).isEqualTo(SlotClaims.Verdict.IN_DOUBT);
        assertThat(storeUp()).isZero();
    }

    @Test
    void claimsOffMeansEveryTickIsThisReplicas() {
        assertThat(SlotClaims.off().enabled()).isFalse();
        assertThat(SlotClaims.off().claim("c/p/e/m", 1).toCompletableFuture().join())
                .isEqualTo(SlotClaims.Verdict.WON);
    }
}
