package dev.llmcanary.canary;

import dev.llmcanary.consistency.Consistency;
import dev.llmcanary.consistency.Golden;
import dev.llmcanary.guardrail.Guardrail;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One synthetic prompt as configured in {@code canaries/}: what to send, where, how often and how to judge it.
 *
 * @param models   model names it runs on; {@code ["*"]} means every model of the selected pools
 * @param pools    pool names it runs on; {@code ["*"]} means every pool whose flavor fits {@link #api()}
 * @param messages the chat messages (empty for {@link Api#COMPLETION})
 * @param prompt   the completion prompt ({@code null} for {@link Api#CHAT})
 * @param stop     stop sequences, empty when none
 * @param headers  extra request headers
 * @param source   the file it came from, e.g. {@code canaries/chat-interactive.yaml}
 * @param priority which canaries give way first when a pool's token budget is spent
 * @param topP     nucleus sampling ({@code top_p}, 0 < p ≤ 1), or {@code null} for the server's default
 * @param consistency how the answers of the pool's endpoints to this canary are compared with each other, or
 *                    {@code null} when they are not
 * @param golden   the pinned golden answer every endpoint's answer is held to, or {@code null}
 */
public record CanaryDefinition(String id, String description, List<String> models, List<String> pools,
                               String sloClass, Api api, List<Message> messages, String prompt, int maxTokens,
                               Double temperature, Long seed, List<String> stop, Boolean ignoreEos,
                               Duration interval, Map<String, String> headers, ThresholdOverrides thresholds,
                               List<Guardrail> guardrails, boolean enabled, String source, Priority priority,
                               Double topP, Consistency consistency, Golden golden) {

    /** How a canary ranks when its pool's canary token budget runs short. */
    public enum Priority {
        /** Runs until the budget is overspent by {@link dev.llmcanary.canary.CanaryDefinition#NORMAL_OVERSPEND}. */
        NORMAL,
        /** Stops as soon as the budget is spent. */
        LOW
    }

    /** How far past the budget normal-priority canaries may go (0.1 = 10 %), so the important ones keep running. */
    public static final double NORMAL_OVERSPEND = 0.10;

    public CanaryDefinition {
        models = List.copyOf(models);
        pools = List.copyOf(pools);
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
        headers = Map.copyOf(headers);
        guardrails = List.copyOf(guardrails);
        thresholds = thresholds == null ? ThresholdOverrides.none() : thresholds;
        priority = priority == null ? Priority.NORMAL : priority;
    }

    /** A canary without a golden answer. */
    public CanaryDefinition(String id, String description, List<String> models, List<String> pools,
                            String sloClass, Api api, List<Message> messages, String prompt, int maxTokens,
                            Double temperature, Long seed, List<String> stop, Boolean ignoreEos,
                            Duration interval, Map<String, String> headers, ThresholdOverrides thresholds,
                            List<Guardrail> guardrails, boolean enabled, String source, Priority priority,
                            Double topP, Consistency consistency) {
        this(id, description, models, pools, sloClass, api, messages, prompt, maxTokens, temperature, seed, stop,
                ignoreEos, interval, headers, thresholds, guardrails, enabled, source, priority, topP, consistency,
                null);
    }

    /** A canary whose answers are not compared across replicas. */
    public CanaryDefinition(String id, String description, List<String> models, List<String> pools,
                            String sloClass, Api api, List<Message> messages, String prompt, int maxTokens,
                            Double temperature, Long seed, List<String> stop, Boolean ignoreEos,
                            Duration interval, Map<String, String> headers, ThresholdOverrides thresholds,
                            List<Guardrail> guardrails, boolean enabled, String source, Priority priority,
                            Double topP) {
        this(id, description, models, pools, sloClass, api, messages, prompt, maxTokens, temperature, seed, stop,
                ignoreEos, interval, headers, thresholds, guardrails, enabled, source, priority, topP, null);
    }

    /** A canary with the server's default {@code top_p}. */
    public CanaryDefinition(String id, String description, List<String> models, List<String> pools,
                            String sloClass, Api api, List<Message> messages, String prompt, int maxTokens,
                            Double temperature, Long seed, List<String> stop, Boolean ignoreEos,
                            Duration interval, Map<String, String> headers, ThresholdOverrides thresholds,
                            List<Guardrail> guardrails, boolean enabled, String source, Priority priority) {
        this(id, description, models, pools, sloClass, api, messages, prompt, maxTokens, temperature, seed, stop,
                ignoreEos, interval, headers, thresholds, guardrails, enabled, source, priority, null);
    }

    /** A canary of normal priority. */
    public CanaryDefinition(String id, String description, List<String> models, List<String> pools,
                            String sloClass, Api api, List<Message> messages, String prompt, int maxTokens,
                            Double temperature, Long seed, List<String> stop, Boolean ignoreEos,
                            Duration interval, Map<String, String> headers, ThresholdOverrides thresholds,
                            List<Guardrail> guardrails, boolean enabled, String source) {
        this(id, description, models, pools, sloClass, api, messages, prompt, maxTokens, temperature, seed, stop,
                ignoreEos, interval, headers, thresholds, guardrails, enabled, source, Priority.NORMAL);
    }

    /** Whether the canary runs on the given model (listed, or {@code *}). */
    public boolean selectsModel(String model) {
        return models.contains("*") || models.contains(model);
    }

    /** Whether the canary runs on the given pool (listed, or {@code *}). */
    public boolean selectsPool(String pool) {
        return pools.contains("*") || pools.contains(pool);
    }
}
