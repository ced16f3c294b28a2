package dev.llmcanary.store;

import dev.llmcanary.telemetry.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Whether the run store answers, as its last statement found (a claim, a result write, a heartbeat): the scheduler
 * stops asking a store that is down (ticks are then decided by the outage share) and results go straight to the
 * buffer; the heartbeat keeps probing and brings it back. Exported as {@code llm_canary_store_up}. Thread-safe.
 */
public final class StoreStatus {

    private static final Logger LOG = Logger.getLogger(StoreStatus.class);

    /** What the status page and readiness note show. */
    public record Snapshot(boolean up, Instant since, String reason) {
    }

    private final Clock clock;
    // Optimistic until a statement fails: the first claim or write finds out, within its budget.
    private volatile Snapshot state;

    public StoreStatus(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        this.state = new Snapshot(true, clock.instant(), null);
        Gauge.builder(MetricNames.STORE_UP, this, s -> s.up() ? 1 : 0)
                .description("1 when the run store's last statement succeeded, 0 while it cannot be reached")
                .register(registry);
    }

    public boolean up() {
        return state.up();
    }

    public Snapshot snapshot() {
        return state;
    }

    /** A statement succeeded. */
    public void ok() {
        if (!state.up()) {
            synchronized (this) {
                if (!state.up()) {
                    LOG.infof("run store reachable again after %s", java.time.Duration.between(state.since(),
                            clock.instant()));
                    state = new Snapshot(true, clock.instant(), null);
                }
            }
        }
    }

    /**
     * A statement failed or did not answer in time.
     *
     * @param what what was tried ("slot claim", "result write", …), for the log and the readiness note
     */
    public void failed(String what, Throwable cause) {
        // Only the exception's class: a driver message may carry host names or user names.
        String reason = what + ": " + (cause == null ? "no answer" : cause.getClass().getSimpleName());
        if (state.up()) {
            synchronized (this) {
                if (state.up()) {
                    LOG.warnf("run store unreachable (%s): scheduled ticks follow the outage share, results are "
                            + "buffered", reason);
                    state = new Snapshot(false, clock.instant(), reason);
                }
            }
        }
    }
}
