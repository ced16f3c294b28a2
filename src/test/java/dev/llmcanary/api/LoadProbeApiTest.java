package dev.llmcanary.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code /api/load-probes} over the running service: permissions, override limits, and one short real probe in a
 * child JVM against the embedded simulator (summary parsed, verdict computed, report served, metrics published).
 */
@QuarkusTest
class LoadProbeApiTest {

    private static final String ADMIN = "Bearer test-admin-token";
    private static final String TRIGGER = "Bearer test-token";

    static Stream<Arguments> auth() {
        return Stream.of(
                arguments("no token", null, 401, "a valid admin bearer token is required for load probes"),
                arguments("wrong token", "Bearer nope", 401, "a valid admin bearer token is required for load probes"),
                arguments("trigger token", TRIGGER, 403, "load probes need the admin token; the trigger token only runs canaries"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("auth")
    void startingNeedsTheAdminToken(String name, String header, int status, String detail) {
        var req = given().contentType("application/json").body("{\"scenario\":\"api-probe\"}");
        if (header != null) {
            req.header("Authorization", header);
        }
        req.when().post("/api/load-probes").then().statusCode(status)
                .contentType("application/problem+json").body("detail", equalTo(detail));
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                arguments("rate over the limit", "{\"scenario\":\"api-probe\",\"rate\":500}", 400,
                        "rate must be greater than 0 and at most 20.0 (llm-canary.load-probes.max-rate), got 500.0"),
                arguments("zero rate", "{\"scenario\":\"api-probe\",\"rate\":0}", 400,
                        "rate must be greater than 0 and at most 20.0 (llm-canary.load-probes.max-rate), got 0.0"),
                arguments("duration over the limit", "{\"scenario\":\"api-probe\",\"duration\":\"2h\"}", 400,
                        "duration must be greater than 0 and at most 900s (llm-canary.load-probes.max-duration), got 7200s"),
                arguments("malformed duration", "{\"scenario\":\"api-probe\",\"duration\":\"soon\"}", 400,
                        "duration must look like 30s, 5m or 1h, got \"soon\""),
                arguments("no scenario", "{}", 400, "body must name a scenario: {\"scenario\": \"id\"}"),
                arguments("unknown scenario", "{\"scenario\":\"nope\"}", 404, "unknown scenario \"nope\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void rejectsBadOverrides(String name, String body, int status, String detail) {
        given().header("Authorization", ADMIN).contentType("application/json").body(body)
                .when().post("/api/load-probes").then().statusCode(status)
                .contentType("application/problem+json").body("detail", equalTo(detail));
    }

    @Test
    void aShortProbeRunsReportsProgressAndIsJudgedStoredAndServed() {
        Response started = given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"scenario\":\"api-probe\",\"duration\":\"3s\"}")
                .when().post("/api/load-probes").then().statusCode(202)
                .header("Location", containsString("/api/load-probes/")).body("state", equalTo("running"))
                .extract().response();
        String id = started.path("id");
        assertThat(metric("llm_loadprobe_active{pool=\"sim-h100\"}")).isEqualTo("1.0");
        assertThat(metric("llm_loadprobe_active{pool=\"sim-completions\"}")).isEqualTo("0.0");

        // canary results on the pool while the probe runs are marked (and stored with the mark)
        String runId = given().header("Authorization", TRIGGER)
                .post("/api/canaries/count-ordered/runs?pool=sim-h100&model=sim-openai").then().statusCode(200)
                .body("runs[0].duringLoadProbe", equalTo(true)).extract().path("runs[0].runId");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/runs/" + runId).then()
                .statusCode(200).body("duringLoadProbe", equalTo(true)));

        // the list shows it first while it runs, with its progress
        given().get("/api/load-probes").then().statusCode(200).body("probes[0].id", equalTo(id))
                .body("probes[0].state", equalTo("running")).body("probes[0].progress.totalSeconds", equalTo(3.0f))
                .body("probes[0]", not(hasKey("summary")));

        // a second probe on the same pool waits its turn
        given().header("Authorization", ADMIN).contentType("application/json").body("{\"scenario\":\"api-probe\"}")
                .when().post("/api/load-probes").then().statusCode(409);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                !"running".equals(given().get("/api/load-probes/" + id).path("state")));
        Response done = given().get("/api/load-probes/" + id).then().statusCode(200).extract().response();
        assertThat(done.<String>path("state")).isEqualTo("done");
        assertThat(done.<String>path("verdict")).isEqualTo("pass");
        assertThat(done.<Boolean>path("baseline")).isTrue();
        assertThat(done.<Integer>path("summary.kinds.chat.count")).isBetween(12, 18);
        // what was asked of the runner (the scenario's constant 5/s) is kept beside what it achieved
        assertThat(done.<Float>path("summary.targetRate")).isEqualTo(5.0f);
        assertThat(done.<Integer>path("progress.requests")).isBetween(12, 18);
        assertThat(done.<java.util.List<String>>path("verdictDetail.comparisons.name")).contains("ttft_p95_seconds");
        assertThat(done.<String>path("report")).isEqualTo("/api/load-probes/" + id + "/report/");

        given().get("/api/load-probes/" + id + "/report/").then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("api-probe"));
        given().get("/api/load-probes/" + id + "/report/no-such-file.js").then().statusCode(404);
        given().get("/api/load-probes?limit=1").then().statusCode(200).body("probes.size()", equalTo(1))
                .body("probes[0].id", equalTo(id)).body("probes[0].verdict", equalTo("pass"))
                .body("probes[0].report", equalTo("/api/load-probes/" + id + "/report/"));

        assertThat(metric("llm_loadprobe_active{pool=\"sim-h100\"}")).isEqualTo("0.0");
        assertThat(metric("llm_loadprobe_runs_total{pool=\"sim-h100\",scenario=\"api-probe\",verdict=\"pass\"}"))
                .isEqualTo("1.0");
        assertThat(metric("llm_loadprobe_achieved_rate{pool=\"sim-h100\",scenario=\"api-probe\"}")).isNotNull();

        // promoting a baseline is admin work too
        given().header("Authorization", TRIGGER).post("/api/load-probes/" + id + "/baseline").then().statusCode(403);
        given().header("Authorization", ADMIN).post("/api/load-probes/" + id + "/baseline").then().statusCode(200)
                .body("baseline", equalTo(true));
        // after the probe, canary results are no longer marked
        given().header("Authorization", TRIGGER)
                .post("/api/canaries/count-ordered/runs?pool=sim-h100&model=sim-openai").then().statusCode(200)
                .body("runs[0].duringLoadProbe", equalTo(false));
        // the admin token triggers canary runs too
        given().header("Authorization", ADMIN)
                .post("/api/canaries/count-ordered/runs?pool=sim-h100&model=sim-openai").then().statusCode(200);
    }

    static Stream<Arguments> badListLimits() {
        return Stream.of(arguments("limit 0", "limit=0"), arguments("limit above 100", "limit=101"));
    }

    @ParameterizedTest(name = "probe list {0} is a 400 problem")
    @MethodSource("badListLimits")
    void badListLimitsAreA400Problem(String name, String query) {
        given().get("/api/load-probes?" + query).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("limit"));
    }

    @Test
    void unknownProbeIs404AndMalformedIdIs400() {
        given().get("/api/load-probes/00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/load-probes/x").then().statusCode(400).contentType("application/problem+json");
    }

    private static String metric(String series) {
        // OpenMetrics renders label sets without the text format's trailing comma
        String body = given().accept("application/openmetrics-text").get("/q/metrics").then().statusCode(200)
                .extract().asString();
        return body.lines().filter(l -> l.startsWith(series + " ")).map(l -> l.substring(series.length() + 1))
                .findFirst().orElse(null);
    }
}
