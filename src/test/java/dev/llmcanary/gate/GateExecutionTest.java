package dev.llmcanary.gate;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Endpoint;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.gate.config.AbsoluteCriteria;
import dev.llmcanary.gate.config.GateSuite;
import dev.llmcanary.gate.config.InconclusivePolicy;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.ManualScheduler;
import dev.llmcanary.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plan order (interleaving), the concurrency cap, refusals by the pool and the deadline, with a fake starter. */
class GateExecutionTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    static Pool pool(String name, String... endpoints) {
        List<Endpoint> eps = new ArrayList<>();
        for (String e : endpoints) {
            eps.add(new Endpoint(e, URI.create("http://127.0.0.1:1")));
        }
        return new Pool(name, "h100", Flavor.OPENAI_CHAT, eps, List.of("m"), null,
                RequireDone.AUTO, Cumulative.AUTO, Map.of());
    }

    static Catalog catalog() {
        SloClass s = new SloClass("streaming", new Thresholds(1.0, null, null, 1, 5, 30), 0.99, 0.95);
        return new Catalog(Map.of("streaming", s), List.of(pool("cand", "c0", "c1"), pool("base", "b0")),
                List.of(Canaries.canary("a").build(Api.CHAT), Canaries.canary("b").build(Api.CHAT)), Instant.EPOCH);
    }

    static GateSuite suite(int reps, int concurrency) {
        return new GateSuite("t", null, List.of("a", "b"), List.of(), reps, concurrency,
                new AbsoluteCriteria(true, 0, 0, 1.0, 0.0, 1), List.of(), InconclusivePolicy.FAIL,
                Duration.ofMinutes(1), "test");
    }

    private static RunResult resultFor(Target t) {
        return Runs.run(t.pool().name(), 0.05, null, true);
    }

    @Test
    void candidateAndBaselineRequestsAlternate() throws Exception {
        Catalog c = catalog();
        List<PlannedRun> plan = GatePlan.plan(c, suite(3, 1), c.pool("cand").orElseThrow(), c.pool("base").orElseThrow());
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        GateExecution ex = new GateExecution(plan, 1, t -> {
            started.add(t.pool().name() + "/" + t.endpoint().name() + "/" + t.canary().id());
            return RunStarter.Start.started(CompletableFuture.completedFuture(resultFor(t)));
        }, timer, Clock.systemUTC(), Duration.ofMinutes(1));

        GateExecution.Collected o = ex.start().get(10, TimeUnit.SECONDS);

        assertThat(started).containsExactly(
                "cand/c0/a", "base/b0/a", "cand/c0/b", "base/b0/b",
                "cand/c1/a", "base/b0/a", "cand/c1/b", "base/b0/b",
                "cand/c0/a", "base/b0/a", "cand/c0/b", "base/b0/b");
        assertThat(ex.startOrder()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(o.candidate()).hasSize(6).allMatch(r -> r.pool().equals("cand"));
        assertThat(o.baseline()).hasSize(6).allMatch(r -> r.pool().equals("base"));
        assertThat(o.links()).extracting(GateExecution.Link::side).startsWith(Side.CANDIDATE, Side.BASELINE,
                Side.CANDIDATE, Side.BASELINE);
        assertThat(o.incomplete()).isNull();
    }

    @Test
    void neverMoreThanTheConcurrencyInFlight() throws Exception {
        Catalog c = catalog();
        List<PlannedRun> plan = GatePlan.plan(c, suite(10, 3), c.pool("cand").orElseThrow(), c.pool("base").orElseThrow());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        GateExecution ex = new GateExecution(plan, 3, t -> {
            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<RunResult> f = new CompletableFuture<>();
            timer.schedule(() -> {
                inFlight.decrementAndGet();
                f.complete(resultFor(t));
            }, 2, TimeUnit.MILLISECONDS);
            return RunStarter.Start.started(f);
        }, timer, Clock.systemUTC(), Duration.ofMinutes(1));

        GateExecution.Collected o = ex.start().get(20, TimeUnit.SECONDS);

        assertThat(o.candidate().size() + o.baseline().size()).isEqualTo(40);
        assertThat(max.get()).isEqualTo(3);
    }

    @Test
    void aRefusalForNowIsRetriedAndARefusalForGoodIsSkipped() throws Exception {
        Catalog c = catalog();
        List<PlannedRun> plan = GatePlan.plan(c, suite(2, 1), c.pool("cand").orElseThrow(), null);
        AtomicInteger asks = new AtomicInteger();
        GateExecution ex = new GateExecution(plan, 1, t -> {
            int n = asks.incrementAndGet();
            if (n == 1) {
                return RunStarter.Start.refused("pool concurrency cap", true);
            }
            if (n == 3) {
                return RunStarter.Start.refused("token budget spent", false);
            }
            return RunStarter.Start.started(CompletableFuture.completedFuture(resultFor(t)));
        }, timer, Clock.systemUTC(), Duration.ofMinutes(1));

        GateExecution.Collected o = ex.start().get(10, TimeUnit.SECONDS);

        assertThat(asks.get()).isEqualTo(5);
        assertThat(o.candidate()).hasSize(3);
        assertThat(o.incomplete()).isEqualTo("1 of 4 runs not started (token budget spent)");
    }

    @Test
    void theDeadlineEndsTheGateWithWhatItHas() throws Exception {
        Catalog c = catalog();
        List<PlannedRun> plan = GatePlan.plan(c, suite(5, 2), c.pool("cand").orElseThrow(), c.pool("base").orElseThrow());
        // The injected clock and a manual scheduler reach the deadline: a loaded machine can neither let it pass
        // before the first runs started nor after more of them finished.
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
        ManualScheduler deadlines = new ManualScheduler(clock);
        List<CompletableFuture<RunResult>> hanging = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger n = new AtomicInteger();
        GateExecution ex = new GateExecution(plan, 2, t -> {
            if (n.incrementAndGet() <= 2) {
                return RunStarter.Start.started(CompletableFuture.completedFuture(resultFor(t)));
            }
            CompletableFuture<RunResult> f = new CompletableFuture<>();
            hanging.add(f);
            return RunStarter.Start.started(f);
        }, deadlines, clock, Duration.ofMillis(200));
        try {
            CompletableFuture<GateExecution.Collected> done = ex.start();
            assertThat(n.get()).as("two finished at once, two more in flight").isEqualTo(4);

            clock.advance(Duration.ofMillis(199));
            deadlines.runDue();
            assertThat(done).as("not yet at the deadline").isNotDone();
            clock.advance(Duration.ofMillis(1));
            assertThat(deadlines.runDue()).isEqualTo(1);

            GateExecution.Collected o = done.getNow(null);
            assertThat(o).isNotNull();
            assertThat(o.incomplete()).isEqualTo("deadline of 200 ms hit after 2 of 20 runs");
            assertThat(o.candidate()).hasSize(1);
            assertThat(o.baseline()).hasSize(1);
            // A run finishing after the deadline does not count and starts nothing more.
            hanging.forEach(f -> f.complete(Runs.run("cand", 0.05, null, true)));
            assertThat(n.get()).isEqualTo(4);
            assertThat(o.candidate()).hasSize(1);
        } finally {
            deadlines.shutdownNow();
        }
    }

    @Test
    void endpointsNarrowTheCandidate() {
        Catalog c = catalog();
        Pool narrowed = GatePlan.select(c.pool("cand").orElseThrow(), Set.of("c1"));
        List<PlannedRun> plan = GatePlan.plan(c, suite(2, 1), narrowed, null);
        assertThat(plan).extracting(p -> p.target().endpoint().name()).containsOnly("c1");
        assertThatThrownBy(() -> GatePlan.plan(c, suite(2, 1), GatePlan.select(c.pool("cand").orElseThrow(),
                Set.of("nope")), null)).hasMessage("canary 'a' has no target on pool 'cand' (flavor, models or"
                + " endpoint selection do not match)");
    }
}
