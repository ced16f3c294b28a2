package dev.llmcanary.schedule;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest skipped tick of each scheduled job, so the status page can say "skipped: circuit_open" where a cell's
 * newest tick did not run. Keys come from configuration (canary × pool × endpoint × model), so the map is bounded
 * by the job count.
 */
@ApplicationScoped
public class SkipLog {

    /** One skipped tick: why and when. */
    public record Skip(String reason, Instant at) {
    }

    private final Clock clock;
    private final Map<String, Skip> last = new ConcurrentHashMap<>();

    public SkipLog(Clock clock) {
        this.clock = clock;
    }

    public void record(String canary, String pool, String endpoint, String model, SkipReason reason) {
        last.put(key(canary, pool, endpoint, model), new Skip(reason.label(), clock.instant()));
    }

    public Optional<Skip> last(String canary, String pool, String endpoint, String model) {
        return Optional.ofNullable(last.get(key(canary, pool, endpoint, model)));
    }

    private static String key(String canary, String pool, String endpoint, String model) {
        return String.join("\u0000", canary, pool, endpoint, model);
    }
}
