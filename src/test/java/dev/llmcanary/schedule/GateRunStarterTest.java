package dev.llmcanary.schedule;

import dev.llmcanary.canary.run.Trigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.TokenCounts;
import dev.llmcanary.gate.RunStarter;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.testing.Canaries;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Gate runs pass the pool's gate: they spend its token budget and respect its concurrency cap. */
class GateRunStarterTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SkippedRuns skipped = new SkippedRuns(registry);

    private double skips(String reason) {
        var c = registry.find("llm_canary_skipped_runs").tags("pool", "p", "reason", reason, "trigger", "gate")
                .counter();
        return c == null ? 0 : c.count();
    }

    private static Target target(Pool pool) {
        return new Target(Canaries.canary("g").maxTokens(64).build(Api.CHAT), pool, pool.endpoints().get(0), "m");
    }

    private static Pool pool(int maxConcurrent, Long budget) {
        return new Pool("p", "h100", Flavor.OPENAI_CHAT, List.of(new Endpoint("e", URI.create("http://127.0.0.1:1"))),
                List.of("m"), null, RequireDone.AUTO, Cumulative.AUTO, Map.of(),
                new Pool.Scheduling(maxConcurrent, budget, List.of()));
    }

    private static RunResult used(int output, int prompt) {
        return new RunResult("r", "g", "p", "e", "m", "interactive", "openai-chat", Instant.EPOCH, Outcome.PASS, null,
                null, 200, null, new TokenCounts(output, false, output, prompt, "small"), "stop", "stop", null,
                List.of(), List.of(), List.of(), null, null, 0, 0, null, null);
    }

    @Test
    void gateRunsSpendThePoolsTokenBudget() {
        Pool p = pool(10, 100L);
        PoolGate gate = new PoolGate(p.scheduling(), clock);
        GateRunStarter starter = new GateRunStarter(x -> gate, t -> CompletableFuture.completedFuture(used(50, 10)),
                skipped);

        assertThat(starter.start(target(p)).run()).isNotNull();
        assertThat(gate.remainingTokens().getAsLong()).isEqualTo(40);
        assertThat(starter.start(target(p)).run()).isNotNull();
        // 120 spent, past the 10 % normal-priority overspend: the next gate run is skipped, not retried
        RunStarter.Start refused = starter.start(target(p));
        assertThat(refused.run()).isNull();
        assertThat(refused.retry()).isFalse();
        assertThat(refused.refused()).isEqualTo("pool p: budget");
        assertThat(skips("budget")).as("a gate run skipped for good is counted").isEqualTo(1);
    }

    @Test
    void theConcurrencyCapAsksToRetry() {
        Pool p = pool(1, null);
        PoolGate gate = new PoolGate(p.scheduling(), clock);
        CompletableFuture<RunResult> inFlight = new CompletableFuture<>();
        GateRunStarter starter = new GateRunStarter(x -> gate, t -> inFlight, skipped);

        assertThat(starter.start(target(p)).run()).isNotNull();
        RunStarter.Start second = starter.start(target(p));
        assertThat(second.run()).isNull();
        assertThat(second.retry()).isTrue();
        assertThat(skips("concurrency")).as("a wait for a slot is not a skip").isZero();
        inFlight.complete(used(5, 5));
        assertThat(gate.inFlight()).isZero();
        assertThat(starter.start(target(p)).run()).isNotNull();
    }

    @Test
    void aGateLeavesTheScheduleASlot() {
        Pool p = pool(3, null);
        PoolGate gate = new PoolGate(p.scheduling(), clock);
        gate.scheduledJobs(2);
        GateRunStarter starter = new GateRunStarter(x -> gate, t -> new CompletableFuture<>(), skipped);

        assertThat(starter.start(target(p)).run()).isNotNull();
        assertThat(starter.start(target(p)).run()).isNotNull();
        RunStarter.Start third = starter.start(target(p));

        assertThat(third.run()).isNull();
        assertThat(third.retry()).isTrue();
        assertThat(gate.admit(dev.llmcanary.canary.CanaryDefinition.Priority.NORMAL, 1, Trigger.SCHEDULE).admitted()).as("the scheduled tick still starts").isTrue();
    }

    @Test
    void aPoolWhoseOnlySlotIsTheSchedulesSkipsGateRunsInsteadOfRetryingForever() {
        Pool p = pool(1, null);
        PoolGate gate = new PoolGate(p.scheduling(), clock);
        gate.scheduledJobs(1);
        GateRunStarter starter = new GateRunStarter(x -> gate, t -> new CompletableFuture<>(), skipped);

        RunStarter.Start s = starter.start(target(p));

        assertThat(s.run()).isNull();
        assertThat(s.retry()).isFalse();
        assertThat(s.refused()).isEqualTo("pool p: concurrency (its only slot (max_concurrent_canaries 1) is kept "
                + "for its scheduled canaries; raise max_concurrent_canaries to run gate runs)");
        assertThat(skips("concurrency")).isEqualTo(1);
    }
}
