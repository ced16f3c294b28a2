package dev.llmcanary.boot;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.CanaryRunner;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs every enabled canary on each of its targets at the canary's interval. Each job starts at a random offset
 * within its interval so jobs sharing an interval spread out, and a job never overlaps itself: a tick that finds the
 * previous run still going is skipped.
 */
@ApplicationScoped
public class CanaryScheduler {

    private static final Logger LOG = Logger.getLogger(CanaryScheduler.class);

    private final Vertx vertx;
    private final CatalogHolder catalog;
    private final CanaryRunner runner;
    private final List<Long> timers = new ArrayList<>();

    public CanaryScheduler(Vertx vertx, CatalogHolder catalog, CanaryRunner runner) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.runner = runner;
    }

    public synchronized void start() {
        stop();
        Catalog c = catalog.get();
        int jobs = 0;
        for (CanaryDefinition d : c.canaries()) {
            if (!d.enabled()) {
                continue;
            }
            long interval = Math.max(1000, d.interval().toMillis());
            for (Target t : c.targets(d)) {
                AtomicBoolean running = new AtomicBoolean();
                long offset = 1 + ThreadLocalRandom.current().nextLong(interval);
                timers.add(vertx.setTimer(offset, id -> {
                    tick(t, running);
                    synchronized (this) {
                        timers.add(vertx.setPeriodic(interval, pid -> tick(t, running)));
                    }
                }));
                jobs++;
            }
        }
        LOG.infof("scheduled %d canary jobs", jobs);
    }

    public synchronized void stop() {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }

    private void tick(Target t, AtomicBoolean running) {
        if (!running.compareAndSet(false, true)) {
            return; // the previous run of this job is still streaming
        }
        try {
            runner.run(t).whenComplete((r, e) -> running.set(false));
        } catch (RuntimeException e) {
            running.set(false);
            LOG.warnf("canary %s on %s/%s could not start: %s", t.canary().id(), t.pool().name(),
                    t.endpoint().name(), e.getClass().getSimpleName());
        }
    }
}
