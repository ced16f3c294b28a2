package dev.llmcanary.boot;

import dev.llmcanary.boot.schedule.EndpointGuard;
import dev.llmcanary.boot.schedule.EndpointGuards;
import dev.llmcanary.boot.schedule.JobTicker;
import dev.llmcanary.boot.schedule.PoolGate;
import dev.llmcanary.boot.schedule.SkipReason;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.PromText;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * The endpoint guard end to end: real runs against the embedded simulator open the breaker of a failing endpoint,
 * the scheduler's tick is then skipped as {@code circuit_open}, the pools API and the gauge show it, a passing run
 * after the delay closes it, and a 429's {@code Retry-After} reaches the guard as a field of the result.
 */
@QuarkusTest
@TestProfile(EndpointGuardFlowTest.ShortBreaker.class)
class EndpointGuardFlowTest {

    /** 5 ms between tokens: a healthy pace that a loaded machine cannot squeeze into one read (buffered_delivery). */
    private static final String FAST = "ttft_ms=0;itl_ms=5;jitter_ms=0;tokens=8";
    private static final String POOL = "sim-h100";
    private static final String ENDPOINT = "sim-0";

    /**
     * Two failures of two open the breaker, which half-opens after 15 s: short, but longer than the checks made while it
     * is open take even on a starved machine (at 5 s a loaded run once found it half-open already).
     */
    public static class ShortBreaker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm-canary.breaker.request-volume", "2", "llm-canary.breaker.delay", "15s");
        }
    }

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;
    @Inject
    EndpointGuards guards;
    @Inject
    Clock clock;

    private RunResult run(Canaries c) throws Exception {
        return runner.run(c.on(catalog.get(), POOL, "sim-openai")).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void failingEndpointOpensItsBreakerSchedulerSkipsItAndAPassingProbeClosesIt() throws Exception {
        for (int i = 0; i < 2; i++) {
            RunResult r = run(Canaries.canary("ft-503").profile(FAST).fault("status:503"));
            assertThat(r.httpStatus()).isEqualTo(503);
        }
        EndpointGuard guard = guards.guard(POOL, ENDPOINT);
        assertThat(guard.circuit()).isEqualTo(EndpointGuard.Circuit.OPEN);

        // The scheduler's decision for a job on that endpoint (the same ticker and gate its jobs use).
        List<SkipReason> skips = new ArrayList<>();
        PoolGate gate = new PoolGate(catalog.get().pool(POOL).orElseThrow().scheduling(), clock);
        Optional<SkipReason> skipped = new JobTicker(skips::add).tick(guard, gate, CanaryDefinition.Priority.NORMAL,
                64, () -> CompletableFuture.completedFuture(0L));
        assertThat(skipped).contains(SkipReason.CIRCUIT_OPEN);
        assertThat(skips).containsExactly(SkipReason.CIRCUIT_OPEN);
        assertThat(gate.inFlight()).isZero();

        given().when().get("/api/pools").then().statusCode(200)
                .body("find { it.name == 'sim-h100' }.endpoints[0].circuit", equalTo("open"));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(PromText.find(PromText.parse(metrics), "llm_canary_endpoint_circuit_state", "endpoint", ENDPOINT,
                "pool", POOL)).get().extracting(PromText.Sample::value).isEqualTo(1.0);

        // On-demand runs are never blocked by the breaker; once the delay passed, a passing one closes it.
        await().atMost(Duration.ofSeconds(60)).until(() -> guard.circuit() == EndpointGuard.Circuit.HALF_OPEN);
        given().when().get("/api/pools").then().statusCode(200)
                .body("find { it.name == 'sim-h100' }.endpoints[0].circuit", equalTo("half_open"));
        RunResult ok = run(Canaries.canary("ft-ok").profile(FAST));
        assertThat(ok.outcome()).as(ok.reason()).isEqualTo(Outcome.PASS);
        assertThat(guard.circuit()).isEqualTo(EndpointGuard.Circuit.CLOSED);

        // A 429 carries its Retry-After (the simulator sends 2 s) and holds the endpoint's scheduled runs back.
        RunResult limited = run(Canaries.canary("ft-429").profile(FAST).fault("status:429"));
        assertThat(limited.httpStatus()).isEqualTo(429);
        assertThat(limited.retryAfterSeconds()).isEqualTo(2);
        Instant until = guard.rateLimitedUntil().orElseThrow();
        assertThat(until).isAfter(limited.startedAt()).isBeforeOrEqualTo(Instant.now().plusSeconds(2));
        assertThat(guard.circuit()).as("a 429 is not an outage").isEqualTo(EndpointGuard.Circuit.CLOSED);
        given().when().get("/api/pools").then().statusCode(200)
                .body("find { it.name == 'sim-h100' }.endpoints[0].circuit", equalTo("closed"))
                .body("find { it.name == 'sim-h100' }.endpoints[0].rateLimitedUntil", notNullValue())
                .body("find { it.name == 'sim-h100' }.endpoints[1]", nullValue());
        await().atMost(Duration.ofSeconds(20)).until(() -> guard.rateLimitedUntil().isEmpty());
        assertThat(guard.admit().admitted()).isTrue();
    }
}
