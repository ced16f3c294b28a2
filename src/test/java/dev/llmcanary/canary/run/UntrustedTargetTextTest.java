package dev.llmcanary.canary.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.store.RunQueries;
import dev.llmcanary.store.RunStore;
import dev.llmcanary.testing.LogCapture;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A target that echoes the request (key, prompt, personal data) into an in-stream error and into an HTTP 400 body:
 * none of it reaches the log, the run store, the API, the span or the metrics; the 400 says the server's own words.
 * Both runs go through the service's own runner, real client and real sinks.
 */
@QuarkusTest
@TestProfile(EchoTarget.Profile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UntrustedTargetTextTest {

    /** What the echo carries and must never be shown: the key (and a piece of it), the prompt, PII. */
    static final List<String> MARKERS = List.of(EchoTarget.KEY, "5b2a9c4f", "sk-echo", "PROMPT-MARKER", "3f9c1a",
            "4111 1111", "4111111111111111", "jane.doe", "example.com", "ops@example.org", "5555 5555");

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;
    @Inject
    RunStore store;
    @Inject
    RunQueries queries;
    @Inject
    InMemorySpanExporter spans;
    @Inject
    ObjectMapper json;

    private final Map<String, RunResult> runs = new java.util.LinkedHashMap<>();
    private final List<String> logLines = new ArrayList<>();

    @BeforeAll
    void runBothEchoes() throws Exception {
        Catalog c = catalog.get();
        Pool pool = c.pool("echo").orElseThrow();
        try (LogCapture log = LogCapture.install()) {
            for (String id : List.of("echo-stream-error", "echo-status-400")) {
                Target t = new Target(c.canary(id).orElseThrow(), pool, pool.endpoints().get(0), "echo-model");
                runs.put(id, runner.run(t).toCompletableFuture().get(30, TimeUnit.SECONDS));
            }
            logLines.addAll(log.lines());
        }
        assertThat(EchoTarget.lastAuthorization.get()).isEqualTo("Bearer " + EchoTarget.KEY); // the key was sent
        assertThat(store.flush()).isTrue();
    }

    @Test
    void theInStreamErrorIsShownMasked() {
        RunResult r = runs.get("echo-stream-error");
        assertThat(r.reason()).startsWith("stream_error: server error in stream: caller [REDACTED] | Authorization: "
                + "Bearer [REDACTED] | user [EMAIL] card [CARD] | body {\"model\":\"echo-model\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"[prompt]\"}]");
        assertThat(r.reason()).hasSizeLessThanOrEqualTo(UntrustedText.MAX_CHARS + "stream_error: ".length());
    }

    @Test
    void theHttp400SaysTheServersOwnWordsMasked() {
        RunResult r = runs.get("echo-status-400");
        assertThat(r.httpStatus()).isEqualTo(400);
        assertThat(r.reason()).startsWith("http_status: HTTP 400: " + EchoTarget.LLAMA
                + "; echo: caller [REDACTED] | Authorization: Bearer [REDACTED] | user [EMAIL] card [CARD] | body ");
        assertThat(r.violations()).singleElement().satisfies(v ->
                assertThat(v.reason()).startsWith("HTTP 400: " + EchoTarget.LLAMA));
    }

    static Stream<String> places() {
        return Stream.of("run results", "log lines", "run store", "GET /api/runs", "GET /api/runs/{id}",
                "GET /api/fleet", "GET /api/canaries", "GET /metrics", "spans");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("places")
    void noMarkerAppearsIn(String place) throws Exception {
        String text = switch (place) {
            case "run results" -> json.writeValueAsString(runs);
            case "log lines" -> String.join("\n", logLines);
            case "run store" -> {
                List<String> stored = new ArrayList<>();
                for (RunResult r : runs.values()) {
                    stored.add(json.writeValueAsString(queries.get(r.runId()).orElseThrow()));
                }
                yield String.join("\n", stored);
            }
            case "GET /api/runs" -> get("/api/runs?pool=echo");
            case "GET /api/runs/{id}" -> runs.values().stream().map(r -> get("/api/runs/" + r.runId()))
                    .collect(Collectors.joining("\n"));
            case "GET /api/fleet" -> get("/api/fleet");
            case "GET /api/canaries" -> get("/api/canaries");
            case "GET /metrics" -> get("/metrics");
            case "spans" -> spansOfRuns();
            default -> throw new IllegalArgumentException(place);
        };
        assertThat(text).as("%s shows the runs", place).isNotBlank();
        if (!place.equals("GET /metrics")) {
            assertThat(text).as("%s carries the masked reason", place).contains("[REDACTED]");
        }
        for (String marker : MARKERS) {
            assertThat(text).as("%s must not show %s", place, marker).doesNotContain(marker);
        }
    }

    private static String get(String path) {
        return given().when().get(path).then().statusCode(200).extract().asString();
    }

    private String spansOfRuns() {
        List<String> traceIds = runs.values().stream().map(RunResult::traceId).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> traceIds.stream().allMatch(id ->
                spans.getFinishedSpanItems().stream().anyMatch(s -> s.getTraceId().equals(id))));
        return spans.getFinishedSpanItems().stream().filter(s -> traceIds.contains(s.getTraceId()))
                .map(SpanData::toString).collect(Collectors.joining("\n"));
    }
}
