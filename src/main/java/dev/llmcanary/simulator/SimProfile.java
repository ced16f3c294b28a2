package dev.llmcanary.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The knobs of one simulated model: dialect, timing, output length, usage reporting and faults. Parsed from
 * and merged with {@code key=value;key=value} text so a request can override its model's profile by header.
 *
 * @param roleChunk null means the dialect's default
 * @param usage     null means "separate when the request asked for usage, else none"
 * @param reply     null means the reply is chosen from the prompt
 */
public record SimProfile(Dialect dialect, long ttftMs, long itlMs, long jitterMs, int tokens, int tokensPerChunk,
                         Boolean roleChunk, UsageMode usage, int reasoningTokens, String reply, long seed,
                         boolean crlf, boolean keepalive, long headersDelayMs, List<String> faults) {

    public SimProfile {
        if (dialect == null) {
            throw new IllegalArgumentException("dialect is required");
        }
        if (ttftMs < 0 || itlMs < 0 || jitterMs < 0 || headersDelayMs < 0) {
            throw new IllegalArgumentException("delays must not be negative");
        }
        if (tokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
        if (tokensPerChunk < 1) {
            throw new IllegalArgumentException("tokens_per_chunk must be at least 1");
        }
        faults = List.copyOf(faults);
    }

    /** The profile of the default models: openai dialect, 40 ms TTFT, 15 ms ITL, ±3 ms jitter, 24 tokens, seed 7. */
    public static SimProfile defaults() {
        return new SimProfile(Dialect.OPENAI, 40, 15, 3, 24, 1, null, null, 0, null, 7, false, false, 0, List.of());
    }

    public static SimProfile of(Dialect dialect) {
        return merge(defaults(), "dialect=" + dialect.wireName());
    }

    /** Parses {@code key=value;key=value} text over {@link #defaults()}. */
    public static SimProfile parse(String text) {
        return merge(defaults(), text);
    }

    /**
     * Returns {@code base} with the keys in {@code text} overridden.
     *
     * @throws IllegalArgumentException on an unknown key or a bad value (the message names the key)
     */
    public static SimProfile merge(SimProfile base, String text) {
        Builder b = new Builder(base);
        if (text == null || text.isBlank()) {
            return base;
        }
        for (String pair : text.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("profile entry without '=': '" + pair.trim() + "'");
            }
            String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = pair.substring(eq + 1).trim();
            try {
                b.set(key, value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("profile key '" + key + "' needs a number", e);
            }
        }
        return b.build();
    }

    private static final class Builder {
        private Dialect dialect;
        private long ttftMs;
        private long itlMs;
        private long jitterMs;
        private int tokens;
        private int tokensPerChunk;
        private Boolean roleChunk;
        private UsageMode usage;
        private int reasoningTokens;
        private String reply;
        private long seed;
        private boolean crlf;
        private boolean keepalive;
        private long headersDelayMs;
        private List<String> faults;

        Builder(SimProfile p) {
            dialect = p.dialect;
            ttftMs = p.ttftMs;
            itlMs = p.itlMs;
            jitterMs = p.jitterMs;
            tokens = p.tokens;
            tokensPerChunk = p.tokensPerChunk;
            roleChunk = p.roleChunk;
            usage = p.usage;
            reasoningTokens = p.reasoningTokens;
            reply = p.reply;
            seed = p.seed;
            crlf = p.crlf;
            keepalive = p.keepalive;
            headersDelayMs = p.headersDelayMs;
            faults = p.faults;
        }

        void set(String key, String value) {
            switch (key) {
                case "dialect" -> dialect = Dialect.parse(value);
                case "ttft_ms" -> ttftMs = Long.parseLong(value);
                case "itl_ms" -> itlMs = Long.parseLong(value);
                case "jitter_ms" -> jitterMs = Long.parseLong(value);
                case "tokens" -> tokens = Integer.parseInt(value);
                case "tokens_per_chunk" -> tokensPerChunk = Integer.parseInt(value);
                case "role_chunk" -> roleChunk = bool(key, value);
                case "usage" -> usage = UsageMode.parse(value);
                case "reasoning_tokens" -> reasoningTokens = Integer.parseInt(value);
                case "reply" -> reply = value;
                case "seed" -> seed = Long.parseLong(value);
                case "crlf" -> crlf = bool(key, value);
                case "keepalive" -> keepalive = bool(key, value);
                case "headers_delay_ms" -> headersDelayMs = Long.parseLong(value);
                case "faults" -> {
                    List<String> list = new ArrayList<>();
                    for (String f : value.split(",")) {
                        if (!f.isBlank()) {
                            list.add(f.trim());
                        }
                    }
                    faults = list;
                }
                default -> throw new IllegalArgumentException("unknown profile key '" + key + "'");
            }
        }

        private static boolean bool(String key, String value) {
            if (value.equalsIgnoreCase("true")) {
                return true;
            }
            if (value.equalsIgnoreCase("false")) {
                return false;
            }
            throw new IllegalArgumentException("profile key '" + key + "' needs true or false");
        }

        SimProfile build() {
            return new SimProfile(dialect, ttftMs, itlMs, jitterMs, tokens, tokensPerChunk, roleChunk, usage,
                    reasoningTokens, reply, seed, crlf, keepalive, headersDelayMs, faults);
        }
    }
}
