package dev.llmcanary.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Where a newest-first listing stopped: the (started_at, run_id) of its last item. Keyset pagination, so pages
 * neither repeat nor skip runs while new ones are inserted. Opaque to clients (base64url).
 */
public record Cursor(Instant startedAt, String runId) {

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    public String encode() {
        String plain = startedAt + "|" + runId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this service issued */
    public static Cursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            if (bar < 0 || !RUN_ID.matcher(plain.substring(bar + 1)).matches()) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new Cursor(Instant.parse(plain.substring(0, bar)), plain.substring(bar + 1));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a cursor", e);
        }
    }
}
