package dev.llmcanary.schedule;

import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.gate.RunStarter;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Starts a gate's runs through the pool's gate, like scheduled runs: they count against the pool's concurrency cap
 * and canary token budget and respect its quiet windows, and as {@link Trigger#GATE} runs they never take the slot
 * the pool keeps for its scheduled canaries, nor the budget's overspend margin ({@link PoolGate}). A run over the
 * concurrency cap is retried shortly; one the budget or a quiet window refuses is skipped and counted (the gate then
 * ends inconclusive if too few ran), as is one that can never get a slot (a pool whose only slot is the schedule's).
 */
public final class GateRunStarter implements RunStarter {

    private final Function<Pool, PoolGate> poolGates;
    private final Function<Target, CompletionStage<RunResult>> runner;
    private final SkippedRuns skipped;

    /**
     * @param poolGates the pool's gate, shared with the scheduler ({@link CanaryScheduler#poolGate})
     * @param runner    starts the run ({@code CanaryRunner::run})
     * @param skipped   counts gate runs skipped for good (waits for a slot are not skips)
     */
    public GateRunStarter(Function<Pool, PoolGate> poolGates, Function<Target, CompletionStage<RunResult>> runner,
                   SkippedRuns skipped) {
        this.poolGates = poolGates;
        this.runner = runner;
        this.skipped = skipped;
    }

    @Override
    public Start start(Target target) {
        PoolGate gate = poolGates.apply(target.pool());
        PoolGate.Admission a = gate.admit(target.canary().priority(), target.canary().maxTokens(), Trigger.GATE);
        if (!a.admitted()) {
            boolean retry = a.skipped() == SkipReason.CONCURRENCY && a.retryAfter() != null;
            if (!retry) {
                skipped.count(target.pool().name(), a.skipped(), Trigger.GATE);
            }
            return Start.refused("pool " + target.pool().name() + ": " + a.skipped().label()
                    + (a.retryAfter() == null ? " (" + a.detail() + ")" : ""), retry);
        }
        PoolGate.Ticket ticket = a.ticket();
        return Start.started(runner.apply(target).whenComplete((r, e) ->
                ticket.finish(e == null ? CanaryScheduler.tokensUsed(r) : null)));
    }
}
