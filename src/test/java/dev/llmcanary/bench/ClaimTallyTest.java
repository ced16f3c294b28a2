package dev.llmcanary.bench;

import dev.llmcanary.bench.ClaimTally.Totals;
import dev.llmcanary.bench.ClaimTally.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.llmcanary.bench.ClaimTally.Verdict.IN_DOUBT;
import static dev.llmcanary.bench.ClaimTally.Verdict.TAKEN;
import static dev.llmcanary.bench.ClaimTally.Verdict.WON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The claim benchmark's duplicate and missed slots, counted as the service's policy would run them. */
class ClaimTallyTest {

    record Claim(String slot, Verdict verdict) {
    }

    private static Claim c(String slot, Verdict v) {
        return new Claim(slot, v);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("one winner per slot: neither duplicate nor missed",
                        List.of(c("a", WON), c("a", TAKEN), c("a", TAKEN), c("b", TAKEN), c("b", WON)),
                        new Totals(2, 0, 0, 2, 3, 0, 0)),
                arguments("a winner and a replica in doubt both run it: duplicate",
                        List.of(c("a", WON), c("a", IN_DOUBT), c("a", TAKEN), c("b", WON)),
                        new Totals(2, 1, 0, 2, 1, 1, 0)),
                arguments("in doubt alone still runs it: not missed",
                        List.of(c("a", IN_DOUBT), c("a", TAKEN), c("b", WON)),
                        new Totals(2, 0, 0, 1, 1, 1, 0)),
                arguments("everyone told taken: missed",
                        List.of(c("a", TAKEN), c("a", TAKEN), c("b", WON)),
                        new Totals(2, 0, 1, 1, 2, 0, 0)),
                arguments("a due slot nobody claimed (the tick never fired): missed",
                        List.of(c("a", WON)),
                        new Totals(2, 0, 1, 1, 0, 0, 0)),
                arguments("a slot claimed that was not due is counted apart",
                        List.of(c("a", WON), c("b", WON), c("z", WON)),
                        new Totals(2, 0, 0, 3, 0, 0, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void countsDuplicateAndMissedSlots(String name, List<Claim> claims, Totals expected) {
        ClaimTally tally = new ClaimTally();
        claims.forEach(x -> tally.record(x.slot(), x.verdict()));

        assertThat(tally.totals(Set.of("a", "b"))).isEqualTo(expected);
    }
}
