package dev.llmcanary.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The REST surface: listing, running on demand with auth, reading results, and problem+json on bad input. */
@QuarkusTest
class CanaryApiTest {

    private static final String TOKEN = "test-token";

    @Test
    void listsShippedCanariesWithTheirTargets() {
        given().when().get("/api/canaries").then().statusCode(200)
                .body("id", hasItem("count-ordered"))
                .body("find { it.id == 'count-ordered' }.targets.size()", greaterThan(0))
                .body("find { it.id == 'count-ordered' }.sloClass", notNullValue());
    }

    @Test
    void runsACanaryOnDemandAndExplainsTheResult() {
        String runId = given().auth().oauth2(TOKEN)
                .when().post("/api/canaries/count-ordered/runs?pool=sim-h100&model=sim-openai")
                .then().statusCode(200)
                .body("canary", equalTo("count-ordered"))
                .body("outcome", equalTo("pass"))
                .body("runs[0].outcome", equalTo("pass"))
                .body("runs[0].timings.ttft", greaterThan(0f))
                .body("runs[0].timings.interTokenP95", notNullValue())
                .body("runs[0].tokens.output", greaterThan(0))
                .body("runs[0].tokens.outputEstimated", equalTo(false))
                .body("runs[0].guardrails.name", hasItem("ordered_sequence"))
                .body("runs[0].guardrails.passed", everyItem(equalTo(true)))
                .body("runs[0].violations.size()", equalTo(0))
                .extract().path("runs[0].runId");

        given().when().get("/api/runs/" + runId).then().statusCode(200)
                .body("runId", equalTo(runId)).body("pool", equalTo("sim-h100"));
        given().when().get("/api/runs?canary=count-ordered").then().statusCode(200)
                .body("runs.runId", hasItem(runId));
        given().when().get("/api/canaries").then().statusCode(200)
                .body("find { it.id == 'count-ordered' }.targets.find { it.pool == 'sim-h100' && it.model == 'sim-openai' }.last.runId",
                        equalTo(runId));
    }

    static Stream<Arguments> unauthorized() {
        return Stream.of(arguments("no Authorization header", null), arguments("wrong token", "nope"),
                arguments("empty bearer", ""));
    }

    @ParameterizedTest(name = "trigger refused: {0}")
    @MethodSource("unauthorized")
    void triggerRequiresTheToken(String name, String token) {
        var req = given();
        if (token != null) {
            req = req.header("Authorization", "Bearer " + token);
        }
        req.when().post("/api/canaries/count-ordered/runs").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401)).body("title", equalTo("Unauthorized"));
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                arguments("unknown canary", "/api/canaries/no-such-canary/runs", 404, "no canary 'no-such-canary'"),
                arguments("unknown pool", "/api/canaries/count-ordered/runs?pool=nowhere", 400, "no configured pool 'nowhere'"),
                arguments("a URL instead of a pool name", "/api/canaries/count-ordered/runs?pool=http://evil.example/x", 400, "must be a configured pool name"),
                arguments("canary id with path characters", "/api/canaries/..%2Fetc/runs", 400, ""),
                arguments("no target matches", "/api/canaries/count-ordered/runs?pool=sim-h100&model=not-served", 422, "no target"));
    }

    @ParameterizedTest(name = "problem+json: {0}")
    @MethodSource("badRequests")
    void badTriggerRequestsGetProblemJson(String name, String path, int status, String detail) {
        given().auth().oauth2(TOKEN).urlEncodingEnabled(false).when().post(path).then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("detail", containsString(detail));
    }

    @Test
    void unknownRunIsA404Problem() {
        given().when().get("/api/runs/00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no run"));
    }

    @Test
    void malformedRunIdIsA400Problem() {
        given().when().get("/api/runs/not-a-uuid").then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400));
    }

    @Test
    void openApiAndHealthAreServed() {
        given().accept(ContentType.JSON).when().get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/canaries/{id}/runs"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'configuration' }.status", equalTo("UP"));
    }
}
