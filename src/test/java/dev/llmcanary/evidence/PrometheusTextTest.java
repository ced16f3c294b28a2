package dev.llmcanary.evidence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PrometheusTextTest {

    private static final PrometheusText PARSER = new PrometheusText(100);
    private static final List<String> PREFIXES = List.of("vllm:", "tgi_", "llamacpp:", "nv_");

    static Stream<Arguments> dialectPages() {
        return Stream.of(
                arguments("vllm", Pages.VLLM, "vllm:num_requests_waiting", 37.0, "vllm:", 8),
                arguments("tgi", Pages.TGI, "tgi_queue_size", 5.0, "tgi_", 6),
                arguments("llamacpp", Pages.LLAMACPP, "llamacpp:kv_cache_usage_ratio", 0.25, "llamacpp:", 4),
                arguments("triton", Pages.TRITON, "nv_inference_pending_request_count", 3.0, "nv_", 10));
    }

    @ParameterizedTest(name = "{0} exposition")
    @MethodSource("dialectPages")
    void eachDialectsPageParses(String name, String page, String metric, double sum, String prefix, int series)
            throws Exception {
        Exposition e = PARSER.parse(page, n -> true, PREFIXES);

        assertThat(e.sum(metric)).isEqualTo(sum);
        assertThat(e.prefixesSeen()).containsExactly(prefix);
        assertThat(e.series()).isEqualTo(series);
        assertThat(e.skippedLines()).isZero();
    }

    static Stream<Arguments> lines() {
        return Stream.of(
                arguments("gauge without labels", "up 1", "up", Map.of(), 1.0),
                arguments("counter with labels", "x_total{a=\"1\",b=\"two\"} 7", "x_total", Map.of("a", "1", "b", "two"), 7.0),
                arguments("histogram bucket with +Inf le", "h_bucket{le=\"+Inf\"} 10", "h_bucket", Map.of("le", "+Inf"), 10.0),
                arguments("escaped label value", "m{path=\"a\\\"b\\\\c\\nd\"} 2", "m", Map.of("path", "a\"b\\c\nd"), 2.0),
                arguments("trailing comma in labels", "m{a=\"1\",} 3", "m", Map.of("a", "1"), 3.0),
                arguments("timestamp after value", "m 4 1700000000000", "m", Map.of(), 4.0),
                arguments("scientific notation", "m 1.5e9", "m", Map.of(), 1.5e9),
                arguments("positive infinity", "m +Inf", "m", Map.of(), Double.POSITIVE_INFINITY),
                arguments("colon in name", "vllm:x 0.5", "vllm:x", Map.of(), 0.5),
                arguments("CRLF line end", "m 6\r", "m", Map.of(), 6.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void sampleLines(String name, String line, String metric, Map<String, String> labels, double value)
            throws Exception {
        Exposition e = PARSER.parse(line + "\n", n -> true, PREFIXES);

        assertThat(e.samples()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo(metric);
            assertThat(s.labels()).isEqualTo(labels);
            assertThat(s.value()).isEqualTo(value);
        });
    }

    static Stream<Arguments> junk() {
        return Stream.of(
                arguments("no value", "metric_without_value"),
                arguments("value not a number", "m abc"),
                arguments("unterminated labels", "m{a=\"1\" 3"),
                arguments("unquoted label value", "m{a=1} 3"),
                arguments("name starting with a digit", "9m 1"),
                arguments("too many fields", "m 1 2 3"),
                arguments("html", "<html><body>oops</body></html>"));
    }

    @ParameterizedTest(name = "junk line skipped: {0}")
    @MethodSource("junk")
    void junkLinesAreSkippedAndCounted(String name, String line) throws Exception {
        Exposition e = PARSER.parse("good 1\n" + line + "\n# a comment\n\n", n -> true, PREFIXES);

        assertThat(e.samples()).extracting(Sample::name).containsExactly("good");
        assertThat(e.skippedLines()).isEqualTo(1);
    }

    @Test
    void onlyTheAskedNamesAreKeptButAllAreCounted() throws Exception {
        Exposition e = PARSER.parse(Pages.VLLM, "vllm:num_requests_waiting"::equals, PREFIXES);

        assertThat(e.samples()).extracting(Sample::name).containsExactly("vllm:num_requests_waiting");
        assertThat(e.types()).containsExactly(Map.entry("vllm:num_requests_waiting", "gauge"));
        assertThat(e.series()).isEqualTo(8);
    }

    @Test
    void typesOfCountersGaugesAndHistogramsAreRead() throws Exception {
        Exposition e = PARSER.parse(Pages.VLLM, n -> true, PREFIXES);

        assertThat(e.types()).containsEntry("vllm:num_requests_running", "gauge")
                .containsEntry("vllm:num_preemptions_total", "counter")
                .containsEntry("vllm:request_queue_time_seconds", "histogram");
    }

    @Test
    void aPageOverTheSeriesCapIsRefused() {
        String page = "m{i=\"x\"} 1\n".repeat(101);

        assertThatThrownBy(() -> PARSER.parse(page, n -> true, PREFIXES))
                .isInstanceOf(PrometheusText.TooLarge.class).hasMessage("metrics page has over 100 series");
    }

    @Test
    void nanSamplesDoNotCount() throws Exception {
        Exposition e = PARSER.parse("m{a=\"1\"} NaN\nm{a=\"2\"} 2\n", n -> true, PREFIXES);

        assertThat(e.sum("m")).isEqualTo(2.0);
        assertThat(e.sum("absent")).isNull();
    }
}
