package dev.llmcanary.gate;

import dev.llmcanary.canary.run.RunResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a gate's plan: starts runs in plan order with at most {@code concurrency} in flight, retries a start the pool
 * refused for now (its concurrency cap) after a short pause, skips one it refused for good (token budget, quiet
 * window), and at the deadline stops and finishes with what it has. Runs still in flight at the deadline finish on
 * their own (they are stored like any run) but do not count.
 */
public final class GateExecution {

    static final Duration RETRY_PAUSE = Duration.ofMillis(50);

    /** What the execution produced: every finished run by side in start order, and why it stopped early. */
    public record Collected(List<RunResult> candidate, List<RunResult> baseline, List<Link> links, String incomplete) {
    }

    /** A finished run of the gate, for the verdict's evidence. */
    public record Link(int seq, Side side, String runId, String traceId, String outcome) {
    }

    private final List<PlannedRun> plan;
    private final int concurrency;
    private final RunStarter starter;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Instant deadline;
    private final Duration deadlineLength;
    private final CompletableFuture<Collected> done = new CompletableFuture<>();
    private final Map<Integer, RunResult> finished = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<Integer> startOrder = new ArrayList<>();
    private int next;
    private int inFlight;
    private boolean retryPending;
    private ScheduledFuture<?> deadlineTimer;

    public GateExecution(List<PlannedRun> plan, int concurrency, RunStarter starter, ScheduledExecutorService timer,
                         Clock clock, Duration deadline) {
        this.plan = List.copyOf(plan);
        this.concurrency = Math.max(1, concurrency);
        this.starter = starter;
        this.timer = timer;
        this.clock = clock;
        this.deadlineLength = deadline;
        this.deadline = clock.instant().plus(deadline);
    }

    /** Starts the gate; the future completes once every run finished, or at the deadline. */
    public CompletableFuture<Collected> start() {
        deadlineTimer = timer.schedule(this::deadlineReached, Math.max(0, deadlineLength.toMillis()),
                TimeUnit.MILLISECONDS);
        pump();
        return done;
    }

    /** Runs finished so far. */
    public synchronized int finishedRuns() {
        return finished.size();
    }

    public int plannedRuns() {
        return plan.size();
    }

    /** The plan's sequence numbers in the order their runs started (tests check the interleaving). */
    public synchronized List<Integer> startOrder() {
        return List.copyOf(startOrder);
    }

    private void pump() {
        List<Runnable> launches = new ArrayList<>();
        synchronized (this) {
            while (!done.isDone() && !retryPending && inFlight < concurrency && next < plan.size()) {
                if (!clock.instant().isBefore(deadline)) {
                    break;
                }
                PlannedRun p = plan.get(next);
                RunStarter.Start s;
                try {
                    s = starter.start(p.target());
                } catch (RuntimeException e) {
                    s = RunStarter.Start.refused("could not start: " + e.getClass().getSimpleName(), false);
                }
                if (s.run() == null) {
                    if (s.retry()) {
                        retryPending = true;
                        timer.schedule(() -> {
                            synchronized (this) {
                                retryPending = false;
                            }
                            pump();
                        }, RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
                        break;
                    }
                    skipped.add(s.refused());
                    next++;
                    continue;
                }
                next++;
                inFlight++;
                startOrder.add(p.seq());
                var run = s.run();
                launches.add(() -> run.whenComplete((r, e) -> finished(p, r)));
            }
            if (!done.isDone() && inFlight == 0 && next >= plan.size() && !retryPending) {
                complete(null);
            }
        }
        launches.forEach(Runnable::run);
    }

    private void finished(PlannedRun p, RunResult r) {
        synchronized (this) {
            inFlight--;
            if (r != null && !done.isDone()) {
                finished.put(p.seq(), r);
            }
        }
        pump();
    }

    private synchronized void deadlineReached() {
        if (!done.isDone()) {
            String length = deadlineLength.toMillis() % 1000 == 0 ? deadlineLength.toSeconds() + " s"
                    : deadlineLength.toMillis() + " ms";
            complete("deadline of " + length + " hit after " + finished.size() + " of "
                    + plan.size() + " runs");
        }
    }

    /** Called with the monitor held. */
    private void complete(String incomplete) {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        if (incomplete == null && !skipped.isEmpty()) {
            incomplete = skipped.size() + " of " + plan.size() + " runs not started (" + skipped.get(0) + ")";
        }
        List<RunResult> cand = new ArrayList<>();
        List<RunResult> base = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        finished.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Side side = plan.get(e.getKey()).side();
            (side == Side.CANDIDATE ? cand : base).add(e.getValue());
            links.add(new Link(e.getKey(), side, e.getValue().runId(), e.getValue().traceId(),
                    e.getValue().outcome().label()));
        });
        done.complete(new Collected(cand, base, links, incomplete));
    }
}
