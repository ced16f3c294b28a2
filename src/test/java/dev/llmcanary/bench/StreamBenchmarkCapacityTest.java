package dev.llmcanary.bench;

import dev.llmcanary.bench.StreamBenchmark.Capacity;
import dev.llmcanary.bench.StreamBenchmark.Level;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The benchmark's capacity search: which measured level is the capacity, and which level it tries next. */
class StreamBenchmarkCapacityTest {

    private static final Capacity BOUND = new Capacity(0.5, 5, 2);

    private static Level level(int concurrency, double p50, double p99) {
        return new Level(concurrency, concurrency * 10, p50, p99, concurrency * 100.0);
    }

    static Stream<Arguments> searches() {
        return Stream.of(
                arguments("every level within: the highest is the capacity, nothing to narrow",
                        List.of(level(100, 0.04, 0.3), level(1000, 0.05, 4.9)), 1000, -1),
                arguments("p99 over the bound at 2000: halfway between 1000 and 2000 next",
                        List.of(level(1000, 0.05, 3), level(2000, 0.07, 5.1)), 1000, 1500),
                arguments("p50 over the bound counts as a miss too",
                        List.of(level(1000, 0.05, 3), level(2000, 0.6, 4)), 1000, 1500),
                arguments("the lowest miss above the best bounds the gap, not the highest",
                        List.of(level(1000, 0.05, 3), level(5000, 78, 231), level(2000, 69, 178)), 1000, 1500),
                arguments("a noisy miss below a pass does not lower the capacity",
                        List.of(level(1000, 0.05, 7), level(2000, 0.07, 4), level(5000, 9, 90)), 2000, 3500),
                arguments("nothing within: search from zero", List.of(level(100, 1, 9)), -1, 50),
                arguments("adjacent levels: no gap left", List.of(level(10, 0.1, 1), level(11, 1, 9)), 10, -1),
                arguments("a level without streams is never within", List.of(new Level(100, 0, 0, 0, 0)), -1, 50));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("searches")
    void findsTheHighestLevelWithinTheBoundAndHalvesTheGapAboveIt(String name, List<Level> levels, int capacity,
                                                                   int next) {
        assertThat(BOUND.best(levels).map(Level::concurrency).orElse(-1)).isEqualTo(capacity);
        assertThat(BOUND.nextLevel(levels)).isEqualTo(next);
    }
}
