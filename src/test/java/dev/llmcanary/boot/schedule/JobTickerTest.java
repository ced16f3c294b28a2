package dev.llmcanary.boot.schedule;

import dev.llmcanary.canary.CanaryDefinition.Priority;
import dev.llmcanary.canary.Pool;
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
}
