package dev.llmcanary.boot;

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

    /** A private copy of canaries/ that the test may change, watched every 100 ms. */
    public static class WatchedCopy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            copyOfShippedCanaries();
            return Map.of("llm-canary.config.dir", DIR.toString(), "llm-canary.config.watch-interval", "100ms");
        }
    }

    @Inject
    ConfigReloader reloader;
    @Inject
    CanaryScheduler scheduler;

    @AfterEach
    void cleanUp() throws IOException {
        Files.deleteIfExists(DIR.resolve("extra.yaml"));
        Files.deleteIfExists(DIR.resolve("broken.yaml"));
        scheduler.stop();
        reloader.reload();
    }

    private static double reloadGauge() {
        return PromText.find(PromText.parse(given().get("/q/metrics").then().extract().asString()),
                "llm_canary_config_last_reload_successful").orElseThrow().value();
    }

    @Test
    void aGoodChangeIsPickedUpAndABrokenOneKeepsTheLastGoodConfiguration() throws IOException {
        Files.writeString(DIR.resolve("extra.yaml"), """
                id: extra
                slo_class: interactive
                messages: [{role: user, content: "Say hello."}]
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().get("/api/canaries").then().body("id", hasItem("extra")));

        Files.writeString(DIR.resolve("broken.yaml"), """
                id: broken
                slo_class: interactive
                messages: [{role: user, content: "Say hello."}]
                colour: blue
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> reloadGauge() == 0.0);
        assertThat(reloader.lastErrors()).extracting(Object::toString)
                .anyMatch(e -> e.contains("broken.yaml:4:1: colour: unknown key"));
        given().get("/api/canaries").then().body("id", hasItem("extra")).body("id", not(hasItem("broken")));
        given().get("/q/health/ready").then().statusCode(200);

        Files.delete(DIR.resolve("broken.yaml"));
        await().atMost(Duration.ofSeconds(10)).until(() -> reloadGauge() == 1.0);
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

    private static void copyOfShippedCanaries() {
        try {
            Files.createDirectories(DIR);
            try (Stream<Path> files = Files.list(Path.of("canaries"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, DIR.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
