package dev.llmcanary.consistency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Remembers what each endpoint last said it serves (its streams' {@code system_fingerprint}) per pool × endpoint ×
 * model, and counts each change in {@code llm_canary_model_identity_changes_total}: a deployment that swapped the
 * model behind an unchanged name shows here even when every latency figure stays green. Nothing is asked of the
 * target for this: the fingerprint rides on the canary's own stream. Called on the result worker. The last change of
 * each endpoint is kept with its time, for the status page's "identity changed 12 min ago: fingerprint a → b".
 */
public final class IdentityTracker {

    /** What a readable fingerprint looks like; anything else is the target's text and is shown as its hash only. */
    private static final Pattern READABLE = Pattern.compile("[A-Za-z0-9_.:+/-]{1,128}");

    /** The source of the identity tracked today: the streams' {@code system_fingerprint}. */
    public static final String SYSTEM_FINGERPRINT = "system_fingerprint";

    /**
     * A change of identity: what the endpoint said before, and what it says now (both {@link #readable}).
     *
     * @param at     when the run that saw the change was judged
     * @param source what said it ({@link #SYSTEM_FINGERPRINT})
     */
    public record Change(String from, String to, Instant at, String source) {
    }

    private final ConsistencySeries series;
    private final Clock clock;
    private final Map<List<String>, String> last = new HashMap<>();
    private final Map<List<String>, Change> changes = new HashMap<>();

    public IdentityTracker(ConsistencySeries series) {
        this(series, Clock.systemUTC());
    }

    /** @param clock stamps each change */
    public IdentityTracker(ConsistencySeries series, Clock clock) {
        this.series = series;
        this.clock = clock;
    }

    /**
     * A fingerprint as it may be logged, stored and compared: itself when it looks like one, else {@code sha256:}
     * and a hash prefix (the target's text never reaches a log or label unchecked); {@code null} stays {@code null}.
     */
    public static String readable(String fingerprint) {
        if (fingerprint == null || fingerprint.isBlank()) {
            return null;
        }
        if (READABLE.matcher(fingerprint).matches()) {
            return fingerprint;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(fingerprint.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /**
     * Records the identity an endpoint's stream reported; returns the change when it differs from the last one seen
     * (the first sighting is no change). The counter exists from the first sighting, at 0, so {@code increase()}
     * sees the first change too.
     *
     * @param fingerprint a {@link #readable} fingerprint, or {@code null} when the stream named none (ignored)
     */
    public synchronized Change observe(String pool, String endpoint, String model, String fingerprint) {
        if (fingerprint == null) {
            return null;
        }
        List<String> key = List.of(pool, endpoint, model);
        series.identitySeen(pool, endpoint, model);
        String before = last.put(key, fingerprint);
        if (before == null || before.equals(fingerprint)) {
            return null;
        }
        series.identityChanged(pool, endpoint, model);
        Change c = new Change(before, fingerprint, clock.instant(), SYSTEM_FINGERPRINT);
        changes.put(key, c);
        return c;
    }

    /** The endpoint's last identity change for {@code model} since this process started, if it saw one. */
    public synchronized Optional<Change> lastChange(String pool, String endpoint, String model) {
        return Optional.ofNullable(changes.get(List.of(pool, endpoint, model)));
    }

    /** Forgets endpoints the configuration no longer has ({@code [pool, endpoint, model]} keys). */
    public synchronized void retain(Predicate<List<String>> live) {
        last.keySet().removeIf(k -> !live.test(k));
        changes.keySet().removeIf(k -> !live.test(k));
    }
}
