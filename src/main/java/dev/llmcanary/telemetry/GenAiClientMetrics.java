package dev.llmcanary.telemetry;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Endpoint;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunTimings;
import dev.llmcanary.stream.Flavor;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.MeterProvider;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.llmcanary.telemetry.MetricNames.*;
import static dev.llmcanary.telemetry.SpanNames.ERROR_TYPE;
import static dev.llmcanary.telemetry.SpanNames.GEN_AI_OPERATION;
import static dev.llmcanary.telemetry.SpanNames.GEN_AI_PROVIDER;
import static dev.llmcanary.telemetry.SpanNames.GEN_AI_REQUEST_MODEL;
import static dev.llmcanary.telemetry.SpanNames.GEN_AI_RESPONSE_MODEL;
import static dev.llmcanary.telemetry.SpanNames.GEN_AI_TOKEN_TYPE;
import static dev.llmcanary.telemetry.SpanNames.SERVER_ADDRESS;
import static dev.llmcanary.telemetry.SpanNames.SERVER_PORT;

/**
 * Records the OpenTelemetry GenAI client metrics of a scheduled run: {@code gen_ai.client.operation.duration},
 * {@code gen_ai.client.token.usage}, {@code gen_ai.client.operation.time_to_first_chunk} and
 * {@code gen_ai.client.operation.time_per_output_chunk}, with the conventions' attributes and bucket advice, into
 * Micrometer (Prometheus form on {@code /metrics}) and into the OpenTelemetry meter of our scope (OTLP, dotted
 * names; a no-op unless the build enables {@code quarkus.otel.metrics}).
 *
 * <p>Every attribute comes from configuration: the flavor (operation, provider), the configured model, the
 * endpoint's configured URL (server address and port) and our own failure kinds ({@code error.type}). The model the
 * stream named is a target's text, so {@code gen_ai.response.model} is set only when it is exactly the configured
 * model; otherwise it is left out (empty in Prometheus form, where an empty label is no label; the span keeps what
 * the stream said). Micrometer's Prometheus registry wants one set of label names per metric, so an absent
 * {@code error.type} or {@code gen_ai.response.model} is the empty value there and no attribute over OTLP.
 */
final class GenAiClientMetrics {

    private static final String INPUT = "input";
    private static final String OUTPUT = "output";

    private final MeterRegistry registry;
    private final Supplier<Catalog> catalog;
    private final DoubleHistogram duration;
    private final DoubleHistogram firstChunk;
    private final DoubleHistogram perChunk;
    private final LongHistogram tokens;

    /** @param meters the OpenTelemetry meters; the instruments come from our own scope ({@link SpanNames#SCOPE}) */
    GenAiClientMetrics(MeterRegistry registry, Supplier<Catalog> catalog, MeterProvider meters) {
        this.registry = registry;
        this.catalog = catalog;
        io.opentelemetry.api.metrics.Meter meter = meters.get(SpanNames.SCOPE);
        List<Double> seconds = Arrays.stream(HistogramBuckets.GEN_AI_SECONDS).boxed().toList();
        this.duration = meter.histogramBuilder(GEN_AI_OPERATION_DURATION).setUnit("s")
                .setDescription("GenAI operation duration.").setExplicitBucketBoundariesAdvice(seconds).build();
        this.firstChunk = meter.histogramBuilder(GEN_AI_TIME_TO_FIRST_CHUNK).setUnit("s")
                .setDescription("Time to receive the first chunk of the response stream.")
                .setExplicitBucketBoundariesAdvice(seconds).build();
        this.perChunk = meter.histogramBuilder(GEN_AI_TIME_PER_OUTPUT_CHUNK).setUnit("s")
                .setDescription("Time per output chunk after the first.")
                .setExplicitBucketBoundariesAdvice(seconds).build();
        this.tokens = meter.histogramBuilder(GEN_AI_TOKEN_USAGE).ofLongs().setUnit("{token}")
                .setDescription("Number of input and output tokens used.")
                .setExplicitBucketBoundariesAdvice(Arrays.stream(HistogramBuckets.GEN_AI_TOKENS).boxed().toList())
                .build();
    }

    /** The attributes of one run, as configured; {@code responseModel} is {@code ""} unless it is the model. */
    private record Series(String operation, String provider, String model, String responseModel, String address,
                          String port) {

        Tags tags() {
            return Tags.of(GEN_AI_OPERATION.getKey(), operation, GEN_AI_PROVIDER.getKey(), provider,
                    GEN_AI_REQUEST_MODEL.getKey(), model, GEN_AI_RESPONSE_MODEL.getKey(), responseModel,
                    SERVER_ADDRESS.getKey(), address, SERVER_PORT.getKey(), port);
        }

        AttributesBuilder attributes() {
            AttributesBuilder b = Attributes.builder().put(GEN_AI_OPERATION, operation).put(GEN_AI_PROVIDER, provider)
                    .put(GEN_AI_REQUEST_MODEL, model);
            if (!responseModel.isEmpty()) {
                b.put(GEN_AI_RESPONSE_MODEL, responseModel);
            }
            if (!address.isEmpty()) {
                b.put(SERVER_ADDRESS, address).put(SERVER_PORT, Long.parseLong(port));
            }
            return b;
        }
    }

