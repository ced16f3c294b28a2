package dev.llmcanary.consistency;

import java.time.Instant;

/**
 * Where one endpoint stands in its pool's comparison now, for the status page and {@code /api/fleet}: the latest
 * judgement that concerned it, with a reason a person can act on. Like the gauge it follows, it carries endpoint
 * names, token positions and fingerprints only, never a word of an answer.
 *
 * @param state  agrees, diverges, or unknown (it cannot be judged now)
 * @param reason why it diverges or cannot be judged; {@code null} when it agrees
 * @param at     when that judgement was made
 */
public record Standing(State state, String reason, Instant at) {

    /** The endpoint's standing, as the gauge {@code llm_canary_replica_consistent} would say it (1, 0, absent). */
    public enum State {
        /** Its latest answer agrees with its pool's majority. */
        AGREES,
        /** Its latest answer differs from its pool's majority. */
        DIVERGES,
        /** Too few answers, no majority, two replicas that disagree, or no recent answer: nothing is said. */
        UNKNOWN
    }
}
