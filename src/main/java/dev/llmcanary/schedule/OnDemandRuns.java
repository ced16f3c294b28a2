package dev.llmcanary.schedule;

import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Runs an on-demand trigger's targets within their pools' limits, <b>all or nothing</b>: the trigger is admitted
 * only if every pool it touches admits at least one of its runs now ({@link PoolGate#admit}, so the pool's quiet
 * windows, concurrency slots for this trigger and token budget all hold); otherwise none of its runs starts and the
 * refusal names the first pool that said no and when to ask again. An admitted trigger takes, on each pool, as many
 * free slots as it has runs there (at most), and runs the rest one after another through those slots, handing each
 * slot from one run to the next ({@link PoolGate.Ticket#next}) — so a trigger that matches more targets than the
 * pool has free slots still runs them all, and the pool never has more runs in flight than its cap.
 */
public final class OnDemandRuns {

    /** Why a trigger was not admitted: the pool that refused, its reason, and when asking again can succeed. */
    public static final class Refused extends RuntimeException {
        private final String pool;
        private final SkipReason reason;
        private final Duration retryAfter;

        Refused(String pool, PoolGate.Admission a) {
            super("pool " + pool + ": " + a.detail(), null, false, false);
            this.pool = pool;
            this.reason = a.skipped();
            this.retryAfter = a.retryAfter();
        }

        public String pool() {
            return pool;
        }

        public SkipReason reason() {
            return reason;
        }

        /** When asking again can succeed (an estimate), {@code null} when not without a configuration change. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private final Function<Pool, PoolGate> gates;
    private final SkippedRuns skipped;
    private final java.util.function.BiFunction<Target, Trigger, CompletionStage<RunResult>> runner;
    private final ToLongFunction<RunResult> tokensUsed;

    /**
     * @param gates      the pool's gate, shared with the scheduler
     * @param runner     starts one run
     * @param tokensUsed the prompt + output tokens a result used
     */
    public OnDemandRuns(Function<Pool, PoolGate> gates, SkippedRuns skipped,
                        java.util.function.BiFunction<Target, Trigger, CompletionStage<RunResult>> runner,
                        ToLongFunction<RunResult> tokensUsed) {
        this.gates = gates;
        this.skipped = skipped;
        this.runner = runner;
        this.tokensUsed = tokensUsed;
    }

    /**
     * Admits and starts the trigger's runs; completes with every result, in the order of {@code targets}.
     *
     * @throws Refused when a pool refused (counted in the skipped-runs counter once, on that pool)
     */
    public CompletionStage<List<RunResult>> run(List<Target> targets, Trigger trigger) {
        Map<String, Deque<Integer>> byPool = new LinkedHashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            byPool.computeIfAbsent(targets.get(i).pool().name(), p -> new ArrayDeque<>()).add(i);
        }
        Map<String, List<PoolGate.Ticket>> tickets = new LinkedHashMap<>();
        for (Map.Entry<String, Deque<Integer>> pool : byPool.entrySet()) {
            Target first = targets.get(pool.getValue().peekFirst());
            PoolGate gate = gates.apply(first.pool());
            List<PoolGate.Ticket> held = new ArrayList<>();
            for (int wanted = pool.getValue().size(); held.size() < wanted; ) {
                PoolGate.Admission a = gate.admit(first.canary().priority(), first.canary().maxTokens(), trigger);
                if (a.admitted()) {
                    held.add(a.ticket());
                } else if (held.isEmpty()) {
                    tickets.values().forEach(ts -> ts.forEach(PoolGate.Ticket::cancel));
                    skipped.count(pool.getKey(), a.skipped(), trigger);
                    throw new Refused(pool.getKey(), a);
                } else {
                    break; // the runs left wait for the slots already held
                }
            }
            tickets.put(pool.getKey(), held);
        }
        RunResult[] results = new RunResult[targets.size()];
        CompletableFuture<List<RunResult>> all = new CompletableFuture<>();
        AtomicInteger lanes = new AtomicInteger(tickets.values().stream().mapToInt(List::size).sum());
        Runnable laneDone = () -> {
            if (lanes.decrementAndGet() == 0) {
                all.complete(Arrays.asList(results));
            }
        };
        for (Map.Entry<String, List<PoolGate.Ticket>> pool : tickets.entrySet()) {
            Deque<Integer> queue = byPool.get(pool.getKey());
            for (PoolGate.Ticket ticket : pool.getValue()) {
                new Lane(targets, queue, ticket, results, all, laneDone, trigger).next(null);
            }
        }
        return all;
    }

    /** One held slot, running the pool's queued targets one after another. */
    private final class Lane {
        private final List<Target> targets;
        private final Deque<Integer> queue;
        private final PoolGate.Ticket ticket;
        private final RunResult[] results;
        private final CompletableFuture<List<RunResult>> all;
        private final Runnable done;
        private final Trigger trigger;
        private boolean started;

        Lane(List<Target> targets, Deque<Integer> queue, PoolGate.Ticket ticket, RunResult[] results,
             CompletableFuture<List<RunResult>> all, Runnable done, Trigger trigger) {
            this.trigger = trigger;
            this.targets = targets;
            this.queue = queue;
            this.ticket = ticket;
            this.results = results;
            this.all = all;
            this.done = done;
        }

        /** Starts the next queued target on this slot, or gives the slot back; {@code used} settles the last run. */
        void next(Long used) {
            Integer index;
            synchronized (queue) {
                index = all.isDone() ? null : queue.pollFirst();
            }
            if (index == null) {
                ticket.finish(used);
                done.run();
                return;
            }
            Target target = targets.get(index);
            if (started) {
                ticket.next(used, target.canary().maxTokens());
            }
            started = true;
            CompletionStage<RunResult> run;
            try {
                run = runner.apply(target, trigger);
            } catch (RuntimeException e) {
                ticket.cancel(); // nothing was sent
                all.completeExceptionally(e);
                done.run();
                return;
            }
            run.whenComplete((r, e) -> {
                if (e != null) {
                    ticket.finish(null);
                    all.completeExceptionally(e instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : e);
                    done.run();
                    return;
                }
                results[index] = r;
                next(tokensUsed.applyAsLong(r));
            });
        }
    }
}
