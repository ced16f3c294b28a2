package dev.llmcanary.canary.run;

import dev.llmcanary.consistency.IdentityTracker;

import java.time.Instant;

/**
 * The identity change a run's stream revealed, as stored with the run and shown by the API: the endpoint reported
 * another identity than on its previous scheduled run. Readable values only (a fingerprint that is not a plain
 * identifier is its {@code sha256:} hash prefix, see {@link IdentityTracker#readable}).
 *
 * @param at     when the change was noticed (the run's end)
 * @param source what said it, an {@code IdentitySource} label, e.g. {@code fingerprint} or {@code model_sha}
 * @param from   what the endpoint reported before
 * @param to     what it reports now
 */
public record IdentityChangeView(Instant at, String source, String from, String to) {

    static IdentityChangeView of(IdentityTracker.Change c) {
        return new IdentityChangeView(c.at(), c.source().label(), c.from(), c.to());
    }
}
