package dev.llmcanary.schedule;

import dev.llmcanary.testing.MutableClock;

import dev.llmcanary.canary.CanaryDefinition.Priority;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.run.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import static org.assertj.core.api.Assertions.assertThat;

class PoolGateTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));

    @Test
    void aTickOverTheConcurrencyCapIsSkippedUntilASlotIsFree() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(2, null, List.of()), clock);
        PoolGate.Admission first = gate.admit(Priority.NORMAL, 10, Trigger.SCHEDULE);
        PoolGate.Admission second = gate.admit(Priority.NORMAL, 10, Trigger.SCHEDULE);

        assertThat(gate.admit(Priority.NORMAL, 10, Trigger.SCHEDULE).skipped()).isEqualTo(SkipReason.CONCURRENCY);

        first.ticket().finish(5L);
        first.ticket().finish(5L); // a second finish must not free a second slot
        assertThat(gate.inFlight()).isEqualTo(1);
        assertThat(gate.admit(Priority.NORMAL, 10, Trigger.SCHEDULE).admitted()).isTrue();
        assertThat(gate.admit(Priority.NORMAL, 10, Trigger.SCHEDULE).skipped()).isEqualTo(SkipReason.CONCURRENCY);
        assertThat(second.admitted()).isTrue();
    }

    @Test
    void theBudgetStopsLowPriorityFirstAndCountsTheRealUse() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(10, 100L, List.of()), clock);
        PoolGate.Admission run = gate.admit(Priority.LOW, 100, Trigger.SCHEDULE); // reserves max_tokens
        assertThat(gate.remainingTokens()).hasValue(0);
        assertThat(gate.admit(Priority.LOW, 10, Trigger.SCHEDULE).skipped()).isEqualTo(SkipReason.BUDGET);

        run.ticket().finish(30L);

        assertThat(gate.remainingTokens()).hasValue(70);
        assertThat(gate.admit(Priority.LOW, 10, Trigger.SCHEDULE).admitted()).isTrue();
    }

    @Test
    void normalPriorityRunsOnUntilTenPercentOver() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(10, 100L, List.of()), clock);
        gate.admit(Priority.NORMAL, 105, Trigger.SCHEDULE).ticket().finish(105L);

        assertThat(gate.admit(Priority.LOW, 1, Trigger.SCHEDULE).skipped()).isEqualTo(SkipReason.BUDGET);
        assertThat(gate.admit(Priority.NORMAL, 5, Trigger.SCHEDULE).admitted()).isTrue();
        assertThat(gate.admit(Priority.NORMAL, 1, Trigger.SCHEDULE).skipped()).isEqualTo(SkipReason.BUDGET);
    }

    @Test
    void aQuietWindowSkipsBeforeAnythingIsCharged() {
        Pool.QuietWindow now = Windows.window("0 10 * * *", Duration.ofHours(1), "UTC");
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, 100L, List.of(now)), clock);

        assertThat(gate.admit(Priority.NORMAL, 50, Trigger.SCHEDULE).skipped()).isEqualTo(SkipReason.QUIET_WINDOW);
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.remainingTokens()).hasValue(100);

        clock.advance(Duration.ofHours(1));
        assertThat(gate.admit(Priority.NORMAL, 50, Trigger.SCHEDULE).admitted()).isTrue();
    }

    @Test
    void aReloadChangesTheLimitsButKeepsRunsInFlight() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, null, List.of()), clock);
        PoolGate.Admission run = gate.admit(Priority.NORMAL, 10, Trigger.SCHEDULE);

        gate.reconfigure(new Pool.Scheduling(2, null, List.of()));

        assertThat(gate.inFlight()).isEqualTo(1);
        assertThat(gate.admit(Priority.NORMAL, 10, Trigger.SCHEDULE).admitted()).isTrue();
        assertThat(gate.admit(Priority.NORMAL, 10, Trigger.SCHEDULE).skipped()).isEqualTo(SkipReason.CONCURRENCY);
        assertThat(run.admitted()).isTrue();
    }

    static Stream<Arguments> slots() {
        return Stream.of(
                arguments("the schedule may fill every slot", 4, 5, Trigger.SCHEDULE, 4),
                arguments("a gate leaves the schedule a slot", 4, 5, Trigger.GATE, 3),
                arguments("an on-demand run leaves the schedule a slot", 4, 5, Trigger.API, 3),
                arguments("a pool without scheduled canaries keeps nothing back", 4, 0, Trigger.API, 4),
                arguments("a pool whose only slot is the schedule's takes no gate run", 1, 1, Trigger.GATE, 0),
                arguments("the schedule still gets a single slot", 1, 1, Trigger.SCHEDULE, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("slots")
    void whoMayFillWhichSlots(String name, int cap, int scheduledJobs, Trigger trigger, int expected) {
        PoolGate gate = new PoolGate(new Pool.Scheduling(cap, null, List.of()), clock);
        gate.scheduledJobs(scheduledJobs);

        assertThat(gate.slots(trigger)).isEqualTo(expected);
        for (int i = 0; i < expected; i++) {
            assertThat(gate.admit(Priority.NORMAL, 1, trigger).admitted()).as("run %d", i + 1).isTrue();
        }
        assertThat(gate.admit(Priority.NORMAL, 1, trigger).skipped()).isEqualTo(SkipReason.CONCURRENCY);
    }

    @Test
    void whileGateAndOnDemandRunsFillTheirShareTheScheduleStillStarts() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(3, null, List.of()), clock);
        gate.scheduledJobs(5);
        gate.admit(Priority.NORMAL, 1, Trigger.GATE);
        gate.admit(Priority.NORMAL, 1, Trigger.API);

        PoolGate.Admission refused = gate.admit(Priority.NORMAL, 1, Trigger.GATE);
        assertThat(refused.skipped()).isEqualTo(SkipReason.CONCURRENCY);
        assertThat(refused.detail()).isEqualTo("2 canary runs in flight, the most gate runs may fill "
                + "(max_concurrent_canaries 3, one slot kept for its scheduled canaries)");
        assertThat(gate.admit(Priority.NORMAL, 1, Trigger.SCHEDULE).admitted()).isTrue();
    }

    @Test
    void aPoolWhoseOnlySlotIsTheSchedulesSaysNoRetryCanHelp() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, null, List.of()), clock);
        gate.scheduledJobs(1);

        PoolGate.Admission a = gate.admit(Priority.NORMAL, 1, Trigger.API);

        assertThat(a.skipped()).isEqualTo(SkipReason.CONCURRENCY);
        assertThat(a.retryAfter()).isNull();
        assertThat(a.detail()).isEqualTo("its only slot (max_concurrent_canaries 1) is kept for its scheduled "
                + "canaries; raise max_concurrent_canaries to run api runs");
    }

    @Test
    void theConcurrencyRetryAfterIsTheShortestRemainingRunInFlight() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(2, null, List.of()), clock);
        PoolGate.Ticket learn = gate.admit(Priority.NORMAL, 1, Trigger.SCHEDULE).ticket();
        clock.advance(Duration.ofSeconds(10));
        learn.finish(1L); // runs here take 10 s
        gate.admit(Priority.NORMAL, 1, Trigger.SCHEDULE);
        clock.advance(Duration.ofSeconds(4));
        gate.admit(Priority.NORMAL, 1, Trigger.SCHEDULE);

        // the older run has about 6 s left, the newer 10 s
        assertThat(gate.admit(Priority.NORMAL, 1, Trigger.API).retryAfter()).isEqualTo(Duration.ofSeconds(6));
        clock.advance(Duration.ofSeconds(30));
        assertThat(gate.admit(Priority.NORMAL, 1, Trigger.API).retryAfter()).as("overdue: soon")
                .isEqualTo(PoolGate.MIN_RETRY);
    }

    @Test
    void onDemandRunsAreHeldToTheBudgetItselfAndToldWhenItRefills() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(10, 100L, List.of()), clock);
        gate.admit(Priority.NORMAL, 60, Trigger.SCHEDULE).ticket().finish(60L);
        clock.advance(Duration.ofMinutes(10));
        gate.admit(Priority.NORMAL, 45, Trigger.SCHEDULE).ticket().finish(45L); // 105: within the 10 % overspend

        assertThat(gate.admit(Priority.NORMAL, 1, Trigger.SCHEDULE).admitted()).isTrue();
        PoolGate.Admission api = gate.admit(Priority.NORMAL, 1, Trigger.API);
        assertThat(api.skipped()).isEqualTo(SkipReason.BUDGET);
        // below 100 once the first 60 leave the hour: 50 minutes from now
        assertThat(api.retryAfter()).isEqualTo(Duration.ofMinutes(50));
        assertThat(gate.admit(Priority.NORMAL, 1, Trigger.GATE).skipped()).isEqualTo(SkipReason.BUDGET);
    }

    @Test
    void aQuietWindowRefusalLastsUntilTheWindowEnds() {
        Pool.QuietWindow now = Windows.window("0 10 * * *", Duration.ofHours(1), "UTC");
        PoolGate gate = new PoolGate(new Pool.Scheduling(4, null, List.of(now)), clock);
        clock.advance(Duration.ofMinutes(20));

        PoolGate.Admission a = gate.admit(Priority.NORMAL, 1, Trigger.API);

        assertThat(a.skipped()).isEqualTo(SkipReason.QUIET_WINDOW);
        assertThat(a.retryAfter()).isEqualTo(Duration.ofMinutes(40));
        assertThat(a.detail()).isEqualTo("in a quiet window until 2026-06-01T11:00:00Z");
    }

    @Test
    void aTicketHandedToTheNextRunKeepsItsSlotAndSettlesEachRun() {
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, 1000L, List.of()), clock);
        PoolGate.Ticket ticket = gate.admit(Priority.NORMAL, 100, Trigger.API).ticket();

        ticket.next(30L, 100);

        assertThat(gate.inFlight()).isEqualTo(1);
        assertThat(gate.remainingTokens()).hasValue(1000 - 30 - 100);
        assertThat(gate.admit(Priority.NORMAL, 1, Trigger.SCHEDULE).skipped()).isEqualTo(SkipReason.CONCURRENCY);
        ticket.finish(20L);
        assertThat(gate.inFlight()).isZero();
        assertThat(gate.remainingTokens()).hasValue(1000 - 30 - 20);
    }
}
