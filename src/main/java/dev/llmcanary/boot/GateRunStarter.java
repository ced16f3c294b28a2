package dev.llmcanary.boot;

import dev.llmcanary.boot.schedule.PoolGate;
import dev.llmcanary.boot.schedule.SkipReason;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.gate.RunStarter;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Starts a gate's runs through the pool's gate, like scheduled runs: they count against the pool's concurrency cap
 * and canary token budget and respect its quiet windows. A run over the concurrency cap is retried shortly; one the
 * budget or a quiet window refuses is skipped (the gate then ends inconclusive if too few ran).
 */
final class GateRunStarter implements RunStarter {

    private final Function<Pool, PoolGate> poolGates;
    private final Function<Target, CompletionStage<RunResult>> runner;

    /**
     * @param poolGates the pool's gate, shared with the scheduler ({@link CanaryScheduler#poolGate})
     * @param runner    starts the run ({@code CanaryRunner::run})
     */
    GateRunStarter(Function<Pool, PoolGate> poolGates, Function<Target, CompletionStage<RunResult>> runner) {
        this.poolGates = poolGates;
        this.runner = runner;
    }

    @Override
    public Start start(Target target) {
        PoolGate gate = poolGates.apply(target.pool());
        PoolGate.Admission a = gate.admit(target.canary().priority(), target.canary().maxTokens());
        if (!a.admitted()) {
            return Start.refused("pool " + target.pool().name() + ": " + a.skipped().label(),
                    a.skipped() == SkipReason.CONCURRENCY);
        }
        PoolGate.Ticket ticket = a.ticket();
        return Start.started(runner.apply(target).whenComplete((r, e) ->
                ticket.finish(e == null ? CanaryScheduler.tokensUsed(r) : null)));
    }
}
