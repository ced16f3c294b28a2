package dev.llmcanary.telemetry;

import dev.llmcanary.boot.CatalogHolder;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.PromText;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The OpenTelemetry GenAI client metrics as Prometheus scrapes them from {@code /metrics}: the conventions' names in
 * Prometheus form with their units, the conventions' attributes and bucket advice, {@code error.type} on failures,
 * and fed by scheduled runs only.
 */
@QuarkusTest
class GenAiClientMetricsTest {

    /** 40 tokens, one a chunk, usage reported: 39 gaps between token chunks. */
    private static final String FAST = "ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=40;usage=separate";
    private static final String DURATION = "gen_ai_client_operation_duration_seconds";
    private static final String FIRST_CHUNK = "gen_ai_client_operation_time_to_first_chunk_seconds";
    private static final String PER_CHUNK = "gen_ai_client_operation_time_per_output_chunk_seconds";
    private static final String TOKENS = "gen_ai_client_token_usage";
    /** The conventions' advice for the three time histograms, as Prometheus writes the edges. */
    private static final List<String> SECONDS_EDGES = List.of("0.01", "0.02", "0.04", "0.08", "0.16", "0.32", "0.64",
            "1.28", "2.56", "5.12", "10.24", "20.48", "40.96", "81.92", "+Inf");
    private static final List<String> TOKEN_EDGES = List.of("1.0", "4.0", "16.0", "64.0", "256.0", "1024.0",
            "4096.0", "16384.0", "65536.0", "262144.0", "1048576.0", "4194304.0", "1.6777216E7", "6.7108864E7",
            "+Inf");

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;

    private RunResult run(Canaries c, Trigger trigger) throws Exception {
        Target t = c.on(catalog.get(), "sim-h100", "sim-openai");
        return runner.run(t, trigger).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The attributes every series of a sim-h100 / sim-openai run carries, in Prometheus form. */
    private String[] series(String... more) {
        URI base = catalog.get().pool("sim-h100").orElseThrow().endpoints().get(0).baseUrl();
        String[] common = {"gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", "sim-openai", "server_address", base.getHost(),
                "server_port", Integer.toString(base.getPort())};
        String[] all = java.util.Arrays.copyOf(common, common.length + more.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return all;
    }

    private static List<PromText.Sample> scrape() {
        return PromText.parse(given().header("Accept", TelemetryContractTest.PROMETHEUS_ACCEPT).when().get("/metrics")
                .then().statusCode(200).extract().asString());
    }

    private static double value(List<PromText.Sample> m, String name, String... labels) {
        return PromText.find(m, name, labels).map(PromText.Sample::value).orElse(0.0);
    }

    private static double sum(List<PromText.Sample> m, String name) {
        return m.stream().filter(s -> s.name().equals(name)).mapToDouble(PromText.Sample::value).sum();
    }

    @Test
    void aScheduledRunFeedsAllFourWithTheConventionsNamesUnitsAttributesAndBuckets() throws Exception {
        String[] plain = series("gen_ai_response_model", "sim-openai");
        String[] input = series("gen_ai_response_model", "sim-openai", "gen_ai_token_type", "input");
        String[] output = series("gen_ai_response_model", "sim-openai", "gen_ai_token_type", "output");
        List<PromText.Sample> before = scrape();

        RunResult r = run(Canaries.canary("genai-pass").profile(FAST), Trigger.SCHEDULE);
        List<PromText.Sample> after = scrape();

        // a pass has no error.type (the empty label); on a starved machine the run may fail (buffered_delivery),
        // and then it carries that
        String errorType = GenAi.errorType(r) == null ? "" : GenAi.errorType(r);
        String[] ok = series("gen_ai_response_model", "sim-openai", "error_type", errorType);
        assertThat(value(after, DURATION + "_count", ok) - value(before, DURATION + "_count", ok)).isEqualTo(1);
        assertThat(value(after, DURATION + "_sum", ok) - value(before, DURATION + "_sum", ok)).isPositive();
        assertThat(value(after, FIRST_CHUNK + "_count", ok) - value(before, FIRST_CHUNK + "_count", ok))
                .as("time to first chunk carries no error.type").isZero();
        assertThat(value(after, FIRST_CHUNK + "_count", plain) - value(before, FIRST_CHUNK + "_count", plain))
                .isEqualTo(1);
        // one per gap between the 40 token chunks, unless the gaps were withheld (one burst: no measurement)
        int gaps = r.timings().interTokenP50() == null ? 0 : r.timeline().tokenChunks().length - 1;
        assertThat(value(after, PER_CHUNK + "_count", plain) - value(before, PER_CHUNK + "_count", plain))
                .isEqualTo(gaps);
        assertThat(value(after, TOKENS + "_count", output) - value(before, TOKENS + "_count", output)).isEqualTo(1);
        assertThat(value(after, TOKENS + "_sum", output) - value(before, TOKENS + "_sum", output)).isEqualTo(40);
        assertThat(value(after, TOKENS + "_sum", input) - value(before, TOKENS + "_sum", input))
                .isEqualTo((double) r.tokens().prompt());
        // the conventions' explicit bucket advice, exactly
        for (String name : List.of(DURATION, FIRST_CHUNK, PER_CHUNK)) {
            assertThat(edges(after, name + "_bucket", plain)).as(name).isEqualTo(SECONDS_EDGES);
        }
        assertThat(edges(after, TOKENS + "_bucket", output)).isEqualTo(TOKEN_EDGES);
        // units, in Prometheus form: the base unit as the name's suffix (_seconds) for the three times; none for
        // tokens ({token} is an annotation, which Prometheus naming drops); all four are histograms
        String page = given().header("Accept", TelemetryContractTest.PROMETHEUS_ACCEPT).when().get("/metrics")
                .then().extract().asString();
        assertThat(page).contains("# TYPE " + DURATION + " histogram", "# TYPE " + FIRST_CHUNK + " histogram",
                "# TYPE " + PER_CHUNK + " histogram", "# TYPE " + TOKENS + " histogram");
        assertThat(page).doesNotContain("gen_ai_client_token_usage_token", "gen_ai_client_operation_duration_bucket");
    }

    private static List<String> edges(List<PromText.Sample> m, String name, String... labels) {
        return m.stream().filter(s -> s.name().equals(name))
                .filter(s -> PromText.find(List.of(s), name, labels).isPresent())
                .map(s -> s.labels().get("le")).distinct().toList();
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments("stream without [DONE]", "no_done", "missing_done"),
                arguments("HTTP 500 answer", "status:500", "http_status"),
                arguments("stall past the threshold", "stall@3:700", "stall"));
    }

    @ParameterizedTest(name = "{0}: error.type {2}")
    @MethodSource("failures")
    void aFailedScheduledRunsDurationCarriesItsErrorType(String name, String fault, String errorType)
            throws Exception {
        String[] failed = series("error_type", errorType);
        List<PromText.Sample> before = scrape();

        RunResult r = run(Canaries.canary("genai-fail").profile(FAST).fault(fault)
                .thresholds(new dev.llmcanary.canary.ThresholdOverrides(null, null, null, 0.3, 5.0, null)),
                Trigger.SCHEDULE);
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        List<PromText.Sample> after = scrape();

        assertThat(value(after, DURATION + "_count", failed) - value(before, DURATION + "_count", failed))
                .isEqualTo(1);
    }

    @Test
    void aRunThatCouldNotConnectIsAnOperationWithItsTransportErrorType() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        var sim = catalog.get().pool("sim-h100").orElseThrow();
        var nowhere = new dev.llmcanary.canary.Pool("nowhere", "cpu", sim.flavor(),
                List.of(new dev.llmcanary.canary.Endpoint("nowhere-0", URI.create("http://127.0.0.1:" + closed))),
                List.of("m-refused"), null, sim.requireDone(), sim.cumulative(), Map.of());
        var d = Canaries.canary("genai-refused").build(dev.llmcanary.canary.Api.CHAT);
        String[] refused = {"gen_ai_request_model", "m-refused", "error_type", "connection_refused"};
        List<PromText.Sample> before = scrape();

        RunResult r = runner.run(new Target(d, nowhere, nowhere.endpoints().get(0), "m-refused"), Trigger.SCHEDULE)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        List<PromText.Sample> after = scrape();

        // from the attempt's start until it gave up: a measured span of time, not a made-up zero
        assertThat(value(after, DURATION + "_count", refused) - value(before, DURATION + "_count", refused))
                .isEqualTo(1);
        assertThat(value(after, DURATION + "_sum", refused) - value(before, DURATION + "_sum", refused))
                .isPositive();
        assertThat(value(after, FIRST_CHUNK + "_count", "gen_ai_request_model", "m-refused")).isZero();
    }

