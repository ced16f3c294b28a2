package dev.llmcanary.consistency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Remembers what each endpoint last said it serves, per pool × endpoint × model and per {@link IdentitySource} (the
 * streams' {@code system_fingerprint} and {@code Server} header, the model list's {@code root}, TGI's {@code model_sha},
 * …), and counts each change in {@code llm_canary_model_identity_changes_total}: a deployment that swapped the model
 * behind an unchanged name shows here even when every latency figure stays green. The stream sources cost the target
 * nothing (they ride on the canary's own stream); the others come from the background endpoint check. Called on the
 * result worker and the endpoint check's callbacks; every method is synchronized and does no I/O.
 */
public final class IdentityTracker {

    /** What a readable value looks like; anything else is the target's text and is shown as its hash only. */
    private static final Pattern READABLE = Pattern.compile("[A-Za-z0-9_.:+/-]{1,128}");

    /**
     * A change of identity: what the endpoint said before, and what it says now.
     *
     * @param source where the value was read
     * @param at     when the change was seen (the run's end, or the endpoint check's answer)
     */
    public record Change(String from, String to, IdentitySource source, Instant at) {
    }

    private record Key(String pool, String endpoint, String model) {
        List<String> asList() {
            return List.of(pool, endpoint, model);
        }
    }

    private final ConsistencySeries series;
    private final Clock clock;
    private final Map<Key, Map<IdentitySource, String>> last = new HashMap<>();
    private final Map<Key, Change> lastChange = new HashMap<>();

    public IdentityTracker(ConsistencySeries series) {
        this(series, Clock.systemUTC());
    }

    /** @param clock stamps each change (tests move it) */
    public IdentityTracker(ConsistencySeries series, Clock clock) {
        this.series = series;
        this.clock = clock;
    }

    /**
     * A value as it may be logged, stored and compared: itself when it looks like an identifier
     * ({@code [A-Za-z0-9_.:+/-]}, at most 128 characters), else {@code sha256:} and a hash prefix — the target's text
     * never reaches a log or label unchecked, and a long value is hashed rather than cut so that two values sharing a
     * long prefix still differ; {@code null} and blank give {@code null}.
     */
    public static String readable(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (READABLE.matcher(value).matches()) {
            return value;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** {@link #observe(String, String, String, IdentitySource, String)} of a stream's {@code system_fingerprint}. */
    public Change observe(String pool, String endpoint, String model, String fingerprint) {
        return observe(pool, endpoint, model, IdentitySource.FINGERPRINT, fingerprint);
    }

    /**
     * Records one piece of identity an endpoint reported; returns the change when it differs from the last value of
     * the same source (the first sighting is no change). The counter of the source exists from its first sighting,
     * at 0, so {@code increase()} sees the first change too.
     *
     * @param value the value as the target sent it or already {@link #readable} (it is made readable here), or
     *              {@code null} when the target named none (ignored: a source that goes quiet is no change)
     */
    public synchronized Change observe(String pool, String endpoint, String model, IdentitySource source,
                                       String value) {
        String v = readable(value);
        if (v == null) {
            return null;
        }
        Key key = new Key(pool, endpoint, model);
        series.identitySeen(pool, endpoint, model, source);
        String before = last.computeIfAbsent(key, k -> new EnumMap<>(IdentitySource.class)).put(source, v);
        if (before == null || before.equals(v)) {
            return null;
        }
        series.identityChanged(pool, endpoint, model, source);
        Change c = new Change(before, v, source, clock.instant());
        lastChange.put(key, c);
        return c;
    }

    /** What the endpoint last reported for the model, by source (readable values); empty when nothing yet. */
    public synchronized Map<IdentitySource, String> current(String pool, String endpoint, String model) {
        Map<IdentitySource, String> m = last.get(new Key(pool, endpoint, model));
        return m == null ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(m));
    }

    /**
     * The last change seen on the endpoint for the model (any source) since this process started, if it saw one: the
     * status page's "identity changed 12 min ago: fingerprint a → b".
     */
    public synchronized Optional<Change> lastChange(String pool, String endpoint, String model) {
        return Optional.ofNullable(lastChange.get(new Key(pool, endpoint, model)));
    }

    /** Forgets endpoints the configuration no longer has ({@code [pool, endpoint, model]} keys). */
    public synchronized void retain(Predicate<List<String>> live) {
        last.keySet().removeIf(k -> !live.test(k.asList()));
        lastChange.keySet().removeIf(k -> !live.test(k.asList()));
    }
}
