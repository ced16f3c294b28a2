package dev.llmcanary.api;

import dev.llmcanary.canary.run.RunResult;

import java.util.List;

/**
 * The answer to a triggered run: the worst outcome over the targets run and every full result.
 *
 * @param outcome {@code pass} only when every run passed; otherwise {@code fail} or {@code error}
 */
public record TriggerResponse(String canary, String outcome, List<RunResult> runs) {
}
