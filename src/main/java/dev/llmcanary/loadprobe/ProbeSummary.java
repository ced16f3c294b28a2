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
                           double elapsedSeconds, List<Step> steps, Rejections rejections) {

    public ProbeSummary {
        steps = List.copyOf(steps);
        rejections = rejections == null ? Rejections.NONE : rejections;
    }

    /** A summary without rejected streams. */
    public ProbeSummary(long count, long errorCount, double errorPercent, Double ttftP50, Double ttftP95,
                        Double ttftP99, Double ttftMax, Double e2eP95, double achievedRate,
                        double outputTokensPerSecond, Double streamTokensPerSecondMean, String aborted,
                        double elapsedSeconds, List<Step> steps) {
        this(count, errorCount, errorPercent, ttftP50, ttftP95, ttftP99, ttftMax, e2eP95, achievedRate,
                outputTokensPerSecond, streamTokensPerSecondMean, aborted, elapsedSeconds, steps, Rejections.NONE);
    }

    /**
     * Streams that ended before any event (the runner's {@code no_event}: an HTTP error status, a refused or at once
     * closed connection) and what the server answered when the first such request was sent once more.
     *
     * @param count   how many
     * @param status  the HTTP status of that answer, or {@code null} when none came (refused, timed out)
     * @param message the server's message (extracted and masked by the service), or why there is none
     */
    public record Rejections(long count, Integer status, String message) {
        public static final Rejections NONE = new Rejections(0, null, null);

        /** "HTTP 400: request (1024 tokens) exceeds …", or the reason no answer came. */
        public String answer() {
            if (status == null) {
                return message == null ? "no answer" : message;
            }
            return "HTTP " + status + (message == null || message.isBlank() ? "" : ": " + message);
        }

        /** A client error other than timeout and rate limiting: the request itself does not fit the server. */
        public boolean requestRefused() {
            return status != null && status >= 400 && status < 500 && status != 408 && status != 429;
        }
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
                summary.path("elapsedSeconds").asDouble(), steps, rejections(k, summary.path("firstRejection")));
    }

    private static Rejections rejections(JsonNode kind, JsonNode first) {
        long count = kind.path("errors").path("no_event").asLong();
        if (count == 0) {
            return Rejections.NONE;
        }
        JsonNode status = first.path("status");
        JsonNode message = first.path("message");
        JsonNode error = first.path("error");
        return new Rejections(count, status.isInt() ? status.asInt() : null, message.isTextual() ? message.asText()
                : error.isTextual() ? "no answer: " + error.asText() : null);
    }

    private static Double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : null;
    }
}
