package dev.llmcanary.stream;

/** One broken stream rule, with a reason a person can act on and the monotonic time it was detected. */
public record Violation(Rule rule, String reason, long atNanos) {
}
