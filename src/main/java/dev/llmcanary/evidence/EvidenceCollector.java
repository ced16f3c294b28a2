package dev.llmcanary.evidence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps each endpoint's newest scrape and turns it into evidence for a run: "before" is that scrape when it is fresh
 * and older than the run (no request is made before or during a run, so the measurement is never delayed); "after"
 * is a scrape made once the stream has ended. Scrapes are rate-limited per endpoint; a run that passes may refresh
 * the cache (within the limit) so the next failure has a "before".
 */
public final class EvidenceCollector {

    private final FigureSource source;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    public EvidenceCollector(FigureSource source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    /** An endpoint's newest successful scrape and when the last scrape (of any result) started. */
    private record State(EvidenceFigures latest, Map<Figure, double[]> counters, Instant lastStarted) {
        static final State EMPTY = new State(null, Map.of(), Instant.EPOCH);
    }

    /** The evidence of one run in the making: the "before" side is fixed when the run starts. */
    public final class Pending {
        private final EvidenceSettings settings;
        private final ScrapeTarget target;
        private final Instant startedAt;
        private final EvidenceFigures before;

        private Pending(EvidenceSettings settings, ScrapeTarget target, Instant startedAt, EvidenceFigures before) {
            this.settings = settings;
            this.target = target;
            this.startedAt = startedAt;
            this.before = before;
        }

        /**
         * The run's evidence, with an "after" scrape taken now (or the newest one, if the rate limit allows none
         * and a scrape happened since the run started). Always completes normally.
         *
         * @param symptom what went wrong, for the hint, e.g. "TTFT over threshold"
         */
        public CompletionStage<Evidence> explain(String symptom) {
            List<String> errors = new ArrayList<>();
            if (before == null) {
                errors.add("before: no scrape in the " + seconds(settings.maxAge()) + " before the run");
            }
            CompletionStage<EvidenceFigures> after;
            boolean[] afterFailed = {false};
            Scheduled s = schedule(settings, target);
            if (s.stage != null) {
                after = s.stage.thenApply(scrape -> {
                    scrape.errors().forEach(e -> errors.add("after: " + e));
                    afterFailed[0] = scrape.figures().isEmpty();
                    return scrape.figures().isEmpty() ? null : new EvidenceFigures(clock.instant(), scrape.figures());
                });
            } else {
                EvidenceFigures latest = states.getOrDefault(target.key(), State.EMPTY).latest();
                if (latest != null && !latest.at().isBefore(startedAt)) {
                    after = CompletableFuture.completedFuture(latest);
                } else {
                    errors.add("after: skipped: rate limit (one scrape per " + seconds(settings.minInterval())
                            + " per endpoint)");
                    after = CompletableFuture.completedFuture(null);
                }
            }
            return after.thenApply(a -> new Evidence(settings.describe(), before, a,
                    Hints.of(symptom, before, a, afterFailed[0]), errors));
        }

        /** The newest scrape of the endpoint taken within {@code max_age} before the run, or {@code null}. */
        public EvidenceFigures before() {
            return before;
        }

        /** How long {@link #explain} may take at most: the scrape timeouts fire well before. */
        public Duration deadline() {
            return settings.timeout().plusSeconds(1);
        }

        /** Evidence with only the "before" side, when the "after" side failed in an unexpected way. */
        public Evidence unavailable(Throwable t) {
            Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                    ? t.getCause() : t;
            String why = cause instanceof java.util.concurrent.TimeoutException ? "timeout after "
                    + seconds(deadline()) : cause.getClass().getSimpleName();
            List<String> errors = new ArrayList<>();
            if (before == null) {
                errors.add("before: no scrape in the " + seconds(settings.maxAge()) + " before the run");
            }
            errors.add("after: unavailable: " + why);
            return new Evidence(settings.describe(), before, null, null, errors);
        }

        /** For a run that needs no evidence: refreshes the endpoint's cache if the rate limit allows. */
        public void refresh() {
            schedule(settings, target);
        }
    }

    /**
     * Begins a run's evidence; makes no request.
     *
     * @return {@code null} when the pool reads no evidence
     */
    public Pending begin(EvidenceSettings settings, ScrapeTarget target, Instant startedAt) {
        if (settings == null) {
            return null;
        }
        State state = states.getOrDefault(target.key(), State.EMPTY);
        EvidenceFigures latest = state.latest();
        boolean fresh = latest != null && !latest.at().isAfter(startedAt)
                && !latest.at().isBefore(startedAt.minus(settings.maxAge()));
        return new Pending(settings, target, startedAt, fresh ? latest : null);
    }

    private record Scheduled(CompletionStage<Scrape> stage) {
    }

    /** Endpoints beyond this many (discovery churn) make the collector forget those not scraped for an hour. */
    static final int MAX_ENDPOINTS = 4096;

    /** Starts a scrape when the endpoint's rate limit allows one now; {@code stage} is {@code null} otherwise. */
    private Scheduled schedule(EvidenceSettings settings, ScrapeTarget target) {
        Instant now = clock.instant();
        if (states.size() > MAX_ENDPOINTS) {
            Instant stale = now.minus(Duration.ofHours(1));
            states.values().removeIf(st -> st.lastStarted().isBefore(stale));
        }
        boolean[] granted = {false};
        State state = states.compute(target.key(), (k, old) -> {
            State s = old == null ? State.EMPTY : old;
            if (s.lastStarted().plus(settings.minInterval()).isAfter(now)) {
                return s;
            }
            granted[0] = true;
            return new State(s.latest(), s.counters(), now);
        });
        if (!granted[0]) {
            return new Scheduled(null);
        }
        CompletionStage<Scrape> stage;
        try {
            stage = source.scrape(settings, target, state.counters());
        } catch (RuntimeException e) {
            stage = CompletableFuture.completedFuture(Scrape.failed("unavailable: " + e.getClass().getSimpleName()));
        }
        CompletionStage<Scrape> safe = stage.exceptionally(t -> Scrape.failed("unavailable: "
                + t.getClass().getSimpleName()));
        safe.thenAccept(scrape -> {
            if (!scrape.figures().isEmpty()) {
                Instant at = clock.instant();
                states.compute(target.key(), (k, old) -> new State(new EvidenceFigures(at, scrape.figures()),
                        scrape.counters(), old == null ? now : old.lastStarted()));
            }
        });
        return new Scheduled(safe);
    }

    /** How many endpoints have state (for tests and bounded-memory checks). */
    int endpoints() {
        return states.size();
    }

    private static String seconds(Duration d) {
        return ScrapeClient.describe(d);
    }
}
