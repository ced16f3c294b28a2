package dev.llmcanary.schedule;

import dev.llmcanary.testing.MutableClock;

import dev.llmcanary.canary.CanaryDefinition.Priority;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.run.Trigger;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobTickerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    private final List<SkipReason> skips = new ArrayList<>();

    @Test
    void aTickWhileThePreviousRunIsGoingIsSkippedAndCounted() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(4, null, List.of()), clock);
        JobTicker ticker = new JobTicker(skips::add);
        CompletableFuture<Long> firstRun = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        Supplier<CompletionStage<Long>> run = () -> {
            started.incrementAndGet();
            return started.get() == 1 ? firstRun : CompletableFuture.completedFuture(1L);
        };

        assertThat(ticker.tick(gate, Priority.NORMAL, 10, run)).isEmpty();
        assertThat(ticker.tick(gate, Priority.NORMAL, 10, run)).contains(SkipReason.OVERLAP);
        assertThat(skips).containsExactly(SkipReason.OVERLAP);
        assertThat(started).hasValue(1);

        firstRun.complete(3L);

        assertThat(ticker.tick(gate, Priority.NORMAL, 10, run)).isEmpty();
        assertThat(started).hasValue(2);
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void aGateRefusalIsCountedWithItsReasonAndLeavesTheJobFree() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, null, List.of()), clock);
        JobTicker busy = new JobTicker(skips::add);
        JobTicker other = new JobTicker(skips::add);
        busy.tick(gate, Priority.NORMAL, 10, CompletableFuture::new);

        Optional<SkipReason> skipped = other.tick(gate, Priority.NORMAL, 10, () -> CompletableFuture.completedFuture(1L));

        assertThat(skipped).contains(SkipReason.CONCURRENCY);
        assertThat(skips).containsExactly(SkipReason.CONCURRENCY);
        assertThat(other.running()).isFalse();
    }

    @Test
    void aRunThatFailsToStartFreesItsSlotAndCharge() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, 100L, List.of()), clock);
        JobTicker ticker = new JobTicker(skips::add);

        assertThatThrownBy(() -> ticker.tick(gate, Priority.NORMAL, 50, () -> {
            throw new IllegalStateException("no connection");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(ticker.running()).isFalse();
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.remainingTokens()).hasValue(100);
    }

    @Test
    void aRunThatEndsExceptionallyKeepsItsReservation() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, 100L, List.of()), clock);
        JobTicker ticker = new JobTicker(skips::add);

        ticker.tick(gate, Priority.NORMAL, 50, () -> CompletableFuture.failedFuture(new IllegalStateException()));

        assertThat(ticker.running()).isFalse();
        assertThat(gate.remainingTokens()).hasValue(50);
    }

    private static final EndpointGuard.Settings BREAKER = new EndpointGuard.Settings(0.5, 2,
            java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(10));

    @Test
    void aWonClaimRunsTheTickAfterTheLocalChecks() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, 100L, List.of()), clock);
        JobTicker ticker = new JobTicker(skips::add);
        AtomicInteger claims = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();

        Optional<SkipReason> skipped = ticker.tick(null, gate, Priority.NORMAL, 50, () -> {
            claims.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.<SkipReason>empty());
        }, () -> {
            started.incrementAndGet();
            return new CompletableFuture<>();
        }).toCompletableFuture().join();

        assertThat(skipped).isEmpty();
        assertThat(claims).hasValue(1);
        assertThat(started).hasValue(1);
        assertThat(gate.inFlight()).isEqualTo(1);
    }

    @Test
    void aLostClaimGivesBackTheSlotTheTokensAndTheProbe() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, 100L, List.of()), clock);
        EndpointGuard guard = new EndpointGuard(BREAKER, clock);
        guard.record(true, false, null);
        guard.record(true, false, null); // open
        clock.advance(java.time.Duration.ofSeconds(31)); // half-open: this tick holds the one probe
        JobTicker ticker = new JobTicker(skips::add);
        AtomicInteger started = new AtomicInteger();

        Optional<SkipReason> skipped = ticker.tick(guard, gate, Priority.NORMAL, 50,
                () -> CompletableFuture.completedFuture(Optional.of(SkipReason.CLAIMED_ELSEWHERE)), () -> {
                    started.incrementAndGet();
                    return CompletableFuture.completedFuture(1L);
                }).toCompletableFuture().join();

        assertThat(skipped).contains(SkipReason.CLAIMED_ELSEWHERE);
        assertThat(skips).containsExactly(SkipReason.CLAIMED_ELSEWHERE);
        assertThat(started).hasValue(0);
        assertThat(ticker.running()).isFalse();
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.remainingTokens()).hasValue(100);
        assertThat(guard.admit().admitted()).as("the probe slot is free again").isTrue();
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> localSkips() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.arguments("overlap", SkipReason.OVERLAP),
                org.junit.jupiter.params.provider.Arguments.arguments("circuit open", SkipReason.CIRCUIT_OPEN),
                org.junit.jupiter.params.provider.Arguments.arguments("pool concurrency", SkipReason.CONCURRENCY),
                org.junit.jupiter.params.provider.Arguments.arguments("token budget", SkipReason.BUDGET));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "a tick skipped for {0} is never claimed")
    @org.junit.jupiter.params.provider.MethodSource("localSkips")
    void aTickSkippedLocallyIsNeverClaimed(String name, SkipReason reason) {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, 100L, List.of()), clock);
        EndpointGuard guard = new EndpointGuard(BREAKER, clock);
        JobTicker ticker = new JobTicker(skips::add);
        switch (reason) {
            case OVERLAP -> ticker.tick(guard, gate, Priority.NORMAL, 0, CompletableFuture::new);
            case CIRCUIT_OPEN -> {
                guard.record(true, false, null);
                guard.record(true, false, null);
            }
            case CONCURRENCY -> new JobTicker(r -> { }).tick(gate, Priority.NORMAL, 0, CompletableFuture::new);
            case BUDGET -> gate.admit(Priority.NORMAL, 500, Trigger.SCHEDULE).ticket().finish(500L);
            default -> throw new IllegalArgumentException(name);
        }
        AtomicInteger claims = new AtomicInteger();

        Optional<SkipReason> skipped = ticker.tick(guard, gate, Priority.NORMAL, 10, () -> {
            claims.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.<SkipReason>empty());
        }, () -> CompletableFuture.completedFuture(1L)).toCompletableFuture().join();

        assertThat(skipped).contains(reason);
        assertThat(claims).as("claims taken").hasValue(0);
    }
}