    /** Records a scheduled, judged run; the caller has checked both. */
    void record(RunResult r) {
        Flavor flavor = Flavor.fromId(r.flavor()).orElse(null);
        if (flavor == null) {
            return;
        }
        URI base = baseUrl(r);
        Series s = new Series(GenAi.operation(flavor), GenAi.provider(flavor), r.model(),
                r.model().equals(r.responseModel()) ? r.model() : "", base == null ? "" : base.getHost(),
                base == null ? "" : Integer.toString(GenAi.port(base)));
        Tags tags = s.tags();
        RunTimings t = r.timings();
        // The whole operation as the client saw it: from the request written to the stream closed; for a run that
        // could not start (refused, DNS, TLS, connect timeout), from the attempt's start until it gave up.
        if (r.timeline() != null && r.timeline().closed() != null) {
            String errorType = GenAi.errorType(r);
            double seconds = r.timeline().closed() / 1000;
            timer(GEN_AI_OPERATION_DURATION, "GenAI operation duration",
                    tags.and(ERROR_TYPE.getKey(), errorType == null ? "" : errorType)).record(nanos(seconds),
                    TimeUnit.NANOSECONDS);
            AttributesBuilder a = s.attributes();
            if (errorType != null) {
                a.put(ERROR_TYPE, errorType);
            }
            duration.record(seconds, a.build());
        }
        Attributes attributes = s.attributes().build();
        if (t != null && t.timeToFirstChunk() != null) {
            timer(GEN_AI_TIME_TO_FIRST_CHUNK, "Time to receive the first chunk of the response stream", tags)
                    .record(nanos(t.timeToFirstChunk()), TimeUnit.NANOSECONDS);
            firstChunk.record(t.timeToFirstChunk(), attributes);
        }
        // The observations of llm_canary_inter_token_latency_seconds: none when the gaps were withheld (buffered).
        if (t != null && r.timeline() != null && t.interTokenP50() != null) {
            Timer gaps = timer(GEN_AI_TIME_PER_OUTPUT_CHUNK, "Time per output chunk after the first", tags);
            double[] ticks = r.timeline().tokenChunks();
            for (int i = 1; i < ticks.length; i++) {
                double gap = (ticks[i] - ticks[i - 1]) / 1000;
                gaps.record(nanos(gap), TimeUnit.NANOSECONDS);
                perChunk.record(gap, attributes);
            }
        }
        // Only what the server reported: a chunk count is not a token count.
        if (r.tokens() != null && r.tokens().prompt() != null) {
            tokens(tags, attributes, INPUT, r.tokens().prompt());
        }
        if (r.tokens() != null && !r.tokens().outputEstimated()) {
            tokens(tags, attributes, OUTPUT, r.tokens().output());
        }
    }

    private void tokens(Tags tags, Attributes attributes, String type, long count) {
        DistributionSummary.builder(GEN_AI_TOKEN_USAGE).description("Number of input and output tokens used")
                .tags(tags.and(GEN_AI_TOKEN_TYPE.getKey(), type))
                .serviceLevelObjectives(Arrays.stream(HistogramBuckets.GEN_AI_TOKENS).asDoubleStream().toArray())
                .register(registry).record(count);
        tokens.record(count, attributes.toBuilder().put(GEN_AI_TOKEN_TYPE, type).build());
    }

    /** Registered on use, like the counters, so {@link #retain} may drop a removed target's series at any time. */
    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(SECONDS)
                .register(registry);
    }

    private static final Duration[] SECONDS = Arrays.stream(HistogramBuckets.GEN_AI_SECONDS)
            .mapToObj(s -> Duration.ofNanos(nanos(s))).toArray(Duration[]::new);

    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    /** The endpoint's configured base URL, or {@code null} when the catalog no longer has it. */
    private URI baseUrl(RunResult r) {
        Catalog c = catalog.get();
        if (c == null) {
            return null;
        }
        return c.pool(r.pool()).flatMap(p -> p.endpoints().stream().filter(e -> e.name().equals(r.endpoint()))
                .findFirst()).map(Endpoint::baseUrl).orElse(null);
    }

    /** Drops the Micrometer series of model × server combinations no canary targets any more. */
    void retain(Catalog c) {
        Set<List<String>> live = new HashSet<>();
        for (CanaryDefinition d : c.canaries()) {
            for (Target t : c.targets(d)) {
                URI base = t.endpoint().baseUrl();
                live.add(List.of(t.model(), base.getHost(), Integer.toString(GenAi.port(base))));
            }
        }
        for (String name : List.of(GEN_AI_OPERATION_DURATION, GEN_AI_TIME_TO_FIRST_CHUNK, GEN_AI_TIME_PER_OUTPUT_CHUNK,
                GEN_AI_TOKEN_USAGE)) {
            for (Meter m : registry.find(name).meters()) {
                Meter.Id id = m.getId();
                String address = id.getTag(SERVER_ADDRESS.getKey());
                // a series whose endpoint was already gone when it was recorded has no address: dropped too
                if (address == null || address.isEmpty() || !live.contains(List.of(
                        id.getTag(GEN_AI_REQUEST_MODEL.getKey()), address, id.getTag(SERVER_PORT.getKey())))) {
                    registry.remove(m);
                }
            }
        }
    }
}
