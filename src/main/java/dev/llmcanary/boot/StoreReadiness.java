package dev.llmcanary.boot;

import dev.llmcanary.store.RunStore;
import dev.llmcanary.store.StoreStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The run store's state as a note on readiness, never a reason to be unready: with the store down the canaries keep
 * running (results buffered, ticks shared by the outage policy), and taking the pod out of service — or restarting it
 * — would only lose the buffer. {@code llm_canary_store_up} and its alert say it to people.
 */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {

    private final StoreStatus status;
    private final RunStore store;

    public StoreReadiness(StoreStatus status, RunStore store) {
        this.status = status;
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        StoreStatus.Snapshot s = status.snapshot();
        var b = HealthCheckResponse.named("run-store").up()
                .withData("store", s.up() ? "up" : "down")
                .withData("buffered_results", store.buffered());
        if (!s.up()) {
            b.withData("down_since", s.since().toString()).withData("reason", s.reason())
                    .withData("note", "canaries keep running; results are buffered and written when it is back");
        }
        return b.build();
    }
}
