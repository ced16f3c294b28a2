package dev.llmcanary.gate;

import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.RunResult;

import java.util.concurrent.CompletionStage;

/** Starts one canary run for a gate, or says why it may not start now (the pool's budget, quiet window, cap). */
@FunctionalInterface
public interface RunStarter {

    /** The outcome of asking: a run in progress, or a refusal. */
    record Start(CompletionStage<RunResult> run, String refused, boolean retry) {
        public static Start started(CompletionStage<RunResult> run) {
            return new Start(run, null, false);
        }

        /** @param retry whether asking again shortly may succeed (a concurrency cap), or the run is skipped */
        public static Start refused(String reason, boolean retry) {
            return new Start(null, reason, retry);
        }
    }

    Start start(Target target);
}
