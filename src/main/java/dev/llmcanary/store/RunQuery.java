package dev.llmcanary.store;

import java.time.Instant;

/**
 * A filter over stored runs; {@code null} fields do not filter. {@code since} is inclusive, {@code until}
 * exclusive; {@code after} continues a listing after the given item.
 */
public record RunQuery(String canary, String pool, String endpoint, String model, String outcome, Instant since,
                       Instant until, int limit, Cursor after) {
}
