package dev.llmcanary.schedule;

import dev.llmcanary.testing.MutableClock;

import dev.llmcanary.canary.CanaryDefinition.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class TokenBudgetTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));

    static Stream<Arguments> spending() {
        return Stream.of(
                arguments("nothing spent: both run", 0L, true, true),
                arguments("just under the budget: both run", 999L, true, true),
                arguments("budget spent: low stops first, normal runs on", 1000L, false, true),
                arguments("9 % over: normal still runs", 1090L, false, true),
                arguments("10 % over: normal stops too", 1100L, false, false),
                arguments("far over: none run", 5000L, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spending")
    void lowPriorityGivesWayFirstAndNormalStopsTenPercentOver(String name, long spent, boolean low,
                                                               boolean normal) {
        TokenBudget budget = new TokenBudget(1000L, clock);
        budget.reserve(spent);

        assertThat(budget.allows(Priority.LOW)).as("low").isEqualTo(low);
        assertThat(budget.allows(Priority.NORMAL)).as("normal").isEqualTo(normal);
    }

    @Test
    void noBudgetMeansUnlimited() {
        TokenBudget budget = new TokenBudget(null, clock);
        budget.reserve(1_000_000);

        assertThat(budget.allows(Priority.LOW)).isTrue();
        assertThat(budget.remaining()).isEqualTo(OptionalLong.empty());
    }

    @Test
    void aReservationIsCorrectedToWhatTheRunUsed() {
        TokenBudget budget = new TokenBudget(1000L, clock);
        TokenBudget.Charge charge = budget.reserve(256);
        assertThat(budget.remaining()).hasValue(744);

        budget.settle(charge, 40);

        assertThat(budget.spent()).isEqualTo(40);
        assertThat(budget.remaining()).hasValue(960);
    }

    @Test
    void spendingLeavesTheWindowAfterAnHour() {
        TokenBudget budget = new TokenBudget(1000L, clock);
        budget.reserve(900);
        clock.advance(Duration.ofMinutes(30));
        budget.reserve(300);
        assertThat(budget.allows(Priority.LOW)).isFalse();
        assertThat(budget.remaining()).hasValue(0);

        clock.advance(Duration.ofMinutes(30)); // the first charge is now exactly an hour old

        assertThat(budget.spent()).isEqualTo(300);
        assertThat(budget.allows(Priority.LOW)).isTrue();
        assertThat(budget.remaining()).hasValue(700);
    }

    @Test
    void aNewLimitKeepsWhatWasSpent() {
        TokenBudget budget = new TokenBudget(1000L, clock);
        budget.reserve(600);

        budget.limit(500L);

        assertThat(budget.allows(Priority.LOW)).isFalse();
        assertThat(budget.remaining()).hasValue(0);
    }
}
