package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a runner's {@code summary.json} that verdicts and metrics use (the full JSON is stored as is).
 * Latencies in seconds, {@code null} when there was no successful stream.
 */
public record ProbeSummary(long count, long errorCount, double errorPercent, Double ttftP50, Double ttftP95,
                           Double ttftP99, Double ttftMax, Double e2eP95, double achievedRate,
                           double outputTokensPerSecond, Double streamTokensPerSecondMean, String aborted,
                           double elapsedSeconds, List<Step> steps) {

    public ProbeSummary {
        steps = List.copyOf(steps);
    }

    /** One stairs level. */
    public record Step(double rate, long count, double errorPercent, Double ttftP95, Double ttftP99, Double e2eP95,
                       Double streamTokensPerSecondMean) {
    }

    /** Reads the first (only) request kind of a summary; the runner writes one kind per plan. */
    public static ProbeSummary from(JsonNode summary) {
        JsonNode kinds = summary.path("kinds");
        JsonNode k = kinds.isObject() && kinds.size() > 0 ? kinds.elements().next() : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : summary.path("steps")) {
            steps.add(new Step(s.path("rate").asDouble(), s.path("count").asLong(), s.path("errorPercent").asDouble(),
                    number(s.path("ttft").path("p95")), number(s.path("ttft").path("p99")),
                    number(s.path("e2e").path("p95")), number(s.path("streamTokensPerSecondMean"))));
        }
        JsonNode aborted = summary.path("aborted");
        return new ProbeSummary(k.path("count").asLong(), k.path("errorCount").asLong(),
                k.path("errorPercent").asDouble(), number(k.path("ttft").path("p50")),
                number(k.path("ttft").path("p95")), number(k.path("ttft").path("p99")),
                number(k.path("ttft").path("max")), number(k.path("e2e").path("p95")),
                k.path("achievedRate").asDouble(), k.path("outputTokensPerSecond").asDouble(),
                number(k.path("streamTokensPerSecondMean")), aborted.isTextual() ? aborted.asText() : null,
                summary.path("elapsedSeconds").asDouble(), steps);
    }

    private static Double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : null;
    }
}
