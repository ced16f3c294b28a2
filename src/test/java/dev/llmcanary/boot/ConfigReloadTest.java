package dev.llmcanary.boot;

import dev.llmcanary.loadprobe.ScenarioHolder;
import dev.llmcanary.schedule.CanaryScheduler;
import dev.llmcanary.testing.PromText;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Reloading when the files change: a good change is picked up, a broken one keeps the last good configuration and
 * says where it is broken, and jobs of unchanged canaries keep their schedule.
 */
@QuarkusTest
@TestProfile(ConfigReloadTest.WatchedCopy.class)
class ConfigReloadTest {

    /** A fixed path: the profile and the test instance live in different class loaders. */
    static final Path DIR = Path.of("target", "reload-test-canaries");
    static final Path SCENARIOS = Path.of("target", "reload-test-scenarios");

    /** Private copies of canaries/ and scenarios/ that the test may change, watched every 100 ms. */
    public static class WatchedCopy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            copyOfShipped(Path.of("canaries"), DIR);
            copyOfShipped(Path.of("scenarios"), SCENARIOS);
            return Map.of("llm-canary.config.dir", DIR.toString(), "llm-canary.config.watch-interval", "100ms",
                    "llm-canary.load-probes.dir", SCENARIOS.toString());
        }
    }

    @Inject
    ConfigReloader reloader;
    @Inject
    CanaryScheduler scheduler;
    @Inject
    ScenarioHolder scenarios;

    @AfterEach
    void cleanUp() throws IOException {
        Files.deleteIfExists(DIR.resolve("extra.yaml"));
        Files.deleteIfExists(DIR.resolve("broken.yaml"));
        Files.deleteIfExists(SCENARIOS.resolve("other-pools.yaml"));
        Files.deleteIfExists(SCENARIOS.resolve("broken.yaml"));
        scheduler.stop();
        reloader.reload();
    }

    private static double reloadGauge() {
        return gauge("llm_canary_config_last_reload_successful");
    }

    private static double gauge(String name) {
        return PromText.find(PromText.parse(given().get("/q/metrics").then().extract().asString()), name)
                .orElseThrow().value();
    }

    @Test
    void aGoodChangeIsPickedUpAndABrokenOneKeepsTheLastGoodConfiguration() throws IOException {
        Files.writeString(DIR.resolve("extra.yaml"), """
                id: extra
                slo_class: interactive
                messages: [{role: user, content: "Say hello."}]
                """);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/canaries").then().body("id", hasItem("extra")));

        Files.writeString(DIR.resolve("broken.yaml"), """
                id: broken
                slo_class: interactive
                messages: [{role: user, content: "Say hello."}]
                colour: blue
                """);
        await().atMost(Duration.ofSeconds(30)).until(() -> reloadGauge() == 0.0);
        assertThat(reloader.lastErrors()).extracting(Object::toString)
                .anyMatch(e -> e.contains("broken.yaml:4:1: colour: unknown key"));
        given().get("/api/canaries").then().body("id", hasItem("extra")).body("id", not(hasItem("broken")));
        given().get("/q/health/ready").then().statusCode(200);

        Files.delete(DIR.resolve("broken.yaml"));
        await().atMost(Duration.ofSeconds(30)).until(() -> reloadGauge() == 1.0);
        assertThat(PromText.find(PromText.parse(given().get("/q/metrics").then().extract().asString()),
                "llm_canary_config_last_reload_timestamp_seconds").orElseThrow().value()).isPositive();
    }

    @Test
    void jobsOfUnchangedCanariesKeepTheirScheduleAcrossAReload() throws IOException {
        scheduler.start();
        var before = scheduler.jobs();
        Files.writeString(DIR.resolve("extra.yaml"), """
                id: extra
                slo_class: interactive
                pools: [sim-h100]
                models: [sim-openai]
                messages: [{role: user, content: "Say hello."}]
                """);
        assertThat(reloader.reload()).isTrue();
        var after = scheduler.jobs();

        assertThat(after).hasSize(before.size() + 1);
        before.forEach((key, job) -> assertThat(after.get(key)).as(key.toString()).isSameAs(job));
        assertThat(after.keySet()).anyMatch(k -> k.canary().equals("extra"));
        long onPool = after.keySet().stream().filter(k -> k.pool().equals("sim-h100")).count();
        assertThat(PromText.find(PromText.parse(given().get("/q/metrics").then().extract().asString()),
                "llm_canary_scheduled_jobs", "pool", "sim-h100").orElseThrow().value()).isEqualTo(onPool);
    }

    /**
     * The case of a cluster that mounts only its own pools: the shipped stairs scenario names sim-h100, which such a
     * deployment does not have. The canaries must still count as loaded, and the scenario as disabled, not broken.
     */
    @Test
    void aScenarioNamingAnUnconfiguredPoolIsDisabledWithoutFailingTheCanaries() throws IOException {
        Files.writeString(SCENARIOS.resolve("other-pools.yaml"), """
                id: b200-stairs
                pool: prod-b200
                model: meta-llama/Llama-3.1-70B-Instruct
                arrival: { type: constant, rate: 2 }
                duration: 10s
                """);
        Files.writeString(DIR.resolve("extra.yaml"), """
                id: extra
                slo_class: interactive
                messages: [{role: user, content: "Say hello."}]
                """);

        assertThat(reloader.reload()).isTrue();

        assertThat(reloadGauge()).isEqualTo(1.0);
        assertThat(gauge("llm_canary_scenarios_last_reload_successful")).isEqualTo(1.0);
        assertThat(gauge("llm_canary_scenarios_disabled")).isEqualTo(1.0);
        assertThat(reloader.lastErrors()).isEmpty();
        assertThat(reloader.disabledScenarios()).extracting(Object::toString).containsExactly(
                SCENARIOS.getFileName() + "/other-pools.yaml:2:7: pool: unknown pool \"prod-b200\" (configured:"
                        + " sim-completions, sim-h100, sim-llamacpp-native, sim-tgi-native, sim-tgi2, sim-triton);"
                        + " scenario disabled");
        assertThat(scenarios.get().find("b200-stairs")).isEmpty();
        assertThat(scenarios.get().find("sim-chat-stairs")).isPresent();
        given().get("/api/canaries").then().body("id", hasItem("extra"));
    }

    @Test
    void aBrokenScenarioFailsTheScenariosStatusOnlyAndKeepsTheLastGoodScenarios() throws IOException {
        Files.writeString(SCENARIOS.resolve("broken.yaml"), """
                id: broken
                pool: sim-h100
                model: sim-openai
                arrival: { type: constant, rate: 2 }
                duration: 10s
                colour: blue
                """);
        Files.writeString(DIR.resolve("extra.yaml"), """
                id: extra
                slo_class: interactive
                messages: [{role: user, content: "Say hello."}]
                """);

        assertThat(reloader.reload()).as("not all of the configuration is in force").isFalse();

        assertThat(reloadGauge()).as("the canaries loaded").isEqualTo(1.0);
        assertThat(gauge("llm_canary_scenarios_last_reload_successful")).isEqualTo(0.0);
        assertThat(reloader.lastErrors()).isEmpty();
        assertThat(reloader.lastScenarioErrors()).extracting(Object::toString)
                .anyMatch(e -> e.endsWith("broken.yaml:6:1: colour: unknown key; allowed: id, description, pool,"
                        + " model, api, prompt_mix, max_prompt_tokens, prompts, max_tokens, arrival, duration,"
                        + " assertions, off_peak, abort, regression"));
        given().get("/api/canaries").then().body("id", hasItem("extra"));
        assertThat(scenarios.get().find("sim-chat-constant")).as("the last good scenarios stay").isPresent();
        assertThat(scenarios.get().find("broken")).isEmpty();

        Files.delete(SCENARIOS.resolve("broken.yaml"));
        assertThat(reloader.reload()).isTrue();
        assertThat(gauge("llm_canary_scenarios_last_reload_successful")).isEqualTo(1.0);
    }

    private static void copyOfShipped(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
