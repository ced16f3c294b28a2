package dev.llmcanary.gate;

import dev.llmcanary.canary.Target;

/** One run a gate will start, in start order. */
public record PlannedRun(int seq, Side side, Target target) {
}
