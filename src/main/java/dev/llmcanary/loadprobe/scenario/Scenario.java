package dev.llmcanary.loadprobe.scenario;

import dev.llmcanary.time.CronWindow;

import java.time.Duration;
import java.util.List;

/**
 * One validated load-probe scenario from {@code scenarios/*.yaml}: what to send to which pool, at which arrival
 * profile, for how long, and what the run is judged by.
 *
 * @param id          unique scenario id (metric label {@code scenario})
 * @param source      the file it came from, e.g. {@code scenarios/sim-constant.yaml}
 * @param promptMix   context buckets with weights (weights sum to more than 0)
 * @param offPeak     when the scheduler may start it on its own, or {@code null} for on demand only
 * @param maxPromptTokens caps the prompt size of every bucket of {@code promptMix} (a server with a small context
 *                    rejects the upper part of even the smallest bucket), or {@code null}
 * @param prompts     prompts to send as written, one drawn per request, instead of the synthetic bucket prompts;
 *                    empty when the mix is used
 */
public record Scenario(String id, String source, String description, String pool, String model, Api api,
                       List<PromptShare> promptMix, MaxTokens maxTokens, Arrival arrival, Duration duration,
                       Assertions assertions, OffPeak offPeak, AbortGuards abort, Tolerances regression,
                       Integer maxPromptTokens, List<String> prompts) {

    public Scenario {
        promptMix = List.copyOf(promptMix);
        prompts = prompts == null ? List.of() : List.copyOf(prompts);
    }

    /** A scenario of synthetic prompts from the mix, uncapped. */
    public Scenario(String id, String source, String description, String pool, String model, Api api,
                    List<PromptShare> promptMix, MaxTokens maxTokens, Arrival arrival, Duration duration,
                    Assertions assertions, OffPeak offPeak, AbortGuards abort, Tolerances regression) {
        this(id, source, description, pool, model, api, promptMix, maxTokens, arrival, duration, assertions, offPeak,
                abort, regression, null, List.of());
    }

    /** The request kind: chat {@code messages} to {@code /v1/chat/completions} or a {@code prompt} to {@code /v1/completions}. */
    public enum Api { CHAT, COMPLETIONS }

    /** The prompt sizes sent: one of {@code <=1k}, {@code 1k-4k}, {@code 4k-16k}, {@code >16k} with a weight. */
    public record PromptShare(String bucket, double weight) {
        public static final List<String> BUCKETS = List.of("<=1k", "1k-4k", "4k-16k", ">16k");

        /** The smallest prompt of a bucket, in tokens: the runner's own edges (gatling {@code Prompts.range}). */
        public static int minTokens(String bucket) {
            return switch (bucket) {
                case "<=1k" -> 16;
                case "1k-4k" -> 1025;
                case "4k-16k" -> 4097;
                default -> 16385;
            };
        }
    }

    /** {@code max_tokens} drawn uniformly from {@code [min, max]} per request. */
    public record MaxTokens(int min, int max) {
    }

    /**
     * The open-model arrival profile: new streams per second regardless of how fast earlier ones finish.
     *
     * @param kind       constant (at {@code rate}), ramp ({@code from} → {@code to} over the duration) or stairs
     *                   ({@code steps} levels from {@code from}, {@code step} apart, each held {@code stepDuration})
     * @param poisson    exponential inter-arrival times (Gatling {@code randomized()}) instead of evenly spaced
     */
    public record Arrival(Kind kind, double rate, double from, double to, double step, int steps,
                          Duration stepDuration, boolean poisson) {
        public enum Kind { CONSTANT, RAMP, STAIRS }

        /** The highest rate the profile reaches (what the override limits are checked against). */
        public double peakRate() {
            return switch (kind) {
                case CONSTANT -> rate;
                case RAMP -> Math.max(from, to);
                case STAIRS -> from + step * (steps - 1);
            };
        }
    }

    /**
     * The SLO a run is judged by; a {@code null} field is not checked. Times in seconds, error in percent.
     */
    public record Assertions(Double ttftP95, Double ttftP99, Double e2eP95, Double maxErrorPercent,
                             Double minOutputTokensPerSecond) {
    }

    /** A window in which the scheduler may start the scenario: opens when the cron matches (in {@code zone}). */
    public record OffPeak(String cronExpression, com.cronutils.model.Cron cron, java.time.ZoneId zone,
                          Duration maxDuration) {

        /** The window: opens when the cron matches, stays open for {@code max_duration}. */
        public CronWindow window() {
            return new CronWindow(cron, zone, maxDuration);
        }
    }

    /**
     * Stop early, so a probe never takes a pool down: once at least {@code minRequests} finished, when the error
     * percentage or the p95 TTFT over the last second crosses its limit.
     */
    public record AbortGuards(double maxErrorPercent, Double maxTtftSeconds, int minRequests) {
        public static final AbortGuards DEFAULT = new AbortGuards(50, null, 20);
    }

    /**
     * How much worse than the baseline a run may be before it is a regression: p95 TTFT up by more than
     * {@code ttftPercent} %, achieved rate or output tokens/s down by more than their %, error rate up by more than
     * {@code errorPercentPoints}; stairs knee down by more than {@code kneePercent} %.
     */
    public record Tolerances(double ttftPercent, double ratePercent, double tokensPerSecondPercent,
                             double errorPercentPoints, double kneePercent, int minSamples) {
        public static final Tolerances DEFAULT = new Tolerances(20, 10, 15, 1, 0, 20);
    }

    /** The planned duration: the configured duration, or for stairs the sum of the steps. */
    public Duration plannedDuration() {
        return arrival.kind() == Arrival.Kind.STAIRS ? arrival.stepDuration().multipliedBy(arrival.steps()) : duration;
    }
}
