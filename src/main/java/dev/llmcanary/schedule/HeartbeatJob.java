package dev.llmcanary.schedule;

import dev.llmcanary.store.ReplicaHeartbeats;
import dev.llmcanary.store.StoreStatus;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.SQLException;

/**
 * With replicas sharing the store: records this one alive, learns who else is (the outage share of the slot claims
 * is computed over the last answer), and, while the store is down, is the probe that brings it back. A scheduler
 * thread, never the event loop.
 */
@ApplicationScoped
public class HeartbeatJob {

    private final SlotClaims slotClaims;
    private final ReplicaHeartbeats heartbeats;
    private final StoreStatus status;
    private final SchedulerSettings settings;

    public HeartbeatJob(SlotClaims slotClaims, ReplicaHeartbeats heartbeats, StoreStatus status,
                        SchedulerSettings settings) {
        this.slotClaims = slotClaims;
        this.heartbeats = heartbeats;
        this.status = status;
        this.settings = settings;
    }

    @Scheduled(every = "${llm-canary.scheduler.heartbeat-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        if (!slotClaims.enabled()) {
            return;
        }
        try {
            slotClaims.replicasSeen(heartbeats.beat(settings.replicaTimeout()));
            status.ok();
        } catch (SQLException | RuntimeException e) {
            status.failed("heartbeat", e);
        }
    }
}
