package dev.llmcanary.api;

import dev.llmcanary.canary.run.RunHistory;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.schedule.CanaryScheduler;
import dev.llmcanary.testing.LogCapture;
import dev.llmcanary.testing.PromText;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What started a run, end to end through the real callers: the scheduler, {@code POST /api/canaries/{id}/runs} and a
 * deployment gate. Each run carries its trigger in its JSON, log line, span, stored row and
 * {@code llm_canary_runs_total}; only scheduled runs count towards SLO compliance and the histograms.
 */
@QuarkusTest
@TestProfile(RunTriggerTest.Profile.class)
class RunTriggerTest {

    /** One pool, a passing canary ticking every second, a failing one for on-demand runs and a gate suite. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm-canary.config.dir", "src/test/resources/trigger-config");
        }
    }

    private static final String TOKEN = "test-token";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    CanaryScheduler scheduler;
    @Inject
    RunHistory history;
    @Inject
    InMemorySpanExporter spans;

    /** Starts one run (or a gate's runs) the way {@code trigger}'s caller does; returns the run ids. */
    private List<String> start(Trigger trigger) {
        return switch (trigger) {
            case SCHEDULE -> scheduledRun();
            case API -> given().auth().oauth2(TOKEN).when().post("/api/canaries/failing/runs?pool=trig")
                    .then().statusCode(200).extract().jsonPath().getList("runs.runId", String.class);
            case GATE -> {
                String id = given().auth().oauth2(TOKEN).contentType(ContentType.JSON)
                        .body("{\"suite\":\"failing-candidate\",\"candidate\":{\"pool\":\"trig\"}}")
                        .when().post("/api/gates?wait=60&failStatus=200").then().statusCode(200)
                        .extract().path("id");
                yield given().when().get("/api/gates/" + id).then().statusCode(200).extract().jsonPath()
                        .getList("runs.runId", String.class);
            }
        };
    }

    /** Lets the scheduler tick until a run of {@code tick} that was not there before has finished. */
    private List<String> scheduledRun() {
        Set<String> before = history.recent("tick", 1000).stream().map(RunResult::runId).collect(Collectors.toSet());
        scheduler.start();
        try {
            return List.of(await().atMost(WAIT).until(() -> history.recent("tick", 1000).stream()
                    .map(RunResult::runId).filter(id -> !before.contains(id)).findFirst().orElse(null),
                    id -> id != null));
        } finally {
            scheduler.stop();
        }
    }

