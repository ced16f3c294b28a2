package dev.llmcanary.telemetry;

import dev.llmcanary.boot.CatalogHolder;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.testing.Canaries;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricExporter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The GenAI client metrics leave over OpenTelemetry when the build enables OTel metrics: a service built with
 * {@code quarkus.otel.metrics.enabled=true} exports them with their dotted names, units, attributes and bucket advice
 * (an in-memory exporter stands in for the OTLP one).
 */
@QuarkusTest
@TestProfile(GenAiClientMetricsOtlpExportTest.OtelMetrics.class)
class GenAiClientMetricsOtlpExportTest {

    /** OTel metrics on (a build-time setting, hence a profile of its own), exported every 100 ms. */
    public static class OtelMetrics implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.metrics.enabled", "true", "quarkus.otel.metric.export.interval", "100ms");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(InMemoryMetrics.class);
        }
    }

    /** The exporter the service's OTel SDK exports to in this profile (instead of OTLP). */
    @Alternative
    @ApplicationScoped
    public static class InMemoryMetrics {
        private final InMemoryMetricExporter exporter = InMemoryMetricExporter.create();

        @Produces
        @Singleton
        @Alternative
        MetricExporter metricExporter() {
            return exporter;
        }

        InMemoryMetricExporter exporter() {
            return exporter;
        }
    }

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;
    @Inject
    InMemoryMetrics metrics;

    private Optional<MetricData> exported(String name) {
        List<MetricData> items = metrics.exporter().getFinishedMetricItems();
        return items.stream().filter(m -> m.getName().equals(name))
                .filter(m -> !m.getHistogramData().getPoints().isEmpty()).reduce((a, b) -> b);
    }

    @Test
    void aScheduledRunsGenAiMetricsLeaveWithDottedNamesUnitsAndBucketAdvice() throws Exception {
        var r = runner.run(Canaries.canary("otlp").profile("ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=40;usage=separate")
                .on(catalog.get(), "sim-h100", "sim-openai"), Trigger.SCHEDULE).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        MetricData duration = await().atMost(Duration.ofSeconds(20))
                .until(() -> exported(MetricNames.GEN_AI_OPERATION_DURATION), Optional::isPresent).orElseThrow();
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(duration.getInstrumentationScopeInfo().getName()).isEqualTo(SpanNames.SCOPE);
        HistogramPointData p = duration.getHistogramData().getPoints().iterator().next();
        assertThat(p.getBoundaries()).containsExactly(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
                10.24, 20.48, 40.96, 81.92);
        assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("sim-openai");
        assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("sim-openai");
        assertThat(p.getAttributes().get(AttributeKey.longKey("server.port"))).isPositive();
        MetricData tokens = await().atMost(Duration.ofSeconds(20))
                .until(() -> exported(MetricNames.GEN_AI_TOKEN_USAGE), Optional::isPresent).orElseThrow();
        assertThat(tokens.getUnit()).isEqualTo("{token}");
        // the gaps are withheld when a starved machine read the answer in one burst: then there is no per-chunk time
        List<String> times = r.timings().interTokenP50() == null ? List.of(MetricNames.GEN_AI_TIME_TO_FIRST_CHUNK)
                : List.of(MetricNames.GEN_AI_TIME_TO_FIRST_CHUNK, MetricNames.GEN_AI_TIME_PER_OUTPUT_CHUNK);
        for (String name : times) {
            assertThat(await().atMost(Duration.ofSeconds(20)).until(() -> exported(name), Optional::isPresent)
                    .orElseThrow().getUnit()).as(name).isEqualTo("s");
        }
    }
}
