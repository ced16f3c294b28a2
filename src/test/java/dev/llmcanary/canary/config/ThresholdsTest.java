package dev.llmcanary.canary.config;

import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.canary.Thresholds;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@link Thresholds#tightenedBy}: overrides replace only what they set, and never loosen a limit. */
class ThresholdsTest {

    private static final Thresholds CLASS = new Thresholds(1.0, 2.0, 20.0, 2, 10, 120);
    private static final Thresholds NO_LATENCY = new Thresholds(null, null, null, 5, 30, 120);

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("null overrides keep the class", CLASS, null, CLASS),
                arguments("empty overrides keep the class", CLASS, ThresholdOverrides.none(), CLASS),
                arguments("stricter ttft replaces it", CLASS, new ThresholdOverrides(0.5, null, null, null, null, null),
                        new Thresholds(0.5, 2.0, 20.0, 2, 10, 120)),
                arguments("stricter e2e, stall, abort and timeout replace them", CLASS,
                        new ThresholdOverrides(null, 1.5, null, 1.0, 4.0, 30.0),
                        new Thresholds(1.0, 1.5, 20.0, 1, 4, 30)),
                arguments("higher tokens/s floor replaces it", CLASS,
                        new ThresholdOverrides(null, null, 40.0, null, null, null),
                        new Thresholds(1.0, 2.0, 40.0, 2, 10, 120)),
                arguments("a looser ttft is ignored", CLASS, new ThresholdOverrides(3.0, null, null, null, null, null),
                        CLASS),
                arguments("a lower tokens/s floor is ignored", CLASS,
                        new ThresholdOverrides(null, null, 5.0, null, null, null), CLASS),
                arguments("looser stall, abort and timeout are ignored", CLASS,
                        new ThresholdOverrides(null, null, null, 9.0, 99.0, 999.0), CLASS),
                arguments("a limit the class lacks is added", NO_LATENCY,
                        new ThresholdOverrides(0.8, 3.0, 10.0, null, null, null),
                        new Thresholds(0.8, 3.0, 10.0, 5, 30, 120)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tightens(String name, Thresholds base, ThresholdOverrides overrides, Thresholds expected) {
        assertThat(base.tightenedBy(overrides)).isEqualTo(expected);
    }

    static Stream<Arguments> timeouts() {
        return Stream.of(
                arguments("ttft threshold: first token and headers at 10 x ttft", CLASS, 10.0, 10.0),
                arguments("10 x ttft above the total: the total", new Thresholds(20.0, null, null, 2, 10, 120),
                        120.0, 120.0),
                arguments("no ttft threshold: 10 x e2e", new Thresholds(null, 2.0, null, 2, 10, 120), 20.0, 20.0),
                arguments("no latency threshold: the total", NO_LATENCY, 120.0, 120.0),
                arguments("explicit first token, headers follow it",
                        new Thresholds(1.0, 2.0, null, 2, 10, 120, null, 4.0), 4.0, 4.0),
                arguments("explicit headers within the derived first token",
                        new Thresholds(1.0, 2.0, null, 2, 10, 120, 3.0, null), 10.0, 3.0),
                arguments("a canary's tighter total caps both",
                        CLASS.tightenedBy(new ThresholdOverrides(null, null, null, null, null, 5.0)), 5.0, 5.0),
                arguments("a canary's tighter ttft tightens the derived ones",
                        CLASS.tightenedBy(new ThresholdOverrides(0.2, null, null, null, null, null)), 2.0, 2.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeouts")
    void derivesPhaseTimeouts(String name, Thresholds t, double firstToken, double headers) {
        assertThat(t.firstTokenTimeout()).isEqualTo(firstToken);
        assertThat(t.headersTimeout()).isEqualTo(headers);
    }
}
