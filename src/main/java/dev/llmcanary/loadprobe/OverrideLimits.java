package dev.llmcanary.loadprobe;

import dev.llmcanary.canary.Refusal;
import dev.llmcanary.loadprobe.scenario.Scenario;

/**
 * What an on-demand probe may ask for: a rate and a duration within the service's caps
 * ({@code llm-canary.load-probes.max-rate}, {@code max-duration}), neither for a stairs scenario, and no scenario
 * whose own peak exceeds the rate cap.
 */
final class OverrideLimits {

    private final LoadProbeSettings settings;

    OverrideLimits(LoadProbeSettings settings) {
        this.settings = settings;
    }

    /** Throws {@link ProbeRejected} ({@link Refusal#INVALID}) saying which limit the request breaks. */
    void check(Scenario s, Overrides o) {
        boolean stairs = s.arrival().kind() == Scenario.Arrival.Kind.STAIRS;
        if (o.rate() != null) {
            if (stairs) {
                throw new ProbeRejected(Refusal.INVALID, "rate cannot be overridden for a stairs scenario");
            }
            if (!(o.rate() > 0) || o.rate() > settings.maxRate()) {
                throw new ProbeRejected(Refusal.INVALID, "rate must be greater than 0 and at most " + settings.maxRate()
                        + " (llm-canary.load-probes.max-rate), got " + o.rate());
            }
        }
        if (o.duration() != null) {
            if (stairs) {
                throw new ProbeRejected(Refusal.INVALID, "duration cannot be overridden for a stairs scenario");
            }
            if (o.duration().isZero() || o.duration().isNegative()
                    || o.duration().compareTo(settings.maxDuration()) > 0) {
                throw new ProbeRejected(Refusal.INVALID, "duration must be greater than 0 and at most "
                        + settings.maxDuration().toSeconds() + "s (llm-canary.load-probes.max-duration), got "
                        + o.duration().toSeconds() + "s");
            }
        }
        if (o.rate() == null && s.arrival().peakRate() > settings.maxRate()) {
            throw new ProbeRejected(Refusal.INVALID, "the scenario's peak rate " + s.arrival().peakRate()
                    + " exceeds llm-canary.load-probes.max-rate " + settings.maxRate());
        }
    }
}
