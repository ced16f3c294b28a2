package dev.llmcanary.schedule;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.run.Trigger;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What one job does at each tick: never overlap its own previous run, then ask the endpoint's guard and the pool's
 * gate, then (when replicas share the work) claim the tick, then start the run and give the gate back its slot and
 * the real token count when it ends. Every skipped tick is reported.
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
        Held held = reserve(guard, gate, priority, reservedTokens);
        if (held.skipped != null) {
            return skipped(held.skipped);
        }
        start(held, run);
        return Optional.empty();
    }

    /**
     * Like {@link #tick(EndpointGuard, PoolGate, CanaryDefinition.Priority, long, Supplier)} when replicas share the
     * work: the local checks come first, and only a tick this replica would run is claimed, so a tick the claim's
     * winner would skip for a local reason (overlap, breaker, pool limits) is left to a replica that can run it. A
     * lost claim gives back everything the local checks reserved and is skipped with the claim's reason
     * ({@code claimed_elsewhere}, or {@code other_replicas_share} while the store is down).
     *
     * @param claim claims the tick's slot; completes empty when this replica runs it, else with why not
     * @return completes with why the tick was skipped, empty when the run started
     */
    public CompletionStage<Optional<SkipReason>> tick(EndpointGuard guard, PoolGate gate,
                                                      CanaryDefinition.Priority priority, long reservedTokens,
                                                      Supplier<CompletionStage<Optional<SkipReason>>> claim,
                                                      Supplier<CompletionStage<Long>> run) {
        Held held = reserve(guard, gate, priority, reservedTokens);
        if (held.skipped != null) {
            return CompletableFuture.completedFuture(skipped(held.skipped));
        }
        CompletionStage<Optional<SkipReason>> claimed;
        try {
            claimed = claim.get();
        } catch (RuntimeException e) {
            held.giveBack();
            throw e;
        }
        return claimed.handle((lost, error) -> {
            if (error != null || lost == null || lost.isPresent()) {
                held.giveBack();
                if (error != null) {
                    throw new CompletionException(error);
                }
                return skipped(lost == null ? SkipReason.CLAIMED_ELSEWHERE : lost.get());
            }
            start(held, run);
            return Optional.<SkipReason>empty();
        });
    }

    /** What the local checks reserved for one tick, or why it is skipped. */
    private final class Held {
        final SkipReason skipped;
        final EndpointGuard.Permit permit;
        final PoolGate.Ticket ticket;

        Held(SkipReason skipped, EndpointGuard.Permit permit, PoolGate.Ticket ticket) {
            this.skipped = skipped;
            this.permit = permit;
            this.ticket = ticket;
        }

        /** Nothing was sent: the pool's slot and tokens, the breaker's probe and the overlap guard go back. */
        void giveBack() {
            ticket.cancel();
            release(permit);
            running.set(false);
        }
    }

    /** The local checks, in order: overlap, then the endpoint's guard, then the pool's gate. */
    private Held reserve(EndpointGuard guard, PoolGate gate, CanaryDefinition.Priority priority, long reservedTokens) {
        if (!running.compareAndSet(false, true)) {
            return new Held(SkipReason.OVERLAP, null, null);
        }
        EndpointGuard.Permit permit = null;
        if (guard != null) {
            EndpointGuard.Admission allowed = guard.admit();
            if (!allowed.admitted()) {
                running.set(false);
                return new Held(allowed.skipped(), null, null);
            }
            permit = allowed.permit();
        }
        PoolGate.Admission admission = gate.admit(priority, reservedTokens, Trigger.SCHEDULE);
        if (!admission.admitted()) {
            release(permit);
            running.set(false);
            return new Held(admission.skipped(), null, null);
        }
        return new Held(null, permit, admission.ticket());
    }

    private void start(Held held, Supplier<CompletionStage<Long>> run) {
        try {
            run.get().whenComplete((used, error) -> {
                held.ticket.finish(error == null ? used : null);
                if (error != null) {
                    release(held.permit); // no result reached the guard: let another tick probe
                }
                running.set(false);
            });
        } catch (RuntimeException e) {
            held.giveBack();
            throw e;
        }
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
