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
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FigureMapperTest {

    private static final PrometheusText PARSER = new PrometheusText(PrometheusText.DEFAULT_MAX_SERIES);

    private static FigureMapper.Mapped map(MetricsDialect d, Map<Figure, FigureRule> overrides, String page,
                                           Map<Figure, double[]> previous) throws Exception {
        FigureMapper mapper = new FigureMapper(d, overrides);
        var names = mapper.names();
        return mapper.map(PARSER.parse(page, names::contains, mapper.prefixes()), previous);
    }

    static Stream<Arguments> dialects() {
        return Stream.of(
                arguments("vllm", MetricsDialect.VLLM, Pages.VLLM, Map.of("requests_running", 4.0,
                        "requests_waiting", 37.0, "kv_cache_usage_ratio", 0.98, "queue_time_seconds", 1.25)),
                arguments("tgi", MetricsDialect.TGI, Pages.TGI, Map.of("requests_running", 8.0,
                        "requests_waiting", 5.0, "queue_time_seconds", 0.5)),
                arguments("llamacpp", MetricsDialect.LLAMACPP, Pages.LLAMACPP, Map.of("requests_running", 1.0,
                        "requests_waiting", 0.0, "kv_cache_usage_ratio", 0.25)),
                // pending summed over models; queue time 5 s over 100 requests; the busiest GPU; memory summed
                arguments("triton", MetricsDialect.TRITON, Pages.TRITON, Map.of("requests_waiting", 3.0,
                        "queue_time_seconds", 0.05, "gpu_utilization_ratio", 0.9, "gpu_memory_used_bytes", 3e10)),
                arguments("auto recognizes vllm", MetricsDialect.AUTO, Pages.VLLM, Map.of("requests_running", 4.0,
                        "requests_waiting", 37.0, "kv_cache_usage_ratio", 0.98, "queue_time_seconds", 1.25)),
                arguments("auto recognizes triton", MetricsDialect.AUTO, Pages.TRITON, Map.of("requests_waiting",
                        3.0, "queue_time_seconds", 0.05, "gpu_utilization_ratio", 0.9, "gpu_memory_used_bytes", 3e10)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dialects")
    void shippedMappingPerDialect(String name, MetricsDialect d, String page, Map<String, Double> expected)
            throws Exception {
        FigureMapper.Mapped m = map(d, Map.of(), page, Map.of());

        assertThat(m.figures().keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(m.figures().get(k)).as(k).isCloseTo(v, within(1e-9)));
    }

    @Test
    void figuresComeInFigureOrder() throws Exception {
        assertThat(map(MetricsDialect.VLLM, Map.of(), Pages.VLLM, Map.of()).figures().keySet())
                .containsExactly("requests_running", "requests_waiting", "kv_cache_usage_ratio", "queue_time_seconds");
    }

    @Test
    void vllmsNewerKvCacheGaugeIsPreferred() throws Exception {
        String page = "vllm:kv_cache_usage_perc 0.4\nvllm:gpu_cache_usage_perc 0.9\n";

        assertThat(map(MetricsDialect.VLLM, Map.of(), page, Map.of()).figures())
                .containsEntry("kv_cache_usage_ratio", 0.4);
    }

    @Test
    void queueTimeIsTheMeanSinceThePreviousScrape() throws Exception {
        Map<Figure, double[]> previous = Map.of(Figure.QUEUE_TIME_SECONDS, new double[] {2.5, 8});

        // 12.5 - 2.5 seconds over 10 - 8 requests
        assertThat(map(MetricsDialect.VLLM, Map.of(), Pages.VLLM, previous).figures())
                .containsEntry("queue_time_seconds", 5.0);
    }

    @Test
    void noRequestFinishedSinceThePreviousScrapeMeansNoQueueTime() throws Exception {
        Map<Figure, double[]> previous = Map.of(Figure.QUEUE_TIME_SECONDS, new double[] {12.5, 10});

        assertThat(map(MetricsDialect.VLLM, Map.of(), Pages.VLLM, previous).figures())
                .doesNotContainKey("queue_time_seconds");
    }

    @Test
    void aCounterResetFallsBackToTheMeanSinceStart() throws Exception {
        Map<Figure, double[]> previous = Map.of(Figure.QUEUE_TIME_SECONDS, new double[] {500, 400});

        FigureMapper.Mapped m = map(MetricsDialect.VLLM, Map.of(), Pages.VLLM, previous);

        assertThat(m.figures()).containsEntry("queue_time_seconds", 1.25);
        assertThat(m.counters().get(Figure.QUEUE_TIME_SECONDS)).containsExactly(12.5, 10.0);
    }

    @Test
    void poolOverridesReplaceShippedRules() throws Exception {
        Map<Figure, FigureRule> overrides = Map.of(
                Figure.KV_CACHE_USAGE_RATIO, new FigureRule.Gauge(List.of("my_kv_percent"), 0.01),
                Figure.REQUESTS_WAITING, FigureRule.Gauge.of("missing_first", "vllm:num_preemptions_total"));
        String page = Pages.VLLM + "my_kv_percent 42\n";

        FigureMapper.Mapped m = map(MetricsDialect.VLLM, overrides, page, Map.of());

        assertThat(m.figures()).containsEntry("kv_cache_usage_ratio", 0.42).containsEntry("requests_waiting", 3.0)
                .containsEntry("requests_running", 4.0);
    }

    @Test
    void autoWithNoKnownServerOnThePageFails() {
        assertThatThrownBy(() -> map(MetricsDialect.AUTO, Map.of(), "process_cpu_seconds_total 3\n", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no vllm, tgi, llamacpp or triton metrics on the page");
    }

    @Test
    void aPageOfAnotherServerGivesNoFigures() throws Exception {
        assertThat(map(MetricsDialect.TGI, Map.of(), Pages.VLLM, Map.of()).figures()).isEmpty();
    }
}
