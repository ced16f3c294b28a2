package dev.llmcanary.boot;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Starting on an invalid configuration: the service stays up, readiness is down (so no traffic and no canaries),
 * the reload gauge says 0, and the API answers 503 problems instead of failing oddly.
 */
@QuarkusTest
@TestProfile(BrokenConfigTest.Broken.class)
class BrokenConfigTest {

    /** Points the service at a folder with several invalid files. */
    public static class Broken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm-canary.config.dir", "src/test/resources/config/several-errors");
        }
    }

    @Test
    void readinessIsDownWithAReason() {
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'configuration' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'configuration' }.data.reason", containsString("file:line"));
    }

    @Test
    void apiAnswersProblemsUntilAConfigurationLoads() {
        given().when().get("/api/canaries").then().statusCode(503).contentType("application/problem+json")
                .body("detail", containsString("no valid configuration"));
    }

    @Test
    void reloadGaugeSaysTheLastLoadFailed() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("llm_canary_config_last_reload_successful 0.0"));
    }
}
