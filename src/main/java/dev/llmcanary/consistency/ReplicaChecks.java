package dev.llmcanary.consistency;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Judges each finished answer of a consistency canary against its pool's other endpoints and keeps the published
 * series ({@code llm_canary_replica_consistent{pool,endpoint,model,canary}}, through {@link ConsistencySeries}) true to
 * the latest judgement: agrees, diverges, or absent while the endpoint cannot be judged. The answer's text is turned into tokens here and held only
 * in memory, one answer per endpoint, for at most the window; nothing of it reaches a log, span, metric or store.
 * Called on the result worker, never on an event loop: the comparison is CPU only.
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

    private record Series(ReplicaComparator.Key key, String endpoint) {
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
        Judgement j = comparator.judge(key, new Answer(endpoint, fingerprint, tokens, clock.instant()), check,
                check.windowOr(interval));
        publish(key, j);
        return j;
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
