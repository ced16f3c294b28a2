package dev.llmcanary.loadprobe.sim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A resolved load-probe plan, written by the service from a validated scenario (or by hand): where to send, what,
 * at which arrival profile, what to assert and when to abort. Read from the file named by {@code -Dplan=...}.
 *
 * @param url        the full streaming endpoint, e.g. {@code http://host:8000/v1/chat/completions}
 * @param headers    extra request headers (e.g. {@code Authorization}); never logged
 * @param rateShare  the share of the rate this process injects (1 locally, 1/N per pod in a sharded Kubernetes Job)
 * @param output     directory for {@code summary.json}, the Gatling results and the {@code stop} file
 * @param streamsFile when set, one CSV line per successful stream ({@code request id, start, first token, usage}
 *                    in {@code System.nanoTime()}) for the benchmark's comparison with the simulator's truth
 * @param maxPromptTokens caps every bucket's prompt size (a small-context server), or {@code null}
 * @param prompts     prompts sent as written instead of the bucket mix; empty for the mix
 */
public record Plan(String scenario, String pool, String url, Map<String, String> headers, String api, String model,
                   List<PromptShare> promptMix, int maxTokensMin, int maxTokensMax, Arrival arrival,
                   double durationSeconds, Assertions assertions, Abort abort, double timeoutSeconds,
                   double rateShare, String output, long seed, String streamsFile, Integer maxPromptTokens,
                   List<String> prompts) {

    public Plan {
        prompts = prompts == null ? List.of() : List.copyOf(prompts);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        promptMix = promptMix == null || promptMix.isEmpty() ? List.of(new PromptShare("<=1k", 1)) : List.copyOf(promptMix);
        rateShare = rateShare <= 0 ? 1 : rateShare;
        timeoutSeconds = timeoutSeconds <= 0 ? 60 : timeoutSeconds;
    }

    /** A context bucket and its weight. */
    public record PromptShare(String bucket, double weight) {
    }

    /** kind: constant, ramp or stairs; rates in new streams per second (before {@code rateShare}). */
    public record Arrival(String kind, double rate, double from, double to, double step, int steps,
                          double stepSeconds, boolean poisson) {
    }

    /** Null fields are not asserted. Seconds; percent. */
    public record Assertions(Double ttftP95, Double ttftP99, Double e2eP95, Double maxErrorPercent,
                             Double minOutputTokensPerSecond) {
    }

    public record Abort(double maxErrorPercent, Double maxTtftSeconds, int minRequests) {
    }

    /** The run's planned length in seconds. */
    public double plannedSeconds() {
        return "stairs".equals(arrival.kind()) ? arrival.steps() * arrival.stepSeconds() : durationSeconds;
    }

    static Plan read(Path file) throws IOException {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(file.toFile(), Plan.class);
    }
}
