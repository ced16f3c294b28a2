package dev.llmcanary.api;

import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.store.RunStore;
import dev.llmcanary.store.Runs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code GET /api/runs} and {@code /api/slo} over the service's run store (in-memory H2 in tests). */
@QuarkusTest
class RunApiTest {

    @Inject
    RunStore store;

    @Test
    void listingPagesThroughStoredRunsNewestFirst() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RunResult r = Runs.run("api-pages", "sim-h100", "sim-openai", Outcome.PASS, now.minusSeconds(i));
            store.accept(r);
            expected.add(r.runId());
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().queryParam("canary", "api-pages").queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.when().get("/api/runs").then().statusCode(200).extract().response();
            seen.addAll(page.path("runs.runId"));
            cursor = page.path("nextCursor");
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void filtersReachTheStore() {
        Instant now = Instant.now();
        RunResult failed = Runs.run("api-filters", "sim-h100", "sim-vllm", Outcome.FAIL, now);
        store.accept(failed);
        store.accept(Runs.run("api-filters", "sim-h100", "sim-vllm", Outcome.PASS, now.minusSeconds(5)));
        store.accept(Runs.run("api-filters", "sim-h100", "sim-vllm", Outcome.PASS, now.minus(Duration.ofDays(2))));

        given().queryParam("canary", "api-filters").queryParam("outcome", "fail").when().get("/api/runs")
                .then().statusCode(200).body("runs.runId", equalTo(List.of(failed.runId())))
                .body("runs[0].reason", equalTo("ttft 1.2 s > 0.8 s")).body("nextCursor", nullValue());
        given().queryParam("canary", "api-filters").queryParam("since", now.minus(Duration.ofDays(1)).toString())
                .when().get("/api/runs").then().statusCode(200).body("runs.size()", equalTo(2));
    }

    @Test
    void aStoredRunIsServedInFullFromTheStore() {
        RunResult r = Runs.run("api-detail", "sim-h100", "sim-vllm", Outcome.FAIL, Instant.now());
        store.accept(r);

        given().when().get("/api/runs/" + r.runId()).then().statusCode(200)
                .body("runId", equalTo(r.runId())).body("violations[0].rule", equalTo("stall"))
                .body("timeline.tokenChunks.size()", equalTo(3)).body("guardrails[1].reason", equalTo("not JSON at 3"));
    }

    static Stream<Arguments> badListings() {
        return Stream.of(
                arguments("malformed canary", "canary=Bad%20Name", "canary"),
                arguments("malformed pool", "pool=../x", "pool"),
                arguments("malformed endpoint", "endpoint=%20", "endpoint"),
                arguments("malformed model", "model=%3Cm%3E", "model"),
                arguments("unknown outcome", "outcome=maybe", "outcome"),
                arguments("since not an instant", "since=yesterday", "since"),
                arguments("until not an instant", "until=2026-13-01T00:00:00Z", "until"),
                arguments("since not before until", "since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z", "since"),
                arguments("limit 0", "limit=0", "limit"),
                arguments("limit above 1000", "limit=1001", "limit"),
                arguments("cursor not base64url", "cursor=***", "cursor"),
                arguments("cursor not ours", "cursor=aGVsbG8", "cursor"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badListings")
    void badListingParametersAreA400Problem(String name, String query, String mentioned) {
        given().urlEncodingEnabled(false).when().get("/api/runs?" + query).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString(mentioned));
    }

    @Test
    void sloReportComputesComplianceAndBudgetPerTarget() {
        Instant now = Instant.now();
        // streaming class: objective from canaries/slo-classes.yaml
        for (int i = 0; i < 4; i++) {
            store.accept(Runs.run("api-slo", "slo-pool", "slo-model", i < 3 ? Outcome.PASS : Outcome.FAIL,
                    now.minusSeconds(60 + i)));
        }
        store.accept(Runs.run("api-slo", "slo-pool", "slo-model", Outcome.FAIL, now.minus(Duration.ofHours(3))));

        Response r = given().queryParam("window", "1h").when().get("/api/slo").then().statusCode(200)
                .body("window", equalTo("1h")).extract().response();
        String line = "slos.find { it.pool == 'slo-pool' }";
        assertThat(r.<Integer>path(line + ".runs")).isEqualTo(4);
        assertThat(r.<Integer>path(line + ".goodRuns")).isEqualTo(3);
        assertThat(r.<Float>path(line + ".compliance")).isEqualTo(0.75f);
        Number objective = r.path(line + ".objective");
        assertThat(objective).isNotNull();
        // JSON numbers come back as floats here: compare to a thousandth
        double burn = 0.25 / (1 - objective.doubleValue());
        assertThat(r.<Number>path(line + ".burnRate").doubleValue()).isCloseTo(burn, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(r.<Number>path(line + ".errorBudgetRemaining").doubleValue())
                .isCloseTo(1 - burn, org.assertj.core.api.Assertions.within(1e-3));
    }

    @Test
    void unknownSloWindowIsA400Problem() {
        given().queryParam("window", "2h").when().get("/api/slo").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("1h, 24h, 7d or 30d"));
    }
}
