package dev.llmcanary.loadprobe.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The simulation's own recording of every stream (never scraped from Gatling's report): aggregates per request kind
 * and per stairs step, one progress line per second on stdout, the abort guards, and {@code summary.json}.
 */
public final class Recorder {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Plan plan;
    private volatile long startNanos = System.nanoTime();
    private volatile Instant startedAt = Instant.now();
    private final java.util.concurrent.atomic.AtomicBoolean probeStarted = new java.util.concurrent.atomic.AtomicBoolean();
    private final Stats total = new Stats();
    private final List<Stats> steps = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> abort = new AtomicReference<>();
    private volatile LatencyHistogram lastSecond = new LatencyHistogram();
    private volatile Map<String, Object> firstRejection;
    private volatile long lastCount;

    public Recorder(Plan plan) {
        this.plan = plan;
        int n = "stairs".equals(plan.arrival().kind()) ? plan.arrival().steps() : 0;
        for (int i = 0; i < n; i++) {
            steps.add(new Stats());
        }
    }

    /**
     * Seconds since the first recorded stream started (the clock restarts then, so warm-up streams do not count
     * towards the elapsed time, the rate or the stairs steps).
     */
    public double sinceProbeStart(boolean warmUp) {
        if (!warmUp && probeStarted.compareAndSet(false, true)) {
            startNanos = System.nanoTime();
            startedAt = Instant.now();
        }
        return elapsedSeconds();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** A stream that ended with its {@code [DONE]}; {@code startedAtSeconds} places it in its stairs step. */
    public void ok(double startedAtSeconds, double ttft, double e2e, long tokens, double streamTps) {
        total.ok(ttft, e2e, tokens, streamTps);
        step(startedAtSeconds).ifPresent(s -> s.ok(ttft, e2e, tokens, streamTps));
        lastSecond.record(ttft);
        requests.incrementAndGet();
    }

    public void error(double startedAtSeconds, String errorClass) {
        total.error(errorClass);
        step(startedAtSeconds).ifPresent(s -> s.error(errorClass));
        requests.incrementAndGet();
        errors.incrementAndGet();
    }

    private java.util.Optional<Stats> step(double at) {
        if (steps.isEmpty()) {
            return java.util.Optional.empty();
        }
        int i = (int) Math.floor(at / plan.arrival().stepSeconds());
        return java.util.Optional.of(steps.get(Math.max(0, Math.min(steps.size() - 1, i))));
    }

    /** Why the run should stop now ({@code cancelled}, an abort guard), or {@code null}. */
    public String abortReason() {
        return abort.get();
    }

    /** What the server answered to a request like the first rejected stream ({@code status}, {@code body}). */
    void firstRejection(Map<String, Object> answer) {
        firstRejection = answer;
    }

    public void abort(String reason) {
        abort.compareAndSet(null, reason);
    }

    /** Called once a second: checks the guards and the stop file, prints one progress line. */
    void tick(PrintStream out) {
        long n = requests.get();
        long e = errors.get();
        LatencyHistogram window = lastSecond;
        lastSecond = new LatencyHistogram();
        Plan.Abort guard = plan.abort();
        if (guard != null && n >= guard.minRequests()) {
            double errPct = 100.0 * e / n;
            if (errPct > guard.maxErrorPercent()) {
                abort(String.format(java.util.Locale.ROOT, "abort: error rate %.1f %% > %.1f %%", errPct,
                        guard.maxErrorPercent()));
            }
            double p95 = window.quantile(0.95);
            if (guard.maxTtftSeconds() != null && !Double.isNaN(p95) && p95 > guard.maxTtftSeconds()) {
                abort(String.format(java.util.Locale.ROOT, "abort: TTFT p95 %.3f s > %.3f s", p95,
                        guard.maxTtftSeconds()));
            }
        }
        if (plan.output() != null && Files.exists(Path.of(plan.output(), "stop"))) {
            abort("cancelled");
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "progress");
        line.put("elapsed", round(elapsedSeconds()));
        line.put("total", plan.plannedSeconds());
        line.put("rate", n - lastCount);
        line.put("requests", n);
        line.put("errors", e);
        if (abort.get() != null) {
            line.put("stopping", abort.get());
        }
        lastCount = n;
        try {
            out.println(new ObjectMapper().writeValueAsString(line));
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    public Map<String, Object> summary() {
        double elapsed = elapsedSeconds();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", plan.scenario());
        m.put("pool", plan.pool());
        m.put("startedAt", startedAt.toString());
        m.put("elapsedSeconds", round(elapsed));
        m.put("plannedSeconds", plan.plannedSeconds());
        m.put("rateShare", plan.rateShare());
        m.put("shards", 1);
        m.put("aborted", abort.get());
        Map<String, Object> kinds = new LinkedHashMap<>();
        // Rates are over the injection window (arrivals per second of load), not the drain of the last streams.
        kinds.put(plan.api(), total.toJson(Math.min(elapsed, plan.plannedSeconds())));
        m.put("kinds", kinds);
        List<Map<String, Object>> stepJson = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("index", i);
            s.put("rate", plan.arrival().from() + i * plan.arrival().step());
            s.putAll(steps.get(i).toJson(plan.arrival().stepSeconds()));
            stepJson.add(s);
        }
        m.put("steps", stepJson);
        if (firstRejection != null) {
            m.put("firstRejection", firstRejection);
        }
        return m;
    }

    void writeSummary(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), summary());
    }
}
