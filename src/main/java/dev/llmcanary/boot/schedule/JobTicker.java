package dev.llmcanary.boot.schedule;

import dev.llmcanary.canary.CanaryDefinition;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What one job does at each tick: never overlap its own previous run, then ask the pool's gate, then start the run
 * and give the gate back its slot and the real token count when it ends. Every skipped tick is reported.
 */
public final class JobTicker {

    private final AtomicBoolean running = new AtomicBoolean();
    private final Consumer<SkipReason> onSkip;

    /** @param onSkip told each skipped tick's reason (the scheduler counts it per pool) */
    public JobTicker(Consumer<SkipReason> onSkip) {
        this.onSkip = onSkip;
    }

    /**
     * Starts {@code run} unless the tick must be skipped.
     *
     * @param run starts the canary; its stage yields the prompt + output tokens used, or {@code null} when unknown
     * @return why the tick was skipped, empty when the run started
     */
    public Optional<SkipReason> tick(PoolGate gate, CanaryDefinition.Priority priority, long reservedTokens,
                                     Supplier<CompletionStage<Long>> run) {
        return tick(null, gate, priority, reservedTokens, run);
    }

    /**
     * Like {@link #tick(PoolGate, CanaryDefinition.Priority, long, Supplier)}, asking the endpoint's guard (circuit
     * breaker, 429 wait) after the overlap check and before the pool's gate, so a broken endpoint takes no slot.
     *
     * @param guard the endpoint's guard, {@code null} for none
     */
    public Optional<SkipReason> tick(EndpointGuard guard, PoolGate gate, CanaryDefinition.Priority priority,
                                     long reservedTokens, Supplier<CompletionStage<Long>> run) {
        if (!running.compareAndSet(false, true)) {
            return skipped(SkipReason.OVERLAP);
        }
        EndpointGuard.Permit permit = null;
        if (guard != null) {
            EndpointGuard.Admission allowed = guard.admit();
            if (!allowed.admitted()) {
                running.set(false);
                return skipped(allowed.skipped());
            }
            permit = allowed.permit();
        }
        PoolGate.Admission admission = gate.admit(priority, reservedTokens);
        if (!admission.admitted()) {
            release(permit);
            running.set(false);
            return skipped(admission.skipped());
        }
        PoolGate.Ticket ticket = admission.ticket();
        EndpointGuard.Permit held = permit;
        try {
            run.get().whenComplete((used, error) -> {
                ticket.finish(error == null ? used : null);
                if (error != null) {
                    release(held); // no result reached the guard: let another tick probe
                }
                running.set(false);
            });
        } catch (RuntimeException e) {
            ticket.finish(0L); // nothing was sent
            release(permit);
            running.set(false);
            throw e;
        }
        return Optional.empty();
    }

    private static void release(EndpointGuard.Permit permit) {
        if (permit != null) {
            permit.release();
        }
    }

    /** Whether the job's previous run is still going. */
    public boolean running() {
        return running.get();
    }

    private Optional<SkipReason> skipped(SkipReason reason) {
        onSkip.accept(reason);
        return Optional.of(reason);
    }
}
