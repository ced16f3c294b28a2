package dev.llmcanary.loadprobe.sim;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Learns why the server rejects the probe's streams: Gatling's SSE API gives the scenario neither the status nor the
 * body of a stream that ended before any event, so the first such stream's request is sent once more with a plain
 * HTTP client and the status and the start of the body are kept for the summary. One extra request per probe, sent
 * asynchronously (never on Gatling's threads). The body is the server's text, untrusted: it is cut to
 * {@link #MAX_BODY_CHARS}, stripped of control characters and of every header value the probe sent (an echoing
 * gateway would otherwise hand back the API key); the service masks it further before anyone sees it.
 */
final class Rejections {

    static final int MAX_BODY_CHARS = 1024;

    private final Plan plan;
    private final AtomicBoolean asked = new AtomicBoolean();
    private volatile CompletableFuture<Map<String, Object>> answer;

    Rejections(Plan plan) {
        this.plan = plan;
    }

    /** A stream ended before any event; the first call sends its request again, later calls do nothing. */
    void rejected(String body) {
        if (body == null || !asked.compareAndSet(false, true)) {
            return;
        }
        Duration timeout = Duration.ofMillis((long) (plan.timeoutSeconds() * 1000));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(plan.url())).timeout(timeout)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        plan.headers().forEach(request::header);
        answer = HttpClient.newBuilder().connectTimeout(timeout).build()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("status", r.statusCode());
                    try (var in = r.body()) {
                        // read no more than the kept prefix (with room for multi-byte characters); never the whole body
                        byte[] head = in.readNBytes(MAX_BODY_CHARS * 4);
                        m.put("body", clean(new String(head, java.nio.charset.StandardCharsets.UTF_8)));
                    } catch (java.io.IOException e) {
                        m.put("body", "");
                    }
                    return m;
                })
                .exceptionally(e -> {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("error", cause.getClass().getSimpleName());
                    return m;
                });
    }

    /** The answer, waiting at most {@code timeout} for it; empty when no stream was rejected. */
    Optional<Map<String, Object>> first(Duration timeout) {
        CompletableFuture<Map<String, Object>> a = answer;
        if (a == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(a.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            return Optional.of(Map.of("error", "no answer within " + timeout.toSeconds() + " s"));
        }
    }

    String clean(String text) {
        String s = text;
        for (String value : plan.headers().values()) {
            if (value == null) {
                continue;
            }
            // "Bearer sk-…" may come back whole or as the bare token
            String token = value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : value;
            for (String secret : new String[] {value, token}) {
                if (secret.length() >= 4) {
                    s = s.replace(secret, "[redacted]");
                }
            }
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_BODY_CHARS));
        for (int i = 0; i < s.length() && out.length() < MAX_BODY_CHARS; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
