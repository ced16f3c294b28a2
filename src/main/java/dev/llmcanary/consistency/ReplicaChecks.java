package dev.llmcanary.consistency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Judges each finished answer of a consistency canary against its pool's other endpoints and keeps the published
 * series ({@code llm_canary_replica_consistent{pool,endpoint,model,canary}}, through {@link ConsistencySeries}) true to
 * the latest judgement: agrees, diverges, or absent while the endpoint cannot be judged. The answer's text is turned into tokens here and held only
 * in memory, one answer per endpoint, for at most the window; nothing of it reaches a log, span, metric or store.
 * Called on the result worker, never on an event loop: the comparison is CPU only. It also keeps each endpoint's
 * {@link Standing} (the judgement with its reason) for the status page, which the gauge alone cannot say.
 */
public final class ReplicaChecks {

    /**
     * At most this many leading tokens of an answer are held and compared: the memory per endpoint stays bounded
     * whatever a server streams, and the similarity's edit distance (quadratic) stays cheap. Canary answers are far
     * shorter; the fingerprint ({@code exact}) still covers the whole answer.
     */
    public static final int MAX_TOKENS = 2048;

    private final ReplicaComparator comparator = new ReplicaComparator();
    private final ConsistencySeries series;
    private final Clock clock;
    private final Set<Series> published = new HashSet<>();
    /** Each endpoint's latest standing, with the window that bounds how long it stays true. */
    private final Map<Series, Held> standings = new HashMap<>();

    private record Series(ReplicaComparator.Key key, String endpoint) {
    }

    private record Held(Standing standing, Duration window) {
    }

    public ReplicaChecks(ConsistencySeries series, Clock clock) {
        this.series = series;
        this.clock = clock;
    }

    /**
     * Records {@code text} as {@code endpoint}'s latest answer and judges it.
     *
     * @param interval    the canary's interval, for the default window
     * @param fingerprint the completion's fingerprint (the run result's {@code completionSha256})
     * @param text        the completion; compared here and then dropped with the answer
     */
    public synchronized Judgement judge(ReplicaComparator.Key key, String endpoint, Consistency check, Duration interval,
                           String fingerprint, String text) {
        List<String> tokens = Answers.tokens(text);
        if (tokens.size() > MAX_TOKENS) {
            tokens = tokens.subList(0, MAX_TOKENS);
        }
        Instant now = clock.instant();
        Duration window = check.windowOr(interval);
        Judgement j = comparator.judge(key, new Answer(endpoint, fingerprint, tokens, now), check, window);
        publish(key, j);
        remember(key, j, now, window);
        return j;
    }

    /**
     * Where {@code endpoint} stands in the comparison {@code key} now; empty when it never took part. A standing
     * older than the comparison's window is {@link Standing.State#UNKNOWN}: the answers it rested on are gone.
     */
    public synchronized Optional<Standing> standing(ReplicaComparator.Key key, String endpoint) {
        Held h = standings.get(new Series(key, endpoint));
        if (h == null) {
            return Optional.empty();
        }
        if (h.standing().at().isBefore(clock.instant().minus(h.window()))) {
            return Optional.of(new Standing(Standing.State.UNKNOWN, "not judged within the window ("
                    + seconds(h.window()) + "): no recent answer from the pool", h.standing().at()));
        }
        return Optional.of(h.standing());
    }

    /** Each endpoint of the comparison gets its standing from this judgement, with a reason unless it agrees. */
    private void remember(ReplicaComparator.Key key, Judgement j, Instant now, Duration window) {
        for (String e : j.compared()) {
            Standing s;
            Boolean agrees = j.consistent().get(e);
            if (agrees != null) {
                s = agrees ? new Standing(Standing.State.AGREES, null, now)
                        : new Standing(Standing.State.DIVERGES, j.reasons().get(e), now);
            } else {
                s = new Standing(Standing.State.UNKNOWN, unjudged(j), now);
            }
            standings.put(new Series(key, e), new Held(s, window));
        }
        // an endpoint whose answer fell out of the window is no longer part of the comparison
        for (Map.Entry<Series, Held> e : standings.entrySet()) {
            if (e.getKey().key().equals(key) && !j.compared().contains(e.getKey().endpoint())) {
                e.setValue(new Held(new Standing(Standing.State.UNKNOWN, "no answer within the window ("
                        + seconds(window) + ")", now), window));
            }
        }
    }

    /** Why nothing could be said about the comparison's endpoints. */
    private static String unjudged(Judgement j) {
        int n = j.compared().size();
        if (j.verdict() == Judgement.Verdict.TWO_DISAGREE) {
            return j.reason();
        }
        if (n < 2) {
            return "only one endpoint answered within the window: a majority needs three";
        }
        if (n == 2) {
            return "only two endpoints answered within the window and they agree: a majority needs three";
        }
        return "no majority among the " + n + " answers within the window";
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /** Sets each judged endpoint's series and removes those of the comparison's endpoints that cannot be judged. */
    private void publish(ReplicaComparator.Key key, Judgement j) {
        for (Map.Entry<String, Boolean> e : j.consistent().entrySet()) {
            published.add(new Series(key, e.getKey()));
            series.consistent(key, e.getKey(), e.getValue());
        }
        List<Series> unjudged = new ArrayList<>();
        for (Series s : published) {
            if (s.key().equals(key) && !j.consistent().containsKey(s.endpoint())) {
                unjudged.add(s);
            }
        }
        unjudged.forEach(this::remove);
    }

    /**
     * Forgets the answers and series of comparisons and endpoints the configuration no longer has (a reload, or
     * discovery removing an endpoint), so memory and series follow the configuration.
     *
     * @param liveKey      whether a pool × model × canary still compares its replicas
     * @param liveEndpoint whether a pool still has the endpoint
     */
    public synchronized void retain(Predicate<ReplicaComparator.Key> liveKey,
                                    BiPredicate<String, String> liveEndpoint) {
        comparator.retain(liveKey, liveEndpoint);
        standings.keySet().removeIf(s -> !liveKey.test(s.key()) || !liveEndpoint.test(s.key().pool(), s.endpoint()));
        List<Series> gone = new ArrayList<>();
        for (Series s : published) {
            if (!liveKey.test(s.key()) || !liveEndpoint.test(s.key().pool(), s.endpoint())) {
                gone.add(s);
            }
        }
        gone.forEach(this::remove);
    }

    private void remove(Series s) {
        published.remove(s);
        series.unjudged(s.key(), s.endpoint());
    }
}
