package dev.llmcanary.canary.run;

/**
 * A stream violation as the API and logs show it.
 *
 * @param rule     the rule label, e.g. {@code stall}
 * @param reason   a human reason
 * @param atMillis when it was detected, in milliseconds after the request was written (or the attempt start)
 */
public record ViolationView(String rule, String reason, double atMillis) {
}