    private static List<PromText.Sample> metrics() {
        return PromText.parse(given().when().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    private static double sum(List<PromText.Sample> m, String name, Map<String, String> labels) {
        return m.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(PromText.Sample::value).sum();
    }

    @ParameterizedTest(name = "{0} run: trigger in the result JSON, log line, span, stored row and runs_total")
    @EnumSource(Trigger.class)
    void everyRunCarriesItsTrigger(Trigger trigger) {
        String label = trigger.label();
        spans.reset();
        try (LogCapture logs = LogCapture.install()) {
            List<String> ids = start(trigger);
            assertThat(ids).isNotEmpty();
            String runId = ids.get(0);
            String canary = trigger == Trigger.SCHEDULE ? "tick" : "failing";

            given().when().get("/api/runs/" + runId).then().statusCode(200)
                    .body("runId", org.hamcrest.Matchers.equalTo(runId))
                    .body("trigger", org.hamcrest.Matchers.equalTo(label));
            await().atMost(WAIT).untilAsserted(() -> assertThat(logs.lines())
                    .filteredOn(l -> l.contains("run_id=" + runId)).singleElement().asString()
                    .contains("trigger=" + label));
            SpanData span = await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                    .filter(s -> runId.equals(s.getAttributes().get(AttributeKey.stringKey("llm_canary.run_id"))))
                    .findFirst().orElse(null), s -> s != null);
            assertThat(span.getAttributes().get(AttributeKey.stringKey("llm_canary.trigger"))).isEqualTo(label);
            // the stored row: the store writes behind the run, so wait for it
            await().atMost(WAIT).untilAsserted(() -> assertThat(given().when()
                    .get("/api/runs?canary=" + canary + "&trigger=" + label + "&limit=1000").then().statusCode(200)
                    .extract().jsonPath().getList("runs.findAll { it.runId == '" + runId + "' }.trigger",
                            String.class)).containsExactly(label));
            assertThat(sum(metrics(), "llm_canary_runs_total", Map.of("canary", canary, "pool", "trig",
                    "trigger", label))).isGreaterThanOrEqualTo(ids.size());
        }
    }

    @Test
    void sloComplianceAndHistogramsCountScheduledRunsOnly() {
        start(Trigger.SCHEDULE);
        List<String> failed = start(Trigger.API);
        failed = new java.util.ArrayList<>(failed);
        failed.addAll(start(Trigger.GATE));
        List<String> failedIds = List.copyOf(failed);
        // every failing run is stored before the SLO figures are read
        await().atMost(WAIT).untilAsserted(() -> assertThat(given().when()
                .get("/api/runs?pool=trig&outcome=fail&limit=1000").then().statusCode(200).extract().jsonPath()
                .getList("runs.runId", String.class)).containsAll(failedIds));

        await().atMost(WAIT).untilAsserted(() -> {
            int scheduled = given().when().get("/api/runs?pool=trig&trigger=schedule&limit=1000").then()
                    .statusCode(200).extract().jsonPath().getList("runs").size();
            int scheduledPassed = given().when().get("/api/runs?pool=trig&trigger=schedule&outcome=pass&limit=1000")
                    .then().statusCode(200).extract().jsonPath().getList("runs").size();
            var slo = given().when().get("/api/slo?window=1h").then().statusCode(200).extract().jsonPath();
            assertThat(slo.getList("slos.findAll { it.pool == 'trig' }.runs", Integer.class))
                    .containsExactly(scheduled);
            assertThat(slo.getList("slos.findAll { it.pool == 'trig' }.goodRuns", Integer.class))
                    .containsExactly(scheduledPassed);
            var fleet = given().when().get("/api/fleet").then().statusCode(200).extract().jsonPath();
            assertThat(fleet.getList("cells.findAll { it.pool == 'trig' }.compliance.runs", Integer.class))
                    .containsExactly(scheduled);
            assertThat(fleet.getList("cells.findAll { it.pool == 'trig' }.compliance.goodRuns", Integer.class))
                    .containsExactly(scheduledPassed);
            // the grid's state is the last scheduled run's, not the failing gate's or on-demand run's after it
            assertThat(fleet.getList("cells.findAll { it.pool == 'trig' }.run.trigger", String.class))
                    .containsExactly("schedule");
        });

        await().atMost(WAIT).untilAsserted(() -> {
            List<PromText.Sample> m = metrics();
            Map<String, String> trig = Map.of("pool", "trig");
            double scheduledRuns = sum(m, "llm_canary_runs_total", Map.of("pool", "trig", "trigger", "schedule"));
            assertThat(sum(m, "llm_canary_runs_total", Map.of("pool", "trig", "trigger", "gate"))).isPositive();
            assertThat(sum(m, "llm_canary_runs_total", Map.of("pool", "trig", "trigger", "api"))).isPositive();
            assertThat(sum(m, "llm_canary_ttft_seconds_count", trig)).isEqualTo(scheduledRuns);
            assertThat(sum(m, "llm_canary_e2e_seconds_count", trig)).isEqualTo(scheduledRuns);
            // a decode rate is withheld when the data cannot support it (too few bursts): count the rates published
            double scheduledRates = given().when().get("/api/runs?pool=trig&trigger=schedule&limit=1000").then()
                    .statusCode(200).extract().jsonPath().getList("runs.outputTokensPerSecond").stream()
                    .filter(java.util.Objects::nonNull).count();
            assertThat(sum(m, "llm_canary_output_tokens_per_second_count", trig)).isEqualTo(scheduledRates);
            assertThat(sum(m, "llm_canary_guardrail_results_total", Map.of("pool", "trig", "result", "fail")))
                    .isZero();
            assertThat(sum(m, "llm_canary_success", Map.of("pool", "trig", "canary", "failing"))).isZero();
            assertThat(m).filteredOn(s -> s.name().equals("llm_canary_success")
                    && "failing".equals(s.labels().get("canary"))).isEmpty();
        });
    }
}
