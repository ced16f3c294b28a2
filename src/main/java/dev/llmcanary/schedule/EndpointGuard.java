package dev.llmcanary.schedule;

import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides whether an endpoint's scheduled runs may go on: a circuit breaker over the endpoint's latest runs, and the
 * wait an HTTP 429 asked for. Every finished run (scheduled or on demand) is {@link #record recorded}; only scheduled
 * ticks {@link #admit ask}. One instance per pool endpoint, all times from the injected clock.
 *
 * <p>The breaker opens when at least {@code failureRatio} of the last {@code requestVolume} runs failed (outcome
 * {@code error} or HTTP 5xx: the endpoint was not serving; a content or SLO failure is not an outage). After
 * {@code delay} it is half-open: one scheduled run probes the endpoint, and its outcome (or that of an on-demand run
 * that ends first) closes the breaker with a fresh window or opens it for another delay. While open, outcomes of
 * on-demand runs do not change it: the delay alone decides when to probe.
 */
public final class EndpointGuard {

    /** The breaker's state; {@code code} is the value of the circuit-state gauge. */
    public enum Circuit {
        CLOSED(0), OPEN(1), HALF_OPEN(2);

        private final int code;

        Circuit(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The API value, e.g. {@code half_open}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param defaultWait the wait after a 429 without a readable {@code Retry-After}
     * @param maxWait     the longest wait a {@code Retry-After} may impose
     */
    public record Settings(double failureRatio, int requestVolume, Duration delay, Duration defaultWait,
                           Duration maxWait) {
        public Settings {
            if (requestVolume < 1 || failureRatio <= 0 || failureRatio > 1) {
                throw new IllegalArgumentException("request volume must be >= 1 and failure ratio in (0, 1]");
            }
        }
    }

    /** A scheduled run the guard let through; {@link #release} it if the run never produced a result. */
    public final class Permit {
        private final long probe;

        private Permit(long probe) {
            this.probe = probe;
        }

        /** Frees the half-open probe slot this run held, so the next tick may probe instead. */
        public void release() {
            synchronized (EndpointGuard.this) {
                if (probe != 0 && probe == probeId && circuit == Circuit.HALF_OPEN) {
                    probing = false;
                }
            }
        }
    }

    /** The outcome of {@link #admit}: a permit, or why the tick is skipped. */
    public record Admission(Permit permit, SkipReason skipped) {
        public boolean admitted() {
            return permit != null;
        }
    }

    private final Settings settings;
    private final Clock clock;
    /** The outcomes of the latest runs while closed, as a ring: true = failed. */
    private final boolean[] window;
    private int size;
    private int next;
    private Circuit circuit = Circuit.CLOSED;
    private Instant openedAt;
    private boolean probing;
    private long probeId;
    private Instant rateLimitedUntil;

    public EndpointGuard(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.window = new boolean[settings.requestVolume()];
    }

    /** Whether a scheduled run may start now; a half-open breaker lets exactly one probe through at a time. */
    public synchronized Admission admit() {
        Instant now = clock.instant();
        if (rateLimitedUntil != null && now.isBefore(rateLimitedUntil)) {
            return new Admission(null, SkipReason.RATE_LIMITED);
        }
        advance(now);
        switch (circuit) {
            case OPEN:
                return new Admission(null, SkipReason.CIRCUIT_OPEN);
            case HALF_OPEN:
                if (probing) {
                    return new Admission(null, SkipReason.CIRCUIT_OPEN);
                }
                probing = true;
                return new Admission(new Permit(++probeId), null);
            default:
                return new Admission(new Permit(0), null);
        }
    }

    /** Feeds a finished run's outcome to the breaker and, for an HTTP 429, starts the wait it asked for. */
    public void record(RunResult r) {
        if (!r.outcome().judged()) {
            return; // cut by our own shutdown: says nothing about the endpoint
        }
        boolean failed = r.outcome() == Outcome.ERROR || (r.httpStatus() != null && r.httpStatus() >= 500);
        boolean limited = r.httpStatus() != null && r.httpStatus() == 429;
        record(failed, limited, r.retryAfterSeconds());
    }

    /**
     * @param failed            the endpoint was not serving (error outcome or HTTP 5xx)
     * @param rateLimited       it answered HTTP 429
     * @param retryAfterSeconds the wait the 429 asked for, {@code null} when it did not say
     */
    public synchronized void record(boolean failed, boolean rateLimited, Integer retryAfterSeconds) {
        Instant now = clock.instant();
        if (rateLimited) {
            Duration wait = retryAfterSeconds == null ? settings.defaultWait()
                    : Duration.ofSeconds(Math.max(0, retryAfterSeconds));
            if (wait.compareTo(settings.maxWait()) > 0) {
                wait = settings.maxWait();
            }
            rateLimitedUntil = now.plus(wait);
        }
        advance(now);
        switch (circuit) {
            case HALF_OPEN:
                probing = false;
                if (failed) {
                    open(now);
                } else {
                    circuit = Circuit.CLOSED;
                    size = 0;
                    next = 0;
                }
                break;
            case CLOSED:
                window[next] = failed;
                next = (next + 1) % window.length;
                size = Math.min(size + 1, window.length);
                if (size == window.length && failures() >= settings.failureRatio() * size) {
                    open(now);
                }
                break;
            default:
                break; // open: only the delay leads to a probe
        }
    }

    /** The breaker's state now (an open breaker whose delay has passed is half-open). */
    public synchronized Circuit circuit() {
        advance(clock.instant());
        return circuit;
    }

    /** Until when scheduled runs wait after a 429, empty when they need not. */
    public synchronized Optional<Instant> rateLimitedUntil() {
        return rateLimitedUntil != null && clock.instant().isBefore(rateLimitedUntil)
                ? Optional.of(rateLimitedUntil) : Optional.empty();
    }

    private void open(Instant now) {
        circuit = Circuit.OPEN;
        openedAt = now;
        probing = false;
    }

    private void advance(Instant now) {
        if (circuit == Circuit.OPEN && !now.isBefore(openedAt.plus(settings.delay()))) {
            circuit = Circuit.HALF_OPEN;
            probing = false;
        }
    }

    private int failures() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (window[i]) {
                n++;
            }
        }
        return n;
    }
}
