package dev.llmcanary.store;

import java.time.Duration;

/** How long stored runs are kept: failures (fail and error) longer than passes, as they are what people debug. */
public record Retention(Duration successes, Duration failures) {
}
