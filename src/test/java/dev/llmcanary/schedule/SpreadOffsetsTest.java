package dev.llmcanary.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SpreadOffsetsTest {

    private static List<SpreadOffsets.Slot> jobs(int n, long interval, String prefix) {
        return IntStream.range(0, n).mapToObj(i -> new SpreadOffsets.Slot(prefix + "-" + i, interval)).toList();
    }

    static Stream<Arguments> groups() {
        return Stream.of(
                arguments("200 jobs on 60s", 200, 60_000L),
                arguments("7 jobs on 10s", 7, 10_000L),
                arguments("3 jobs on 1s", 3, 1_000L),
                arguments("5 jobs on 1h (jitter capped at 1s)", 5, 3_600_000L));
    }

    @ParameterizedTest(name = "{0}: start times spread evenly across the interval")
    @MethodSource("groups")
    void jobsSharingAnIntervalAreSpreadEvenly(String name, int n, long interval) {
        Map<String, Long> offsets = SpreadOffsets.offsets(jobs(n, interval, "c"));

        List<Long> sorted = offsets.values().stream().sorted().toList();
        long gap = interval / n;
        long maxJitter = Math.min(gap / 10, SpreadOffsets.MAX_JITTER_MILLIS);
        assertThat(sorted).hasSize(n).allSatisfy(o -> assertThat(o).isBetween(0L, interval - 1));
        for (int i = 0; i < n; i++) {
            long evenSlot = interval * i / n;
            assertThat(sorted.get(i)).as("job %d", i).isBetween(evenSlot, evenSlot + maxJitter);
        }
        for (int i = 1; i < n; i++) {
            assertThat(sorted.get(i) - sorted.get(i - 1)).as("gap before job %d", i)
                    .isBetween(gap - maxJitter, gap + maxJitter + 1);
        }
    }

    @Test
    void theSameJobSetGivesTheSameOffsetsWhateverTheOrder() {
        List<SpreadOffsets.Slot> slots = new ArrayList<>(jobs(50, 30_000, "a"));
        Map<String, Long> first = SpreadOffsets.offsets(slots);
        java.util.Collections.reverse(slots);

        assertThat(SpreadOffsets.offsets(slots)).isEqualTo(first);
    }

    @Test
    void eachIntervalIsSpreadOnItsOwn() {
        List<SpreadOffsets.Slot> slots = new ArrayList<>(jobs(4, 60_000, "m"));
        slots.addAll(jobs(2, 10_000, "s"));

        Map<String, Long> offsets = SpreadOffsets.offsets(slots);

        assertThat(offsets.get("s-0")).isBetween(0L, 500L);
        assertThat(offsets.get("s-1")).isBetween(5_000L, 5_500L);
        assertThat(offsets.get("m-3")).isBetween(45_000L, 46_000L);
    }

    static Stream<Arguments> delays() {
        return Stream.of(
                arguments("offset still ahead in this period", 3_000L, 10_000L, 0L, 1_000L, 2_000L),
                arguments("offset passed: wait for the next period", 3_000L, 10_000L, 0L, 4_000L, 9_000L),
                arguments("several periods after the anchor", 3_000L, 10_000L, 0L, 52_000L, 1_000L),
                arguments("exactly at the offset: at least 1 ms", 3_000L, 10_000L, 0L, 3_000L, 1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("delays")
    void aJobAddedLaterTakesItsPlaceInTheSameGrid(String name, long offset, long interval, long anchor, long now,
                                                  long expected) {
        assertThat(SpreadOffsets.delayUntilNext(offset, interval, anchor, now)).isEqualTo(expected);
    }

    static Stream<Arguments> epochDelays() {
        return Stream.of(
                arguments("two replicas started at different times wait for the same wall-clock instant",
                        3_000L, 10_000L, 1_772_366_401_234L, 1_772_366_401_234L + 1_766L),
                arguments("the other replica, started 7 s later", 3_000L, 10_000L, 1_772_366_408_234L,
                        1_772_366_413_000L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("epochDelays")
    void theSpreadIsAnchoredToTheEpoch(String name, long offset, long interval, long now, long nextStart) {
        assertThat(now + SpreadOffsets.delayUntilNext(offset, interval, now)).isEqualTo(nextStart);
    }

    static Stream<Arguments> slots() {
        return Stream.of(
                arguments("exactly at the tick", 1_000L + 5 * 10_000L, 5L),
                arguments("timer fired 30 ms late", 1_000L + 5 * 10_000L + 30, 5L),
                arguments("clock 40 ms behind", 1_000L + 5 * 10_000L - 40, 5L),
                arguments("just under half an interval late", 1_000L + 5 * 10_000L + 4_999, 5L),
                arguments("the next tick", 1_000L + 6 * 10_000L, 6L));
    }

    @ParameterizedTest(name = "slot: {0}")
    @MethodSource("slots")
    void replicasNameATickAlikeDespiteSkew(String name, long now, long expected) {
        assertThat(SpreadOffsets.slot(1_000L, 10_000L, now)).isEqualTo(expected);
    }
}
