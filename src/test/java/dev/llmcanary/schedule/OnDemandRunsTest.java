package dev.llmcanary.schedule;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.MutableClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An on-demand trigger is admitted as a whole or not at all, and never puts more than the pool's cap in flight. */
class OnDemandRunsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, PoolGate> gates = new HashMap<>();
    /** Runs started and not yet completed by the test, in start order. */
    private final List<CompletableFuture<RunResult>> running = new ArrayList<>();
    private final List<Target> started = new ArrayList<>();
    private final OnDemandRuns runs = new OnDemandRuns(p -> gates.computeIfAbsent(p.name(),
            n -> new PoolGate(p.scheduling(), clock)), new SkippedRuns(registry), this::start, r -> 10);

    private CompletionStage<RunResult> start(Target t, Trigger trigger) {
        CompletableFuture<RunResult> f = new CompletableFuture<>();
        running.add(f);
        started.add(t);
        return f;
    }

    private static Pool pool(String name, int cap) {
        return new Pool(name, "h100", Flavor.OPENAI_CHAT,
                List.of(new Endpoint("e0", URI.create("http://127.0.0.1:1")), new Endpoint("e1",
                        URI.create("http://127.0.0.1:1"))), List.of("m0", "m1", "m2"), null, RequireDone.AUTO,
                Cumulative.AUTO, Map.of(), new Pool.Scheduling(cap, null, List.of()));
    }

    private static List<Target> targets(Pool pool, int n) {
        CanaryDefinition c = Canaries.canary("c").maxTokens(16).build(Api.CHAT);
        return IntStream.range(0, n).mapToObj(i -> new Target(c, pool, pool.endpoints().get(i % 2), "m" + i / 2))
                .toList();
    }

    private double skipped(String pool, String reason) {
        Counter c = registry.find("llm_canary_skipped_runs").tags("pool", pool, "reason", reason, "trigger", "api")
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void moreTargetsThanFreeSlotsRunOneAfterAnotherOnTheSlotsItGot() {
        Pool p = pool("p", 2);
        List<Target> targets = targets(p, 5);

        CompletableFuture<List<RunResult>> all = runs.run(targets, Trigger.API).toCompletableFuture();

        for (int finished = 0; finished < 5; finished++) {
            long inFlight = running.stream().filter(f -> !f.isDone()).count();
            assertThat(inFlight).as("runs in flight after %d finished", finished).isLessThanOrEqualTo(2);
            assertThat(gates.get("p").inFlight()).isEqualTo((int) inFlight);
            running.get(finished).complete(null); // the result itself does not matter here
        }
        assertThat(started).containsExactlyElementsOf(targets);
        assertThat(all).isCompleted();
        assertThat(all.join()).hasSize(5);
        assertThat(gates.get("p").inFlight()).isZero();
    }

    @Test
    void aTriggerOneOfWhosePoolsIsFullStartsNothingAndGivesBackWhatItHeld() {
        Pool free = pool("free", 4);
        Pool full = pool("full", 1);
        PoolGate fullGate = new PoolGate(full.scheduling(), clock);
        gates.put("full", fullGate);
        fullGate.admit(CanaryDefinition.Priority.NORMAL, 1, Trigger.SCHEDULE);
        List<Target> targets = new ArrayList<>(targets(free, 2));
        targets.addAll(targets(full, 1));

        assertThatThrownBy(() -> runs.run(targets, Trigger.API))
                .isInstanceOfSatisfying(OnDemandRuns.Refused.class, r -> {
                    assertThat(r.pool()).isEqualTo("full");
                    assertThat(r.reason()).isEqualTo(SkipReason.CONCURRENCY);
                    assertThat(r.retryAfter()).isEqualTo(PoolGate.MIN_RETRY);
                    assertThat(r.getMessage()).isEqualTo("pool full: 1 canary runs in flight, the most api runs may "
                            + "fill (max_concurrent_canaries 1)");
                });
        assertThat(started).as("nothing started").isEmpty();
        assertThat(gates.get("free").inFlight()).as("the free pool's slots were given back").isZero();
        assertThat(skipped("full", "concurrency")).as("one refusal, counted once").isEqualTo(1);
        assertThat(skipped("free", "concurrency")).isZero();
    }

    @Test
    void aRunThatCannotStartFailsTheTriggerAndFreesItsSlot() {
        OnDemandRuns failing = new OnDemandRuns(p -> gates.computeIfAbsent(p.name(),
                n -> new PoolGate(p.scheduling(), clock)), new SkippedRuns(registry), (t, trigger) -> {
                    throw new java.util.concurrent.RejectedExecutionException("queue full");
                }, r -> 10);

        assertThat(failing.run(targets(pool("p", 2), 1), Trigger.API).toCompletableFuture())
                .isCompletedExceptionally();
        assertThat(gates.get("p").inFlight()).isZero();
    }
}
