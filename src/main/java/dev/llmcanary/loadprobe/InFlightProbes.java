package dev.llmcanary.loadprobe;

import dev.llmcanary.canary.Refusal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The probes in flight in this process, at most one per pool: a pool is reserved before its probe starts (so two
 * starts cannot both pass the check) and released when it ends or fails to start.
 */
final class InFlightProbes {

    private final Map<String, RunningProbe> running = new ConcurrentHashMap<>();
    private final Map<String, String> busyPools = new ConcurrentHashMap<>();

    /** Reserves the pool for probe {@code id}; refused with the id of the probe already on it. */
    void reserve(String pool, String id) {
        String other = busyPools.putIfAbsent(pool, id);
        if (other != null) {
            throw new ProbeRejected(Refusal.CONFLICT, "a load probe already runs on pool \"" + pool + "\": " + other);
        }
    }

    /** Frees the pool if probe {@code id} still holds it. */
    void release(String pool, String id) {
        busyPools.remove(pool, id);
    }

    boolean busy(String pool) {
        return busyPools.containsKey(pool);
    }

    void add(RunningProbe r) {
        running.put(r.id(), r);
    }

    /** Takes the probe out; true for the one caller that gets to finish it (a Job's cancel and follower may race). */
    boolean remove(RunningProbe r) {
        return running.remove(r.id(), r);
    }

    Optional<RunningProbe> get(String id) {
        return Optional.ofNullable(running.get(id));
    }

    boolean contains(String id) {
        return running.containsKey(id);
    }

    Collection<RunningProbe> all() {
        return List.copyOf(running.values());
    }
}
