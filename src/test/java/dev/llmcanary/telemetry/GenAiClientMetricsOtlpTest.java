package dev.llmcanary.telemetry;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Endpoint;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.store.Runs;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.testing.Canaries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.llmcanary.telemetry.MetricNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The GenAI client metrics as they leave over OpenTelemetry (OTLP) when the build enables OTel metrics: dotted
 * names, the conventions' units, attributes (absent ones left out, not empty) and explicit bucket advice; fed by
 * scheduled runs only, as on {@code /metrics}.
 */
class GenAiClientMetricsOtlpTest {

    private static final String POOL = "pool-1";
    private static final String MODEL = "model-x";
    private static final List<Double> SECONDS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final MetricsRecorder recorder = new MetricsRecorder(new SimpleMeterRegistry(),
            GenAiClientMetricsOtlpTest::catalog, SdkMeterProvider.builder().registerMetricReader(reader).build());

    private static Catalog catalog() {
        Pool pool = new Pool(POOL, "h100", Flavor.OPENAI_CHAT,
                List.of(new Endpoint("ep-1", URI.create("http://vllm-0.inference:8000"))), List.of(MODEL), null,
                RequireDone.AUTO, Cumulative.AUTO, Map.of());
        SloClass streaming = new SloClass("streaming", new Thresholds(0.8, null, 20.0, 1, 5, 120), 0.99, 0.95);
        return new Catalog(Map.of("streaming", streaming), List.of(pool),
                List.of(Canaries.canary("c1").build(Api.CHAT)), Instant.now());
    }

    /** A run of {@link Runs#run}: 64 output and 12 input tokens reported, three token chunks, closed at 1.504 s. */
    private static RunResult run(Outcome outcome, String responseModel) {
        return Runs.run("c1", POOL, MODEL, outcome, Instant.now()).withResponseModel(responseModel);
    }

    private Map<String, MetricData> collected() {
        return reader.collectAllMetrics().stream()
                .collect(java.util.stream.Collectors.toMap(MetricData::getName, m -> m));
    }

    private static List<HistogramPointData> points(MetricData m) {
        return List.copyOf(m.getHistogramData().getPoints());
    }

    @Test
    void aScheduledRunLeavesWithDottedNamesUnitsAttributesAndBucketAdvice() {
        recorder.accept(run(Outcome.PASS, MODEL));

        Map<String, MetricData> m = collected();
        assertThat(m).containsOnlyKeys(GEN_AI_OPERATION_DURATION, GEN_AI_TIME_TO_FIRST_CHUNK,
                GEN_AI_TIME_PER_OUTPUT_CHUNK, GEN_AI_TOKEN_USAGE);
        Attributes common = Attributes.builder().put("gen_ai.operation.name", "chat")
                .put("gen_ai.provider.name", "openai").put("gen_ai.request.model", MODEL)
                .put("gen_ai.response.model", MODEL).put("server.address", "vllm-0.inference")
                .put("server.port", 8000L).build();
        for (String name : List.of(GEN_AI_OPERATION_DURATION, GEN_AI_TIME_TO_FIRST_CHUNK,
                GEN_AI_TIME_PER_OUTPUT_CHUNK)) {
            MetricData d = m.get(name);
            assertThat(d.getUnit()).as(name).isEqualTo("s");
            assertThat(d.getInstrumentationScopeInfo().getName()).isEqualTo(SpanNames.SCOPE);
            assertThat(points(d)).singleElement().satisfies(p -> {
                assertThat(p.getAttributes()).as(name).isEqualTo(common);
                assertThat(p.getBoundaries()).as(name).isEqualTo(SECONDS);
            });
        }
        assertThat(points(m.get(GEN_AI_OPERATION_DURATION)).get(0).getSum()).isEqualTo(1.504);
        assertThat(points(m.get(GEN_AI_TIME_TO_FIRST_CHUNK)).get(0).getSum()).isEqualTo(0.02);
        assertThat(points(m.get(GEN_AI_TIME_PER_OUTPUT_CHUNK)).get(0).getCount()).isEqualTo(2);

        MetricData tokens = m.get(GEN_AI_TOKEN_USAGE);
        assertThat(tokens.getUnit()).isEqualTo("{token}");
        assertThat(tokens.getHistogramData().getPoints()).extracting(
                        p -> p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type")),
                        HistogramPointData::getSum)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("input", 12.0),
                        org.assertj.core.groups.Tuple.tuple("output", 64.0));
        assertThat(tokens.getHistogramData().getPoints()).allSatisfy(p -> assertThat(p.getBoundaries())
                .containsExactly(1d, 4d, 16d, 64d, 256d, 1024d, 4096d, 16384d, 65536d, 262144d, 1048576d, 4194304d,
                        16777216d, 67108864d));
    }

    static Stream<Arguments> responseModels() {
        return Stream.of(
                arguments("the configured model", MODEL, MODEL),
                arguments("another model (the target's text): left out", "model-x-INJECTED", null),
                arguments("none named by the stream: left out", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responseModels")
    void theResponseModelIsAnAttributeOnlyWhenItIsTheConfiguredModel(String name, String said, String expected) {
        recorder.accept(run(Outcome.PASS, said));

        assertThat(points(collected().get(GEN_AI_OPERATION_DURATION))).singleElement().satisfies(p -> assertThat(
                p.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo(expected));
    }

    @Test
    void aFailedRunsDurationCarriesErrorTypeTheOtherTimesDoNot() {
        recorder.accept(run(Outcome.FAIL, MODEL));

        Map<String, MetricData> m = collected();
        assertThat(points(m.get(GEN_AI_OPERATION_DURATION))).singleElement().satisfies(p -> assertThat(
                p.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("stall"));
        assertThat(points(m.get(GEN_AI_TIME_TO_FIRST_CHUNK))).singleElement().satisfies(p -> assertThat(
                p.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull());
    }

    @ParameterizedTest(name = "{0} run: nothing recorded")
    @EnumSource(value = Trigger.class, names = {"API", "GATE"})
    void gateAndOnDemandRunsRecordNothing(Trigger trigger) {
        recorder.accept(run(Outcome.PASS, MODEL).withTrigger(trigger));

        assertThat(reader.collectAllMetrics()).isEmpty();
    }
}
