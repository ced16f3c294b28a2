package dev.llmcanary.api;

import dev.llmcanary.schedule.EndpointChecks;
import dev.llmcanary.testing.PromText;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The pools API and the endpoint checks behind it, against the embedded simulator the shipped pools point at. */
@QuarkusTest
class PoolApiTest {

    private static final String TOKEN = "test-token";
    private static final List<String> SIM_H100_MODELS =
            List.of("sim-openai", "sim-vllm", "sim-sglang", "sim-ollama", "sim-tgi3", "sim-llamacpp");

    @Inject
    EndpointChecks checks;

    @Test
    void listsTheSimulatorPoolsWithoutUrlsOrKeys() {
        String body = given().when().get("/api/pools").then().statusCode(200)
                .body("name", hasItems("sim-h100", "sim-completions", "sim-tgi-native", "sim-triton",
                        "sim-llamacpp-native"))
                .body("find { it.name == 'sim-h100' }.flavor", equalTo("openai-chat"))
                .body("find { it.name == 'sim-h100' }.deviceType", equalTo("h100"))
                .body("find { it.name == 'sim-h100' }.models", equalTo(SIM_H100_MODELS))
                .body("find { it.name == 'sim-h100' }.endpoints.name", equalTo(List.of("sim-0")))
                .body("find { it.name == 'sim-h100' }.endpoints[0]", not(hasKey("url")))
                .extract().asString();
        assertThat(body).doesNotContain("127.0.0.1").doesNotContain("://");
    }

    static Stream<Arguments> unauthorized() {
        return Stream.of(arguments("no Authorization header", null), arguments("wrong token", "nope"));
    }

    @ParameterizedTest(name = "check refused: {0}")
    @MethodSource("unauthorized")
    void checksRequireTheToken(String name, String token) {
        var req = given();
        if (token != null) {
            req = req.header("Authorization", "Bearer " + token);
        }
        req.when().post("/api/pools/sim-h100/checks").then().statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401)).body("title", equalTo("Unauthorized"));
    }

    @Test
    void checkingAPoolReportsHealthyEndpointsServingEveryModel() {
        given().auth().oauth2(TOKEN).when().post("/api/pools/sim-h100/checks").then().statusCode(200)
                .body("pool", equalTo("sim-h100"))
                .body("endpoints.name", equalTo(List.of("sim-0")))
                .body("endpoints[0].health.healthy", equalTo(true))
                .body("endpoints[0].health.reason", equalTo(null))
                .body("endpoints[0].health.modelsServed.keySet()", equalTo(new java.util.LinkedHashSet<>(SIM_H100_MODELS)))
                .body("endpoints[0].health.modelsServed.values()", everyItem(equalTo(true)))
                .body("endpoints[0].health.modelsReason", equalTo(null));

        given().when().get("/api/pools").then().statusCode(200)
                .body("find { it.name == 'sim-h100' }.endpoints[0].health.healthy", equalTo(true));
    }

    @Test
    void checkedEndpointsArePublishedAsGauges() {
        given().auth().oauth2(TOKEN).when().post("/api/pools/sim-h100/checks").then().statusCode(200);

        List<PromText.Sample> m = PromText.parse(given().when().get("/q/metrics").then().statusCode(200)
                .extract().asString());
        assertThat(PromText.find(m, "llm_canary_endpoint_up", "pool", "sim-h100", "endpoint", "sim-0")).get()
                .extracting(PromText.Sample::value).isEqualTo(1.0);
        assertThat(PromText.find(m, "llm_canary_model_served", "pool", "sim-h100", "endpoint", "sim-0",
                "model", "sim-vllm")).get().extracting(PromText.Sample::value).isEqualTo(1.0);
    }

    @Test
    void checkNowCoversEveryPoolAndChecksModelsOnlyForOpenAiFlavors() throws Exception {
        List<EndpointChecks.Result> results = checks.checkNow().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(results).extracting(EndpointChecks.Result::pool).contains("sim-h100", "sim-tgi2",
                "sim-completions", "sim-tgi-native", "sim-triton", "sim-llamacpp-native");
        assertThat(results).allSatisfy(r -> assertThat(r.health().healthy()).as(r.pool()).isTrue());
        Map<String, EndpointChecks.Result> byPool = results.stream()
                .collect(java.util.stream.Collectors.toMap(EndpointChecks.Result::pool, r -> r));
        assertThat(byPool.get("sim-completions").health().modelsServed()).containsExactlyEntriesOf(
                Map.of("sim-openai", true));
        for (String nativePool : List.of("sim-tgi-native", "sim-triton", "sim-llamacpp-native")) {
            assertThat(byPool.get(nativePool).health().modelsServed()).as(nativePool).isEmpty();
            assertThat(byPool.get(nativePool).health().modelsReason()).as(nativePool).contains("not checked");
        }
        given().when().get("/api/pools").then().statusCode(200)
                .body("find { it.name == 'sim-triton' }.endpoints[0].health.healthy", equalTo(true));
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                arguments("unknown pool", "/api/pools/nowhere/checks", 404, "no pool 'nowhere'"),
                arguments("pool name with path characters", "/api/pools/..%2Fetc/checks", 400, ""),
                arguments("pool name with upper case", "/api/pools/SIM-H100/checks", 400, "must be a configured pool name"));
    }

    @ParameterizedTest(name = "problem+json: {0}")
    @MethodSource("badRequests")
    void badCheckRequestsGetProblemJson(String name, String path, int status, String detail) {
        given().auth().oauth2(TOKEN).urlEncodingEnabled(false).when().post(path).then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("detail", containsString(detail));
    }
}
