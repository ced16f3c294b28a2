package dev.llmcanary.boot;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Endpoint;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.CanaryRunner;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs every enabled canary on each of its targets at the canary's interval. Each job starts at a random offset
 * within its interval so jobs sharing an interval spread out, and a job never overlaps itself: a tick that finds the
 * previous run still going is skipped. On a configuration reload, jobs whose canary, target and interval are
 * unchanged keep their schedule; each tick runs the canary's definition as it is in the current catalog.
 */
@ApplicationScoped
public class CanaryScheduler {

    private static final Logger LOG = Logger.getLogger(CanaryScheduler.class);

    /** What identifies a job across reloads. */
    record JobKey(String canary, String pool, String endpoint, String model, long intervalMillis) {
    }

    private final Vertx vertx;
    private final CatalogHolder catalog;
    private final CanaryRunner runner;
    private final Map<JobKey, Job> jobs = new HashMap<>();
    private boolean running;

    public CanaryScheduler(Vertx vertx, CatalogHolder catalog, CanaryRunner runner) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.runner = runner;
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
    }

    /** Brings the jobs in line with the current catalog: unchanged jobs keep their timers. */
    public synchronized void reconcile() {
        Optional<Catalog> current = catalog.current();
        if (!running || current.isEmpty()) {
            return;
        }
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
        int added = 0;
        for (JobKey k : wanted) {
            if (!jobs.containsKey(k)) {
                jobs.put(k, new Job(k));
                added++;
            }
        }
        LOG.infof("scheduled %d canary jobs (%d added, %d removed, %d kept)", jobs.size(), added, removed,
                jobs.size() - added);
    }

    /** How many jobs are scheduled now. */
    public synchronized int jobCount() {
        return jobs.size();
    }

    /** The scheduled jobs by key (tests check that a reload keeps unchanged jobs as they were). */
    synchronized Map<JobKey, Object> jobs() {
        return Map.copyOf(jobs);
    }

    /** One canary on one target, ticking at its interval from a random first offset. */
    private final class Job {
        private final JobKey key;
        private final AtomicBoolean runningNow = new AtomicBoolean();
        private volatile boolean cancelled;
        private volatile long timerId;

        Job(JobKey key) {
            this.key = key;
            long offset = 1 + ThreadLocalRandom.current().nextLong(key.intervalMillis());
            timerId = vertx.setTimer(offset, id -> {
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

        private void tick() {
            if (cancelled || !runningNow.compareAndSet(false, true)) {
                return; // the previous run of this job is still streaming
            }
            try {
                Optional<Target> target = resolve();
                if (target.isEmpty()) {
                    runningNow.set(false);
                    return;
                }
                runner.run(target.get()).whenComplete((r, e) -> runningNow.set(false));
            } catch (RuntimeException e) {
                runningNow.set(false);
                LOG.warnf("canary %s on %s/%s could not start: %s", key.canary(), key.pool(), key.endpoint(),
                        e.getClass().getSimpleName());
            }
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
