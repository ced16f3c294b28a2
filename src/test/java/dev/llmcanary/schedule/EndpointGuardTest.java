package dev.llmcanary.schedule;

import dev.llmcanary.testing.MutableClock;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.run.RetryAfter;
import dev.llmcanary.schedule.EndpointGuard.Circuit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The per-endpoint guard: circuit breaker states over an injected clock, and the wait after HTTP 429. */
class EndpointGuardTest {

    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final EndpointGuard.Settings SETTINGS = new EndpointGuard.Settings(0.5, 4, Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofMinutes(10));

    private final MutableClock clock = new MutableClock(T0);
    private final EndpointGuard guard = new EndpointGuard(SETTINGS, clock);

    private static final boolean F = true;
    private static final boolean S = false;

    static Stream<Arguments> windows() {
        return Stream.of(
                arguments("4 failures of 4 open it", List.of(F, F, F, F), Circuit.OPEN),
                arguments("2 failures of 4 (the ratio) open it", List.of(S, F, S, F), Circuit.OPEN),
                arguments("1 failure of 4 keeps it closed", List.of(S, S, F, S), Circuit.CLOSED),
                arguments("3 failures are below the request volume", List.of(F, F, F), Circuit.CLOSED),
                arguments("only the last 4 runs count", List.of(F, S, S, S, S, F, S), Circuit.CLOSED),
                arguments("a rolling window opens on the 4th of the latest", List.of(S, S, S, S, F, F), Circuit.OPEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void opensWhenTheFailureRatioOfTheLatestRunsIsReached(String name, List<Boolean> failed, Circuit expected) {
        failed.forEach(f -> guard.record(f, false, null));
        assertThat(guard.circuit()).isEqualTo(expected);
        assertThat(guard.admit().skipped()).isEqualTo(expected == Circuit.OPEN ? SkipReason.CIRCUIT_OPEN : null);
    }

    @Test
    void skipsWhileOpenThenLetsOneProbeThroughAfterTheDelayAndASuccessClosesIt() {
        open();
        clock.advance(Duration.ofSeconds(29));
        assertThat(guard.admit().skipped()).isEqualTo(SkipReason.CIRCUIT_OPEN);
        assertThat(guard.circuit()).isEqualTo(Circuit.OPEN);

        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.circuit()).isEqualTo(Circuit.HALF_OPEN);
        assertThat(guard.admit().admitted()).as("the probe").isTrue();
        assertThat(guard.admit().skipped()).as("a second tick while the probe runs").isEqualTo(SkipReason.CIRCUIT_OPEN);

        guard.record(false, false, null);
        assertThat(guard.circuit()).isEqualTo(Circuit.CLOSED);
        assertThat(guard.admit().admitted()).isTrue();
        guard.record(true, false, null);
        assertThat(guard.circuit()).as("a fresh window after closing").isEqualTo(Circuit.CLOSED);
    }

    @Test
    void aFailedProbeOpensItForAnotherDelay() {
        open();
        clock.advance(Duration.ofSeconds(30));
        assertThat(guard.admit().admitted()).isTrue();
        guard.record(true, false, null);
        assertThat(guard.circuit()).isEqualTo(Circuit.OPEN);
        clock.advance(Duration.ofSeconds(29));
        assertThat(guard.admit().skipped()).isEqualTo(SkipReason.CIRCUIT_OPEN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.circuit()).isEqualTo(Circuit.HALF_OPEN);
    }

    @Test
    void aReleasedProbeThatNeverEndedLetsTheNextTickProbe() {
        open();
        clock.advance(Duration.ofSeconds(30));
        guard.admit().permit().release();
        assertThat(guard.admit().admitted()).isTrue();
    }

    @Test
    void outcomesWhileOpenDoNotShortenTheDelay() {
        open();
        guard.record(false, false, null); // an on-demand run that happened to pass
        assertThat(guard.circuit()).isEqualTo(Circuit.OPEN);
    }

    @Test
    void theSchedulerTickReportsCircuitOpenAndTakesNoPoolSlot() {
        open();
        PoolGate gate = new PoolGate(new Pool.Scheduling(1, null, List.of()), clock);
        JobTicker ticker = new JobTicker(r -> { });
        Optional<SkipReason> skipped = ticker.tick(guard, gate, CanaryDefinition.Priority.NORMAL, 10,
                () -> CompletableFuture.completedFuture(10L));
        assertThat(skipped).contains(SkipReason.CIRCUIT_OPEN);
        assertThat(gate.inFlight()).isZero();
        assertThat(ticker.running()).isFalse();
    }

    static Stream<Arguments> waits() {
        return Stream.of(
                arguments("Retry-After: 2 seconds", 2, Duration.ofSeconds(2)),
                arguments("no Retry-After: the 30 s default", null, Duration.ofSeconds(30)),
                arguments("Retry-After over the cap: 10 min", 86_400, Duration.ofMinutes(10)),
                arguments("Retry-After: 0", 0, Duration.ZERO));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waits")
    void a429SkipsScheduledRunsUntilItsWaitHasPassed(String name, Integer retryAfter, Duration wait) {
        guard.record(false, true, retryAfter);
        if (wait.isZero()) {
            assertThat(guard.admit().admitted()).isTrue();
            assertThat(guard.rateLimitedUntil()).isEmpty();
            return;
        }
        assertThat(guard.rateLimitedUntil()).contains(T0.plus(wait));
        clock.advance(wait.minusMillis(1));
        assertThat(guard.admit().skipped()).isEqualTo(SkipReason.RATE_LIMITED);
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.admit().admitted()).isTrue();
        assertThat(guard.rateLimitedUntil()).isEmpty();
        assertThat(guard.circuit()).as("a 429 is not an outage").isEqualTo(Circuit.CLOSED);
    }

    static Stream<Arguments> headers() {
        return Stream.of(
                arguments("delta seconds", "120", Optional.of(120L)),
                arguments("delta seconds with spaces", " 7 ", Optional.of(7L)),
                arguments("HTTP-date 90 s ahead", "Mon, 05 Jan 2026 10:01:30 GMT", Optional.of(90L)),
                arguments("HTTP-date in the past", "Mon, 05 Jan 2026 09:00:00 GMT", Optional.of(0L)),
                arguments("absent", null, Optional.empty()),
                arguments("blank", " ", Optional.empty()),
                arguments("garbage", "soon", Optional.empty()),
                arguments("negative", "-5", Optional.empty()),
                arguments("absurdly large saturates", "99999999999999999999", Optional.of((long) Integer.MAX_VALUE)));
    }

    @ParameterizedTest(name = "Retry-After {0}")
    @MethodSource("headers")
    void retryAfterIsReadAsSecondsOrAnHttpDate(String name, String header, Optional<Long> seconds) {
        assertThat(RetryAfter.seconds(header, T0)).isEqualTo(seconds);
    }

    @Test
    void theRegistryExportsEachEndpointsCircuitState() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EndpointGuards guards = new EndpointGuards(SETTINGS, clock, registry);
        EndpointGuard g = guards.guard("p", "e");
        assertThat(guards.guard("p", "e")).isSameAs(g);
        for (int i = 0; i < 4; i++) {
            g.record(true, false, null);
        }
        var gauge = registry.get("llm_canary_endpoint_circuit_state").tags("pool", "p", "endpoint", "e").gauge();
        assertThat(gauge.value()).isEqualTo(1.0);
        clock.advance(Duration.ofSeconds(30));
        assertThat(gauge.value()).isEqualTo(2.0);
    }

    private void open() {
        for (int i = 0; i < 4; i++) {
            guard.record(true, false, null);
        }
        assertThat(guard.circuit()).isEqualTo(Circuit.OPEN);
    }
}
