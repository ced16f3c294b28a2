package dev.llmcanary.loadprobe;

import java.time.Instant;

/** A finished (or running) load probe as stored: the summary and verdict are JSON text, the report is a zip. */
public record StoredProbe(String id, String scenario, String pool, String state, String verdict, String reason,
                          String trigger, Instant startedAt, Instant endedAt, boolean baseline, String summaryJson,
                          String verdictJson, boolean hasReport) {
}
