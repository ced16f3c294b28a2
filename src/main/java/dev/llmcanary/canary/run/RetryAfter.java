package dev.llmcanary.canary.run;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): a number of seconds or an HTTP-date, turned into the
 * seconds still to wait. Anything else is ignored rather than guessed at.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * @param header the header value as sent, may be {@code null}
     * @param now    the moment an HTTP-date is measured from
     * @return seconds to wait (0 for a date already past), empty when absent or unreadable
     */
    public static Optional<Long> seconds(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            // A huge number is still "a long time": saturate instead of failing, callers cap it anyway.
            return Optional.of(v.length() > 12 ? Integer.MAX_VALUE : Math.min(Long.parseLong(v), Integer.MAX_VALUE));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            if (wait.isNegative()) {
                return Optional.of(0L);
            }
            // Round up: waiting a fraction too little would ask again before the server allows it.
            return Optional.of(wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