    @ParameterizedTest(name = "{0} run: no GenAI client observation")
    @EnumSource(value = Trigger.class, names = {"API", "GATE"})
    void gateAndOnDemandRunsDoNotFeedThem(Trigger trigger) throws Exception {
        List<PromText.Sample> before = scrape();

        RunResult r = run(Canaries.canary("genai-" + trigger.label()).profile(FAST), trigger);
        assertThat(r.trigger()).isEqualTo(trigger);
        List<PromText.Sample> after = scrape();

        for (String name : List.of(DURATION + "_count", FIRST_CHUNK + "_count", PER_CHUNK + "_count",
                TOKENS + "_count")) {
            assertThat(sum(after, name)).as(name).isEqualTo(sum(before, name));
        }
        // ... while the run itself is counted, with its trigger
        assertThat(sum(after, "llm_canary_runs_total") - sum(before, "llm_canary_runs_total")).isEqualTo(1);
    }

    @Test
    void everyGenAiSeriesIsLabelledFromConfigurationOnly() throws Exception {
        run(Canaries.canary("genai-labels").profile(FAST), Trigger.SCHEDULE);
        Map<String, String> allowed = Map.of("gen_ai_operation_name", "chat|text_completion",
                "gen_ai_provider_name", "openai|tgi|triton|llama\\.cpp", "gen_ai_token_type", "input|output");
        assertThat(scrape()).filteredOn(s -> s.name().startsWith("gen_ai_")).isNotEmpty().allSatisfy(s -> {
            assertThat(s.labels().keySet()).isSubsetOf("gen_ai_operation_name", "gen_ai_provider_name",
                    "gen_ai_request_model", "gen_ai_response_model", "server_address", "server_port", "error_type",
                    "gen_ai_token_type", "le");
            allowed.forEach((k, v) -> {
                if (s.labels().containsKey(k)) {
                    assertThat(s.labels().get(k)).as(k).matches(v);
                }
            });
            // the response model is a target's text: only ever the configured model, or nothing
            assertThat(s.labels().getOrDefault("gen_ai_response_model", ""))
                    .isIn("", s.labels().get("gen_ai_request_model"));
        });
    }
}
