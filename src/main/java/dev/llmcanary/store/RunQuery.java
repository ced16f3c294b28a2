package dev.llmcanary.store;

import dev.llmcanary.canary.run.Trigger;

import java.time.Instant;

/**
 * A filter over stored runs; {@code null} fields do not filter. {@code since} is inclusive, {@code until}
 * exclusive; {@code after} continues a listing after the given item; {@code trigger} keeps only the runs one kind
 * of caller started.
 */
public record RunQuery(String canary, String pool, String endpoint, String model, String outcome, Instant since,
                       Instant until, int limit, Cursor after, Trigger trigger) {

    /** A filter over runs of every trigger. */
    public RunQuery(String canary, String pool, String endpoint, String model, String outcome, Instant since,
                    Instant until, int limit, Cursor after) {
        this(canary, pool, endpoint, model, outcome, since, until, limit, after, null);
    }
}
