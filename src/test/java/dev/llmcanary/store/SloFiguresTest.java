package dev.llmcanary.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SloFiguresTest {

    // compliance = good/runs; burn = (1 - compliance) / (1 - objective); remaining = 1 - burn
    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("all good", 200, 200, 0.99, 1.0, 1.0, 0.0),
                arguments("exactly on objective", 1000, 995, 0.995, 0.995, 0.0, 1.0),
                arguments("half the budget spent", 1000, 995, 0.99, 0.995, 0.5, 0.5),
                arguments("overspent goes negative", 100, 97, 0.99, 0.97, -2.0, 3.0),
                arguments("nothing good", 10, 0, 0.9, 0.0, -9.0, 10.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void figuresFollowTheErrorBudgetArithmetic(String name, long runs, long good, double objective,
                                               double compliance, double remaining, double burn) {
        SloFigures f = SloFigures.of(new SloCount("p", "m", "c", runs, good), objective);

        assertThat(f.compliance()).isCloseTo(compliance, within(1e-9));
        assertThat(f.errorBudgetRemaining()).isCloseTo(remaining, within(1e-9));
        assertThat(f.burnRate()).isCloseTo(burn, within(1e-9));
        assertThat(f.runs()).isEqualTo(runs);
        assertThat(f.goodRuns()).isEqualTo(good);
    }

    static Stream<Arguments> noBudget() {
        return Stream.of(arguments("objective unknown", null), arguments("objective 1 leaves no budget", 1.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noBudget")
    void budgetFiguresAreAbsentWithoutABudget(String name, Double objective) {
        SloFigures f = SloFigures.of(new SloCount("p", "m", "c", 4, 3), objective);

        assertThat(f.compliance()).isEqualTo(0.75);
        assertThat(f.errorBudgetRemaining()).isNull();
        assertThat(f.burnRate()).isNull();
    }
}
