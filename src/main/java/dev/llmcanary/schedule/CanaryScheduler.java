package dev.llmcanary.schedule;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every enabled canary on each of its targets at the canary's interval. Jobs sharing an interval start evenly
 * spread across it ({@link SpreadOffsets}), and each tick passes a job's own overlap guard, its endpoint's guard
 * (circuit breaker, HTTP 429 wait) and its pool's gate (quiet windows, concurrency cap, token budget) before it runs; a tick that does not is skipped and counted. On a
 * configuration reload, jobs whose canary, target and interval are unchanged keep their schedule, new jobs take
 * their place in the same spread, and each tick runs the canary's definition as it is in the current catalog.
 * With {@link SlotClaims} on, replicas sharing a database tick at the same (epoch-anchored) times and only the one
 * that claims a tick's slot runs it; a replica claims only ticks that passed its own checks.
 */
@ApplicationScoped
public class CanaryScheduler {

    private static final Logger LOG = Logger.getLogger(CanaryScheduler.class);

    /** What identifies a job across reloads. */
    public record JobKey(String canary, String pool, String endpoint, String model, long intervalMillis) {
        String id() {
            return canary + "/" + pool + "/" + endpoint + "/" + model;
        }
    }

    private final Vertx vertx;
    private final CatalogHolder catalog;
    private final CanaryRunner runner;
    private final MeterRegistry registry;
    private final Clock clock;
    private final EndpointGuards guards;
    private final SlotClaims claims;
    private final SkipLog skips;
    private final SkippedRuns skippedRuns;
    private final Map<JobKey, Job> jobs = new HashMap<>();
    private final Map<String, PoolGate> gates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> jobGauges = new HashMap<>();
    private final Map<String, Gauge> jobGaugeMeters = new HashMap<>();
    private final Map<String, Gauge> budgetGauges = new HashMap<>();
    private boolean running;

    public CanaryScheduler(Vertx vertx, CatalogHolder catalog, CanaryRunner runner, MeterRegistry registry,
                           Clock clock, EndpointGuards guards, SlotClaims claims, SkipLog skips) {
        this.skips = skips;
        this.skippedRuns = new SkippedRuns(registry);
        this.vertx = vertx;
        this.claims = claims;
        this.guards = guards;
        this.catalog = catalog;
        this.runner = runner;
        this.registry = registry;
        this.clock = clock;
    }

    /** Starts scheduling the current catalog's jobs, and those of every later reload. */
    public synchronized void start() {
        running = true;
        reconcile();
    }

    public synchronized void stop() {
        running = false;
        jobs.values().forEach(Job::cancel);
        jobs.clear();
        updateJobGauges();
    }

