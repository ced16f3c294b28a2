package dev.llmcanary.boot;

import dev.llmcanary.boot.schedule.PoolGate;
import dev.llmcanary.boot.schedule.SkipReason;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.gate.RunStarter;

/**
 * Starts a gate's runs through the pool's gate, like scheduled runs: they count against the pool's concurrency cap
 * and canary token budget and respect its quiet windows. A run over the concurrency cap is retried shortly; one the
 * budget or a quiet window refuses is skipped (the gate then ends inconclusive if too few ran).
 */
final class GateRunStarter implements RunStarter {

    private final CanaryScheduler scheduler;
    private final CanaryRunner runner;

    GateRunStarter(CanaryScheduler scheduler, CanaryRunner runner) {
        this.scheduler = scheduler;
        this.runner = runner;
    }

    @Override
    public Start start(Target target) {
        PoolGate gate = scheduler.poolGate(target.pool());
        PoolGate.Admission a = gate.admit(target.canary().priority(), target.canary().maxTokens());
        if (!a.admitted()) {
            return Start.refused("pool " + target.pool().name() + ": " + a.skipped().label(),
                    a.skipped() == SkipReason.CONCURRENCY);
        }
        PoolGate.Ticket ticket = a.ticket();
        return Start.started(runner.run(target).whenComplete((r, e) ->
                ticket.finish(e == null ? CanaryScheduler.tokensUsed(r) : null)));
    }
}
