package dev.llmcanary.store;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The run store's background work: migrate at start (without failing the start when the database is down), retry
 * buffered results, and purge runs past their retention or over the size cap, and slot claims and heartbeats older
 * than a day. Scheduler threads, never the event loop. (The replicas' heartbeat is the scheduler's:
 * {@code schedule/HeartbeatJob}.)
 */
@ApplicationScoped
public class StoreJobs {

    private static final Logger LOG = Logger.getLogger(StoreJobs.class);

    /** Scheduler slot claims older than this only matter to nobody: slots that old are long past. */
    static final Duration CLAIM_RETENTION = Duration.ofDays(1);

    private final RunStore store;
    private final JobClaims claims;
    private final ReplicaHeartbeats heartbeats;

    public StoreJobs(RunStore store, JobClaims claims, ReplicaHeartbeats heartbeats) {
        this.store = store;
        this.claims = claims;
        this.heartbeats = heartbeats;
    }

    void onStart(@Observes StartupEvent event) {
        if (!store.flush()) {
            LOG.warn("run store unavailable at start; results are buffered until it answers");
        }
    }

    @Scheduled(every = "${llm-canary.store.retry-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retry() {
        store.flush();
    }

    @Scheduled(every = "${llm-canary.store.purge-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        try {
            int deleted = store.purge(Instant.now());
            if (deleted > 0) {
                LOG.infof("purged %d runs past their retention or over the size cap", deleted);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("run purge skipped, store unavailable (%s)", e.toString());
        }
        try {
            claims.purge(Instant.now().minus(CLAIM_RETENTION));
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("claim purge skipped, store unavailable (%s)", e.getClass().getSimpleName());
        }
        try {
            heartbeats.purge(Instant.now().minus(CLAIM_RETENTION));
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("heartbeat purge skipped (%s)", e.getClass().getSimpleName());
        }
    }
}
