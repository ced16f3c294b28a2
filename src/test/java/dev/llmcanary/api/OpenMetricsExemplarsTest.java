package dev.llmcanary.api;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class OpenMetricsExemplarsTest {

    static final String EX = " # {trace_id=\"abc\",span_id=\"def\"} 1.0 1795621163.457";

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("histogram _count loses its exemplar", "a_seconds_count{pool=\"p\"} 3.0" + EX, "a_seconds_count{pool=\"p\"} 3.0"),
                Arguments.of("histogram _sum loses its exemplar", "a_seconds_sum 3.0" + EX, "a_seconds_sum 3.0"),
                Arguments.of("_bucket keeps it", "a_seconds_bucket{le=\"1.0\"} 3.0" + EX, "a_seconds_bucket{le=\"1.0\"} 3.0" + EX),
                Arguments.of("counter _total keeps it", "runs_total{pool=\"p\"} 3.0" + EX, "runs_total{pool=\"p\"} 3.0" + EX),
                Arguments.of("comments and plain samples unchanged", "# HELP x y\nx 1.0\n# EOF\n", "# HELP x y\nx 1.0\n# EOF\n"),
                Arguments.of("several lines, last without newline", "a_count 1" + EX + "\nb_total 2" + EX + "\nc_count 3" + EX,
                        "a_count 1\nb_total 2" + EX + "\nc_count 3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void keepsExemplarsOnlyWhereOpenMetricsAllowsThem(String name, String in, String expected) {
        assertThat(OpenMetricsExemplars.keepAllowed(in)).isEqualTo(expected);
    }
}
