package dev.llmcanary.boot.schedule;

import dev.llmcanary.testing.MutableClock;

import dev.llmcanary.canary.CanaryDefinition.Priority;
import dev.llmcanary.canary.Pool;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PoolGateTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));

    @Test
    void aTickOverTheConcurrencyCapIsSkippedUntilASlotIsFree() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(2, null, List.of()), clock);
        PoolGate.Admission first = gate.admit(Priority.NORMAL, 10);
        PoolGate.Admission second = gate.admit(Priority.NORMAL, 10);

        assertThat(gate.admit(Priority.NORMAL, 10).skipped()).isEqualTo(SkipReason.CONCURRENCY);

        first.ticket().finish(5L);
        first.ticket().finish(5L); // a second finish must not free a second slot
        assertThat(gate.inFlight()).isEqualTo(1);
        assertThat(gate.admit(Priority.NORMAL, 10).admitted()).isTrue();
        assertThat(gate.admit(Priority.NORMAL, 10).skipped()).isEqualTo(SkipReason.CONCURRENCY);
        assertThat(second.admitted()).isTrue();
    }

    @Test
    void theBudgetStopsLowPriorityFirstAndCountsTheRealUse() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(10, 100L, List.of()), clock);
        PoolGate.Admission run = gate.admit(Priority.LOW, 100); // reserves max_tokens
        assertThat(gate.remainingTokens()).hasValue(0);
        assertThat(gate.admit(Priority.LOW, 10).skipped()).isEqualTo(SkipReason.BUDGET);

        run.ticket().finish(30L);

        assertThat(gate.remainingTokens()).hasValue(70);
        assertThat(gate.admit(Priority.LOW, 10).admitted()).isTrue();
    }

    @Test
    void normalPriorityRunsOnUntilTenPercentOver() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(10, 100L, List.of()), clock);
        gate.admit(Priority.NORMAL, 105).ticket().finish(105L);

        assertThat(gate.admit(Priority.LOW, 1).skipped()).isEqualTo(SkipReason.BUDGET);
        assertThat(gate.admit(Priority.NORMAL, 5).admitted()).isTrue();
        assertThat(gate.admit(Priority.NORMAL, 1).skipped()).isEqualTo(SkipReason.BUDGET);
    }

    @Test
    void aQuietWindowSkipsBeforeAnythingIsCharged() {
        Pool.QuietWindow now = Windows.window("0 10 * * *", Duration.ofHours(1), "UTC");
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, 100L, List.of(now)), clock);

        assertThat(gate.admit(Priority.NORMAL, 50).skipped()).isEqualTo(SkipReason.QUIET_WINDOW);
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.remainingTokens()).hasValue(100);

        clock.advance(Duration.ofHours(1));
        assertThat(gate.admit(Priority.NORMAL, 50).admitted()).isTrue();
    }

    @Test
    void aReloadChangesTheLimitsButKeepsRunsInFlight() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, null, List.of()), clock);
        PoolGate.Admission run = gate.admit(Priority.NORMAL, 10);

        gate.reconfigure(new Pool.Scheduling(2, null, List.of()));

        assertThat(gate.inFlight()).isEqualTo(1);
        assertThat(gate.admit(Priority.NORMAL, 10).admitted()).isTrue();
        assertThat(gate.admit(Priority.NORMAL, 10).skipped()).isEqualTo(SkipReason.CONCURRENCY);
        assertThat(run.admitted()).isTrue();
    }
}
