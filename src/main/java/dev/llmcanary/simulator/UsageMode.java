package dev.llmcanary.simulator;

import java.util.Locale;

/** How token usage is reported on OpenAI routes. */
public enum UsageMode {
    /** No usage at all. */
    NONE,
    /** One extra chunk with {@code "choices":[]} after the finish chunk. */
    SEPARATE,
    /** Usage attached to the finish chunk. */
    FINAL,
    /** Cumulative usage on every chunk, plus the separate usage chunk at the end. */
    CONTINUOUS;

    public static UsageMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown usage mode '" + text + "'", e);
        }
    }
}
