package dev.llmcanary.consistency;

import java.util.Map;

/**
 * What one comparison established for the endpoint that just answered, and the agreement of every endpoint that
 * took part.
 *
 * @param verdict    the answering endpoint's verdict
 * @param reason     for {@link Verdict#DIVERGES} and {@link Verdict#TWO_DISAGREE}, a reason naming endpoints and the
 *                   first differing token position (never the tokens); {@code null} otherwise
 * @param consistent for every endpoint whose agreement could be judged, whether it agrees with the majority; empty
 *                   when nothing could be judged (the gauge is then absent)
 * @param compared   every endpoint whose latest answer took part
 * @param reasons    for every endpoint that diverges from the majority (not only the one that answered), why: the
 *                   status page shows each endpoint's standing with its reason
 * @param difference for a violation, where the answers part with a few tokens of each (in memory only: shown,
 *                   masked, only when content capture is on); {@code null} otherwise or when they differ in spacing
 *                   only
 */
public record Judgement(Verdict verdict, String reason, Map<String, Boolean> consistent,
                        java.util.Set<String> compared, Map<String, String> reasons, Difference difference) {

    public Judgement {
        consistent = Map.copyOf(consistent);
        compared = java.util.Set.copyOf(compared);
        reasons = Map.copyOf(reasons);
    }

    /** A judgement that blames no endpoint beyond {@code reason}, without tokens. */
    public Judgement(Verdict verdict, String reason, Map<String, Boolean> consistent,
                     java.util.Set<String> compared) {
        this(verdict, reason, consistent, compared, Map.of(), null);
    }

    /** The answering endpoint's standing. */
    public enum Verdict {
        /** It agrees with a majority of at least three answers. */
        AGREES,
        /** It differs from a majority of at least three answers: a {@code replica_divergence}. */
        DIVERGES,
        /** Only two endpoints answered and they differ: neither can be blamed. */
        TWO_DISAGREE,
        /** Too few answers, or no majority: nothing is said. */
        UNJUDGED
    }

    /** Whether the run gets a {@code replica_divergence} violation. */
    public boolean violation() {
        return verdict == Verdict.DIVERGES || verdict == Verdict.TWO_DISAGREE;
    }
}
