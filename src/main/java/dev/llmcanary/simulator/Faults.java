package dev.llmcanary.simulator;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parsed fault list of one request. Positions (K) are 1-based token chunk numbers; 0 means "not set".
 *
 * @param stallMs   extra pause before token chunk K, by K
 * @param idleMs    extra pause before token chunk K, by K, during which the server keeps sending chunks that carry no
 *                  token (an empty delta every {@link #IDLE_EVERY_MS} ms): busy, but no progress
 * @param oversize  content size in bytes of token chunk K, by K
 * @param saturatedHoldMs for {@code saturated}, how long the server reports saturation after this request ends;
 *                  negative when the request does not saturate the server
 * @param bufferedChunks for {@code buffered}, how many token chunks a buffering proxy holds back and writes at once
 *                  ({@link Integer#MAX_VALUE}: the whole response in one write); 0 when the stream is not buffered
 * @param contextTokens for {@code context:N}, the server's context size: a longer prompt is refused with HTTP 400 and
 *                  llama.cpp's message, as a small-context server does; 0 when unlimited
 * @param driftAt   for {@code drift@K}, the token from which this server answers differently, the same way on every
 *                  request (a replica with other weights, quantization or chat template); 0 when it does not
 * @param wobbleAt  for {@code wobble@K[:PCT]}, the token from which PCT % of answers (all without PCT) differ, each
 *                  time differently: the late-token wobble batch-dependent arithmetic gives healthy servers at
 *                  temperature 0; 0 when it does not wobble
 * @param wobblePercent how many answers in a hundred wobble
 * @param fingerprint for {@code fingerprint:VALUE}, the {@code system_fingerprint} the server reports instead of its
 *                  dialect's; null when unchanged
 * @param identity  what the server's identity routes and headers report instead of the simulator's own, by fault
 *                  name: {@code model_root}, {@code model_sha}, {@code model_version}, {@code server} (see
 *                  {@link IdentityRoutes}); empty when unchanged
 */
record Faults(Map<Integer, Long> stallMs, Map<Integer, Long> idleMs, int closeAt, int reorderAt, int duplicateIndexAt, int idChangeAt,
              int malformedAt, boolean noDone, boolean noFinish, boolean contentAfterFinish,
              Map<Integer, Integer> oversize, int status, long slowHeadersMs, String contentType, int errorAt,
              int errorEventAt, boolean bareDone, int invalidUtf8At, boolean splitUtf8, boolean usageLow,
              boolean refusal, boolean pii, long saturatedHoldMs, int bufferedChunks, int contextTokens,
              int driftAt, int wobbleAt, int wobblePercent, String fingerprint, Map<String, String> identity) {

    /** How long a {@code saturated} request keeps the server saturated after it ends, unless it says otherwise. */
    static final long DEFAULT_SATURATED_HOLD_MS = 10_000;

    /** How often {@code idle_chunks} sends a token-less chunk. */
    static final long IDLE_EVERY_MS = 10;

    static final Faults NONE = parse(List.of());

    /**
     * Parses fault names such as {@code stall@3:200} or {@code status:429}.
     *
     * @throws IllegalArgumentException naming the fault that is unknown or malformed
     */
    static Faults parse(List<String> specs) {
        Map<Integer, Long> stall = new HashMap<>();
        Map<Integer, Long> idle = new HashMap<>();
        Map<Integer, Integer> oversize = new HashMap<>();
        int closeAt = 0;
        int reorderAt = 0;
        int duplicateAt = 0;
        int idChangeAt = 0;
        int malformedAt = 0;
        boolean noDone = false;
        boolean noFinish = false;
        boolean afterFinish = false;
        int status = 0;
        long slowHeaders = 0;
        String contentType = null;
        int errorAt = 0;
        int errorEventAt = 0;
        boolean bareDone = false;
        int invalidAt = 0;
        boolean splitUtf8 = false;
        boolean usageLow = false;
        boolean refusal = false;
        boolean pii = false;
        long saturatedHold = -1;
        int buffered = 0;
        int contextTokens = 0;
        int driftAt = 0;
        int wobbleAt = 0;
        int wobblePercent = 100;
        String fingerprint = null;
        Map<String, String> identity = new HashMap<>();
        for (String raw : specs) {
            String spec = raw.trim();
            if (spec.isEmpty()) {
                continue;
            }
            int at = spec.indexOf('@');
            int colon = spec.indexOf(':');
            int nameEnd = at >= 0 ? at : colon >= 0 ? colon : spec.length();
            String name = spec.substring(0, nameEnd).toLowerCase(Locale.ROOT);
            try {
                switch (name) {
                    case "stall" -> stall.put(position(spec), argument(spec));
                    case "idle_chunks" -> idle.put(position(spec), argument(spec));
                    case "close" -> closeAt = position(spec);
                    case "reorder" -> reorderAt = position(spec);
                    case "duplicate_index" -> duplicateAt = position(spec);
                    case "id_change" -> idChangeAt = position(spec);
                    case "malformed" -> malformedAt = position(spec);
                    case "no_done" -> noDone = true;
                    case "no_finish" -> noFinish = true;
                    case "content_after_finish" -> afterFinish = true;
                    case "oversize" -> oversize.put(position(spec), (int) argument(spec));
                    case "status" -> status = (int) argument(spec);
                    case "slow_headers" -> slowHeaders = argument(spec);
                    case "content_type" -> contentType = spec.substring(colon + 1).trim();
                    case "error" -> errorAt = position(spec);
                    case "error_event" -> errorEventAt = position(spec);
                    case "bare_done" -> bareDone = true;
                    case "invalid_utf8" -> invalidAt = position(spec);
                    case "split_utf8" -> splitUtf8 = true;
                    case "usage_low" -> usageLow = true;
                    case "refusal" -> refusal = true;
                    case "pii" -> pii = true;
                    case "saturated" -> saturatedHold = colon < 0 ? DEFAULT_SATURATED_HOLD_MS : argument(spec);
                    case "buffered" -> buffered = colon < 0 ? Integer.MAX_VALUE : bufferedChunks(spec);
                    case "context" -> contextTokens = (int) argument(spec);
                    case "drift" -> driftAt = position(spec);
                    case "wobble" -> {
                        wobbleAt = position(spec);
                        wobblePercent = spec.indexOf(':', at) < 0 ? 100 : percent(spec);
                    }
                    case "fingerprint" -> fingerprint = fingerprintOf(spec, colon);
                    case IdentityRoutes.MODEL_ROOT, IdentityRoutes.MODEL_SHA, IdentityRoutes.MODEL_VERSION,
                         IdentityRoutes.SERVER -> identity.put(name, identityOf(spec, colon));
                    default -> throw new IllegalArgumentException("unknown fault '" + spec + "'");
                }
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("malformed fault '" + spec + "'", e);
            }
        }
        if (saturatedHold >= 0) {
            // A saturated server queues the request before its first token.
            stall.merge(1, SimLoad.SATURATED_QUEUE_MS, Long::sum);
        }
        if (status != 0 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("fault status must be 4xx or 5xx");
        }
        return new Faults(Map.copyOf(stall), Map.copyOf(idle), closeAt, reorderAt, duplicateAt, idChangeAt, malformedAt, noDone,
                noFinish, afterFinish, Map.copyOf(oversize), status, slowHeadersMs(slowHeaders), contentType,
                errorAt, errorEventAt, bareDone, invalidAt, splitUtf8, usageLow, refusal, pii,
                saturatedHold < 0 ? -1 : saturatedHold, buffered, contextTokens, driftAt, wobbleAt, wobblePercent,
                fingerprint, Map.copyOf(identity));
    }

    /**
     * Any text but the fault list's separators, up to 128 characters: a test may make a server report text that is
     * no identifier (spaces, quotes) to see it hashed.
     */
    private static String identityOf(String spec, int colon) {
        String v = colon < 0 ? "" : spec.substring(colon + 1).trim();
        if (v.isEmpty() || v.length() > 128 || v.contains(";")) {
            throw new IllegalArgumentException("fault '" + spec + "' needs a value of 1 to 128 characters");
        }
        return v;
    }

    private static int percent(String spec) {
        long p = argument(spec);
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("fault '" + spec + "' percent must be between 0 and 100");
        }
        return (int) p;
    }

    private static String fingerprintOf(String spec, int colon) {
        String v = colon < 0 ? "" : spec.substring(colon + 1).trim();
        if (!v.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("fault '" + spec + "' needs a fingerprint :[A-Za-z0-9_.-]{1,64}");
        }
        return v;
    }

    private static int bufferedChunks(String spec) {
        long n = argument(spec);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fault '" + spec + "' must hold at least 1 token chunk");
        }
        return (int) n;
    }

    private static long slowHeadersMs(long ms) {
        return Math.max(0, ms);
    }

    /** The K of {@code name@K} or {@code name@K:arg}. */
    private static int position(String spec) {
        int at = spec.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("fault '" + spec + "' needs a position @K");
        }
        int colon = spec.indexOf(':', at);
        int k = Integer.parseInt(spec.substring(at + 1, colon < 0 ? spec.length() : colon).trim());
        if (k < 1) {
            throw new IllegalArgumentException("fault '" + spec + "' position must be at least 1");
        }
        return k;
    }

    /** The argument after the last ':'. */
    private static long argument(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("fault '" + spec + "' needs an argument :N");
        }
        return Long.parseLong(spec.substring(colon + 1).trim());
    }
}
