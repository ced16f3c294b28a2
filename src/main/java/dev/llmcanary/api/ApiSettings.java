package dev.llmcanary.api;

import java.time.Duration;
import java.util.Optional;

/**
 * What the REST resources read from the service configuration ({@code llm-canary.api.*}, the gates' waits, the
 * status page's settings), made by the wiring so this package does not depend on the configuration root.
 *
 * @param triggerToken         the bearer token that triggers runs and gates; empty: triggering is off
 * @param adminToken           the bearer token for load probes and baselines; empty: load probes are off
 * @param maxTargetsPerTrigger the most targets one trigger may run at once
 * @param gateMaxWait          the longest {@code ?wait=} a gate request may ask for
 * @param flaggerWait          how long the Flagger webhook waits for an active gate's verdict
 * @param traceUrlTemplate     the status page's link from a trace id, {@code {traceId}} replaced; empty: no link
 * @param refreshInterval      how often the status page polls
 * @param captureContent       whether results may carry the (PII-masked) completion text
 */
public record ApiSettings(Optional<String> triggerToken, Optional<String> adminToken, int maxTargetsPerTrigger,
                          Duration gateMaxWait, Duration flaggerWait, Optional<String> traceUrlTemplate,
                          Duration refreshInterval, boolean captureContent) {

    /** Says whether each token is set, never the token: a record's own text would print both secrets. */
    @Override
    public String toString() {
        return "ApiSettings[triggerToken=" + (triggerToken.isPresent() ? "(set)" : "(unset)")
                + ", adminToken=" + (adminToken.isPresent() ? "(set)" : "(unset)")
                + ", maxTargetsPerTrigger=" + maxTargetsPerTrigger + ", gateMaxWait=" + gateMaxWait
                + ", flaggerWait=" + flaggerWait + ", traceUrlTemplate=" + traceUrlTemplate.orElse("(unset)")
                + ", refreshInterval=" + refreshInterval + ", captureContent=" + captureContent + "]";
    }
}
