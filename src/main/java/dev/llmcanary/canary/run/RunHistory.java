package dev.llmcanary.canary.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recent runs in memory, bounded: failures are kept longer than successes (they are what someone comes to debug),
 * plus the last result of every target. Durable history comes with the run store.
 */
public final class RunHistory implements RunSink {

    private final int maxSuccesses;
    private final int maxFailures;
    private final Deque<RunResult> successes = new ArrayDeque<>();
    private final Deque<RunResult> failures = new ArrayDeque<>();
    private final Map<String, RunResult> byId = new HashMap<>();
    private final Map<String, RunResult> lastByTarget = new ConcurrentHashMap<>();

    public RunHistory(int maxSuccesses, int maxFailures) {
        this.maxSuccesses = maxSuccesses;
        this.maxFailures = maxFailures;
    }

    @Override
    public synchronized void accept(RunResult r) {
        Deque<RunResult> q = r.failed() ? failures : successes;
        int max = r.failed() ? maxFailures : maxSuccesses;
        q.addLast(r);
        byId.put(r.runId(), r);
        while (q.size() > max) {
            byId.remove(q.removeFirst().runId());
        }
        lastByTarget.put(targetKey(r.canary(), r.pool(), r.endpoint(), r.model()), r);
    }

    public synchronized Optional<RunResult> get(String runId) {
        return Optional.ofNullable(byId.get(runId));
    }

    /** The most recent runs, newest first, optionally only those of one canary. */
    public synchronized List<RunResult> recent(String canary, int limit) {
        List<RunResult> all = new ArrayList<>(successes.size() + failures.size());
        all.addAll(successes);
        all.addAll(failures);
        all.removeIf(r -> canary != null && !canary.equals(r.canary()));
        all.sort((a, b) -> b.startedAt().compareTo(a.startedAt()));
        return Collections.unmodifiableList(all.subList(0, Math.min(limit, all.size())));
    }

    public Optional<RunResult> last(String canary, String pool, String endpoint, String model) {
        return Optional.ofNullable(lastByTarget.get(targetKey(canary, pool, endpoint, model)));
    }

    private static String targetKey(String canary, String pool, String endpoint, String model) {
        return String.join("\u0000", canary, pool, endpoint, model);
    }
}
