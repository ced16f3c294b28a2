package dev.llmcanary.canary;

import dev.llmcanary.consistency.IdentityPin;
import dev.llmcanary.evidence.EvidenceSettings;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.client.discovery.Discovery;
import dev.llmcanary.time.CronWindow;

import com.cronutils.model.Cron;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A group of interchangeable inference endpoints that speak one flavor, run on one device type and serve the
 * same models.
 *
 * @param apiKeyEnv the environment variable holding the bearer token, or {@code null}; read at request time, never
 *                  at load
 * @param scheduling how the scheduler may load the pool with canaries
 * @param discovery  where further endpoints are discovered, or {@code null} for the static list only
 * @param evidence   where the servers' own metrics are read to explain failed runs, or {@code null} for nowhere
 * @param expectedIdentity what every endpoint must report it serves ({@code expected_identity:}: a
 *                   {@code system_fingerprint}, or values by source such as {@code model_sha}), or {@code null} when
 *                   any is accepted
 */
public record Pool(String name, String deviceType, Flavor flavor, List<Endpoint> endpoints, List<String> models,
                   String apiKeyEnv, RequireDone requireDone, Cumulative cumulative, Map<String, String> labels,
                   Scheduling scheduling, Discovery discovery, EvidenceSettings evidence,
                   IdentityPin expectedIdentity) {

    public Pool {
        endpoints = List.copyOf(endpoints);
        models = List.copyOf(models);
        labels = Map.copyOf(labels);
        scheduling = scheduling == null ? Scheduling.defaults() : scheduling;
    }

    /** A pool that expects no particular identity. */
    public Pool(String name, String deviceType, Flavor flavor, List<Endpoint> endpoints, List<String> models,
                String apiKeyEnv, RequireDone requireDone, Cumulative cumulative, Map<String, String> labels,
                Scheduling scheduling, Discovery discovery, EvidenceSettings evidence) {
        this(name, deviceType, flavor, endpoints, models, apiKeyEnv, requireDone, cumulative, labels, scheduling,
                discovery, evidence, null);
    }

    /** A pool that reads no server evidence. */
    public Pool(String name, String deviceType, Flavor flavor, List<Endpoint> endpoints, List<String> models,
                String apiKeyEnv, RequireDone requireDone, Cumulative cumulative, Map<String, String> labels,
                Scheduling scheduling, Discovery discovery) {
        this(name, deviceType, flavor, endpoints, models, apiKeyEnv, requireDone, cumulative, labels, scheduling,
                discovery, null);
    }

    /** A pool with static endpoints only. */
    public Pool(String name, String deviceType, Flavor flavor, List<Endpoint> endpoints, List<String> models,
                String apiKeyEnv, RequireDone requireDone, Cumulative cumulative, Map<String, String> labels,
                Scheduling scheduling) {
        this(name, deviceType, flavor, endpoints, models, apiKeyEnv, requireDone, cumulative, labels, scheduling,
                null);
    }

    /** This pool with another endpoint list (its static endpoints plus discovered ones). */
    public Pool withEndpoints(List<Endpoint> all) {
        return new Pool(name, deviceType, flavor, all, models, apiKeyEnv, requireDone, cumulative, labels,
                scheduling, discovery, evidence, expectedIdentity);
    }

    /** A pool with the default scheduling limits. */
    public Pool(String name, String deviceType, Flavor flavor, List<Endpoint> endpoints, List<String> models,
                String apiKeyEnv, RequireDone requireDone, Cumulative cumulative, Map<String, String> labels) {
        this(name, deviceType, flavor, endpoints, models, apiKeyEnv, requireDone, cumulative, labels,
                Scheduling.defaults());
    }

    /**
     * The limits the scheduler keeps on one pool, so canaries never become load themselves.
     *
     * @param maxConcurrentCanaries canary runs in flight on the pool at once (all endpoints together)
     * @param tokenBudgetPerHour    prompt + output tokens canaries may spend in a rolling hour, {@code null} for
     *                              unlimited
     * @param quietWindows          periods in which no canary runs on the pool
     */
    public record Scheduling(int maxConcurrentCanaries, Long tokenBudgetPerHour, List<QuietWindow> quietWindows) {

        public static final int DEFAULT_MAX_CONCURRENT_CANARIES = 4;

        public Scheduling {
            quietWindows = List.copyOf(quietWindows);
        }

        public static Scheduling defaults() {
            return new Scheduling(DEFAULT_MAX_CONCURRENT_CANARIES, null, List.of());
        }
    }

    /**
     * A recurring period without canaries: it opens at each time {@code cron} matches in {@code zone} and stays
     * open for {@code duration} of elapsed time.
     *
     * @param expression the cron text as configured (for messages and the API)
     */
    public record QuietWindow(String expression, Cron cron, Duration duration, ZoneId zone) {

        /** The window as the recurring-window rule shared with load probes' off-peak windows. */
        public CronWindow window() {
            return new CronWindow(cron, zone, duration);
        }
    }

    /** Whether a stream without {@code [DONE]} is a violation, with {@code auto} resolved from the flavor. */
    public boolean requiresDone() {
        return switch (requireDone) {
            case AUTO -> flavor.sendsDone();
            case TRUE -> true;
            case FALSE -> false;
        };
    }
}