    /** Brings the jobs in line with the current catalog: unchanged jobs keep their timers. */
    public synchronized void reconcile() {
        Optional<Catalog> current = catalog.current();
        if (!running || current.isEmpty()) {
            return;
        }
        reconcileGates(current.get().pools());
        Set<JobKey> wanted = new HashSet<>();
        for (CanaryDefinition d : current.get().canaries()) {
            if (!d.enabled()) {
                continue;
            }
            long interval = Math.max(1000, d.interval().toMillis());
            for (Target t : current.get().targets(d)) {
                wanted.add(new JobKey(d.id(), t.pool().name(), t.endpoint().name(), t.model(), interval));
            }
        }
        int removed = 0;
        for (var it = jobs.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                e.getValue().cancel();
                it.remove();
                removed++;
            }
        }
        Map<String, Long> offsets = SpreadOffsets.offsets(wanted.stream()
                .map(k -> new SpreadOffsets.Slot(k.id(), k.intervalMillis())).toList());
        long now = clock.millis();
        int added = 0;
        for (JobKey k : wanted) {
            if (!jobs.containsKey(k)) {
                long delay = SpreadOffsets.delayUntilNext(offsets.get(k.id()), k.intervalMillis(), now);
                jobs.put(k, new Job(k, offsets.get(k.id()), delay));
                added++;
            }
        }
        updateJobGauges();
        LOG.infof("scheduled %d canary jobs (%d added, %d removed, %d kept)", jobs.size(), added, removed,
                jobs.size() - added);
    }

    /**
     * The pool's gate (concurrency cap, token budget, quiet windows) shared with on-demand work such as deployment
     * gates, so their runs count against the same limits; created on first use when the scheduler is off.
     */
    public PoolGate poolGate(Pool pool) {
        return gates.computeIfAbsent(pool.name(), n -> new PoolGate(pool.scheduling(), clock));
    }

    /** The scheduled jobs by key (tests check that a reload keeps unchanged jobs as they were). */
    public synchronized Map<JobKey, Object> jobs() {
        return Map.copyOf(jobs);
    }

    /** Each pool keeps its gate (runs in flight, tokens spent) across reloads; only its limits change. */
    private void reconcileGates(List<Pool> pools) {
        Set<String> names = new HashSet<>();
        for (Pool p : pools) {
            names.add(p.name());
            gates.compute(p.name(), (n, g) -> {
                if (g == null) {
                    return new PoolGate(p.scheduling(), clock);
                }
                g.reconfigure(p.scheduling());
                return g;
            });
            if (p.scheduling().tokenBudgetPerHour() != null) {
                budgetGauges.computeIfAbsent(p.name(), n -> Gauge.builder(MetricNames.BUDGET_TOKENS_REMAINING, this,
                                s -> s.remainingTokens(n))
                        .description("Tokens left of the pool's canary budget over the last hour")
                        .tags(MetricNames.POOL, n).register(registry));
            } else {
                removeBudgetGauge(p.name());
            }
        }
        gates.keySet().retainAll(names);
        // Pools a reload removed lose their scheduled-jobs series (pools that stay show 0 when they have no jobs).
        Set.copyOf(jobGauges.keySet()).stream().filter(n -> !names.contains(n)).forEach(n -> {
            jobGauges.remove(n);
            Gauge g = jobGaugeMeters.remove(n);
            if (g != null) {
                registry.remove(g);
            }
        });
        Set.copyOf(budgetGauges.keySet()).stream().filter(n -> !names.contains(n)).forEach(this::removeBudgetGauge);
    }

    private void removeBudgetGauge(String pool) {
        Gauge g = budgetGauges.remove(pool);
        if (g != null) {
            registry.remove(g);
        }
    }

    private double remainingTokens(String pool) {
        PoolGate g = gates.get(pool);
        return g == null ? Double.NaN : g.remainingTokens().stream().mapToDouble(l -> l).findFirst().orElse(Double.NaN);
    }

    private void updateJobGauges() {
        Map<String, Integer> counts = new HashMap<>();
        jobs.keySet().forEach(k -> counts.merge(k.pool(), 1, Integer::sum));
        // A pool with scheduled jobs keeps a slot for them (PoolGate#slots); the scheduler alone knows them.
        gates.forEach((pool, gate) -> gate.scheduledJobs(counts.getOrDefault(pool, 0)));
        jobGauges.forEach((pool, gauge) -> gauge.set(counts.getOrDefault(pool, 0)));
        counts.forEach((pool, n) -> jobGauges.computeIfAbsent(pool, p -> {
            AtomicInteger value = new AtomicInteger();
            jobGaugeMeters.put(p, Gauge.builder(MetricNames.SCHEDULED_JOBS, value, AtomicInteger::get)
                    .description("Canary jobs scheduled on the pool").tags(MetricNames.POOL, p).register(registry));
            return value;
        }).set(n));
    }

    /** Counts a skipped tick and remembers it as the job's latest skip (the status page shows it). */
    private void skipped(JobKey key, SkipReason reason) {
        countSkip(key.pool(), reason);
        skips.record(key.canary(), key.pool(), key.endpoint(), key.model(), reason);
    }

    private void countSkip(String pool, SkipReason reason) {
        skippedRuns.count(pool, reason, Trigger.SCHEDULE);
    }

    /** The skipped-runs counter, shared with gate and on-demand runs. */
    public SkippedRuns skippedRuns() {
        return skippedRuns;
    }

    /** Prompt + output tokens of a run; prompt tokens the server did not report count as 0. */
    public static long tokensUsed(RunResult r) {
        if (r == null || r.tokens() == null) {
            return 0;
        }
        Integer prompt = r.tokens().prompt();
        return (long) r.tokens().output() + (prompt == null ? 0 : prompt);
    }

    /** One canary on one target, ticking at its interval from its place in the spread. */
    private final class Job {
        private final JobKey key;
        private final JobTicker ticker;
        private final long offsetMillis;
        private volatile boolean cancelled;
        private volatile long timerId;

        Job(JobKey key, long offsetMillis, long firstDelayMillis) {
            this.key = key;
            this.offsetMillis = offsetMillis;
            this.ticker = new JobTicker(reason -> skipped(key, reason));
            timerId = vertx.setTimer(firstDelayMillis, id -> {
                tick();
                if (!cancelled) {
                    timerId = vertx.setPeriodic(key.intervalMillis(), pid -> {
                        if (cancelled) {
                            vertx.cancelTimer(pid); // cancelled while this timer was being set up
                        } else {
                            tick();
                        }
                    });
                }
            });
        }

        void cancel() {
            cancelled = true;
            vertx.cancelTimer(timerId);
        }

        /**
         * Runs the tick's local checks (overlap, endpoint guard, pool gate) and, when replicas share the database,
         * claims the tick's slot only after they passed: the claim runs on a worker thread.
         */
        private void tick() {
            if (cancelled) {
                return;
            }
            Optional<Target> target = resolve();
            PoolGate gate = gates.get(key.pool());
            if (target.isEmpty() || gate == null) {
                return;
            }
            CanaryDefinition d = target.get().canary();
            EndpointGuard guard = guards.guard(key.pool(), key.endpoint());
            try {
                if (!claims.enabled()) {
                    ticker.tick(guard, gate, d.priority(), d.maxTokens(), () -> start(target.get()));
                    return;
                }
                long slot = SpreadOffsets.slot(offsetMillis, key.intervalMillis(), clock.millis());
                String claimKey = key.id() + "@" + key.intervalMillis();
                ticker.tick(guard, gate, d.priority(), d.maxTokens(), () -> claim(claimKey, slot),
                        () -> start(target.get())).whenComplete((skipped, error) -> {
                            if (error != null) {
                                couldNotStart(error);
                            }
                        });
            } catch (RuntimeException e) {
                couldNotStart(e);
            }
        }

        /**
         * Empty when this replica runs the slot, else why not; decided within the claim budget, by the outage policy
         * when the store does not answer (see {@link SlotClaims}).
         */
        private CompletionStage<Optional<SkipReason>> claim(String claimKey, long slot) {
            // The verdict arrives on a claim thread (or the budget's timer): the run starts back on the tick's loop.
            Context loop = vertx.getOrCreateContext();
            CompletableFuture<Optional<SkipReason>> decided = new CompletableFuture<>();
            claims.claim(claimKey, slot).whenComplete((v, error) -> loop.runOnContext(x -> {
                if (error != null) {
                    decided.completeExceptionally(error);
                    return;
                }
                Counter.builder(MetricNames.SLOT_CLAIMS).description("How scheduled ticks were decided between replicas")
                        .tags(MetricNames.RESULT, v.label()).register(registry).increment();
                decided.complete(v.runs() ? Optional.empty() : Optional.of(v.skipReason()));
            }));
            return decided;
        }

        private void couldNotStart(Throwable e) {
            LOG.warnf("canary %s on %s/%s could not start: %s", key.canary(), key.pool(), key.endpoint(),
                    e.getClass().getSimpleName());
        }

        private CompletionStage<Long> start(Target target) {
            return runner.run(target, Trigger.SCHEDULE).thenApply(CanaryScheduler::tokensUsed);
        }

        /** The target as the current catalog defines it (a reload may have changed the canary's content). */
        private Optional<Target> resolve() {
            Catalog c = catalog.get();
            Optional<CanaryDefinition> d = c.canary(key.canary());
            Optional<Pool> p = c.pool(key.pool());
            if (d.isEmpty() || p.isEmpty()) {
                return Optional.empty();
            }
            Optional<Endpoint> e = p.get().endpoints().stream().filter(x -> x.name().equals(key.endpoint()))
                    .findFirst();
            return e.map(endpoint -> new Target(d.get(), p.get(), endpoint, key.model()));
        }
    }
}
