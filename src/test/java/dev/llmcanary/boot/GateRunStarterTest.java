package dev.llmcanary.boot;

import dev.llmcanary.boot.schedule.PoolGate;
import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.Endpoint;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.TokenCounts;
import dev.llmcanary.gate.RunStarter;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
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
        GateRunStarter starter = new GateRunStarter(x -> gate, t -> CompletableFuture.completedFuture(used(50, 10)));

        assertThat(starter.start(target(p)).run()).isNotNull();
        assertThat(gate.remainingTokens().getAsLong()).isEqualTo(40);
        assertThat(starter.start(target(p)).run()).isNotNull();
        // 120 spent, past the 10 % normal-priority overspend: the next gate run is skipped, not retried
        RunStarter.Start refused = starter.start(target(p));
        assertThat(refused.run()).isNull();
        assertThat(refused.retry()).isFalse();
        assertThat(refused.refused()).isEqualTo("pool p: budget");
    }

    @Test
    void theConcurrencyCapAsksToRetry() {
        Pool p = pool(1, null);
        PoolGate gate = new PoolGate(p.scheduling(), clock);
        CompletableFuture<RunResult> inFlight = new CompletableFuture<>();
        GateRunStarter starter = new GateRunStarter(x -> gate, t -> inFlight);

        assertThat(starter.start(target(p)).run()).isNotNull();
        RunStarter.Start second = starter.start(target(p));
        assertThat(second.run()).isNull();
        assertThat(second.retry()).isTrue();
        inFlight.complete(used(5, 5));
        assertThat(gate.inFlight()).isZero();
        assertThat(starter.start(target(p)).run()).isNotNull();
    }
}
