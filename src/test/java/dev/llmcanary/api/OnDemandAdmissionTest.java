package dev.llmcanary.api;

import dev.llmcanary.boot.EmbeddedSimulator;
import dev.llmcanary.simulator.SimulatorRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On-demand runs obey the pool's limits: concurrent triggers never put more than {@code max_concurrent_canaries}
 * streams on the target, and a trigger the pool's cap or token budget refuses gets 429 with an estimated
 * {@code Retry-After} and a problem+json body, counted in {@code llm_canary_skipped_runs_total} with its reason.
 */
@QuarkusTest
@TestProfile(OnDemandAdmissionTest.Profile.class)
class OnDemandAdmissionTest {

    /** The pools and canaries of {@code src/test/resources/admission-config}. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm-canary.config.dir", "src/test/resources/admission-config");
        }
    }

    private static final int CAP = 3; // the capped pool's max_concurrent_canaries
    private static final int TRIGGERS = 10 * CAP;

    @Inject
    EmbeddedSimulator simulator;
    @Inject
    MeterRegistry registry;
    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private CompletableFuture<HttpResponse<String>> trigger(String canary) {
        return http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/canaries/" + canary + "/runs"))
                .header("Authorization", "Bearer test-token").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private double skipped(String pool, String reason) {
        Counter c = registry.find("llm_canary_skipped_runs").tags("pool", pool, "reason", reason, "trigger", "api")
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void concurrentTriggersNeverPutMoreThanTheCapOnTheTargetAndTheRestGet429() {
        SimulatorRecorder recorder = simulator.server().orElseThrow().recorder();
        recorder.clear();
        double skippedBefore = skipped("capped", "concurrency");

        List<HttpResponse<String>> answers = IntStream.range(0, TRIGGERS).mapToObj(i -> trigger("slow")).toList()
                .stream().map(CompletableFuture::join).toList();

        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isIn(200, 429));
        assertThat(refused).as("triggers over the cap").isNotEmpty();
        assertThat(recorder.peakInFlight()).as("streams on the target at once").isBetween(1, CAP);
        assertThat(refused).allSatisfy(r -> {
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1L, 60L);
            assertThat(r.body()).contains("\"status\":429").contains("\"title\":\"Too Many Requests\"")
                    .contains("pool capped: ").contains("max_concurrent_canaries 3").contains("nothing was started");
        });
        assertThat(skipped("capped", "concurrency") - skippedBefore).isEqualTo(refused.size());
    }

    @Test
    void aTriggerOverThePoolsTokenBudgetGets429UntilTheHourRefills() {
        double skippedBefore = skipped("budgeted", "budget");
        assertThat(trigger("spender").join().statusCode()).isEqualTo(200); // spends more than the 40 tokens

        HttpResponse<String> refused = trigger("spender").join();

        assertThat(refused.statusCode()).isEqualTo(429);
        // The run's tokens leave the rolling hour about an hour after it started.
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(3000L, 3600L);
        assertThat(refused.body()).contains("pool budgeted: its canary_token_budget_per_hour is spent");
        assertThat(skipped("budgeted", "budget") - skippedBefore).isEqualTo(1);
    }
}
