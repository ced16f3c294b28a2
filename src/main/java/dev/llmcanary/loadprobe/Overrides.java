package dev.llmcanary.loadprobe;

import java.time.Duration;

/**
 * What an on-demand request may change: the rate (constant: the rate; ramp: the end rate; stairs: rejected) and
 * the duration (not for stairs). {@code null} keeps the scenario's value.
 */
public record Overrides(Double rate, Duration duration) {
    public static final Overrides NONE = new Overrides(null, null);
}
