package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A load probe as the API shows it: state ({@code running}, {@code done}, {@code cancelled}, {@code failed}),
 * progress while it runs, and when done the runner's summary and the verdict.
 */
public record ProbeView(String id, String scenario, String pool, String state, String trigger, Instant startedAt,
                        Instant endedAt, Progress progress, String verdict, String reason, boolean baseline,
                        JsonNode summary, JsonNode verdictDetail, String report) {

    /** Seconds; rate is streams started in the last second. */
    public record Progress(double elapsedSeconds, double totalSeconds, double currentRate, long requests,
                           long errors) {
    }
}
