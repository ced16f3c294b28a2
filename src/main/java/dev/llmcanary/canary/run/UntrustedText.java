package dev.llmcanary.canary.run;

import dev.llmcanary.guardrail.PiiMasker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes text that came from a target safe to log, store, trace and serve. In-stream errors, error bodies, finish
 * details and evidence errors are the target's words, and a target (or a gateway in front of it) may echo our request
 * into them: the bearer key, the prompt, personal data. The run list, the fleet and the canary API are readable
 * without a token, so nothing of that may pass.
 *
 * <p>{@link #clean} does, in this order:
 * <ol>
 *   <li>Looks at no more than {@value #INPUT_CHARS} characters (bounded work on the event loop). A word cut there,
 *       or cut before a final {@code …} by an earlier truncation, is dropped: half a key is still a key.</li>
 *   <li>Removes control characters (line breaks and tabs become a space, so a reason stays one log line) and
 *       invisible format characters (zero-width, bidi overrides), which could otherwise hide a key from step 3.</li>
 *   <li>Replaces each configured secret value (every pool's {@code api_key_env} value, the canary's own header values)
 *       of {@value #MIN_SECRET_CHARS}+ characters with {@value #REDACTED}.</li>
 *   <li>Replaces prompt text the service sent (the canary's messages and completion prompt, raw or JSON-escaped) with
 *       {@value #PROMPT}: any run of {@value #PROMPT_RUN}+ characters that occurs in it, and a whole message of
 *       {@value #MIN_SECRET_CHARS}+ characters. Shorter echoes are not recognised.</li>
 *   <li>Replaces credential shapes with {@value #REDACTED}: {@code Bearer …} and {@code Basic …} tokens; {@code sk-},
 *       {@code hf_}, {@code ghp_}-style, {@code AKIA…} and {@code xox?-} keys; the value of {@code api_key=…},
 *       {@code "token": "…"}, {@code password: …} and similar name-value pairs; JWTs (three base64url segments, the
 *       first a JSON header, so it starts with {@code eyJ}: host names such as {@code a.b.svc} stay readable).</li>
 *   <li>Masks personal data as the {@code no_pii} guardrail finds it ({@link PiiMasker}): {@code [EMAIL]},
 *       {@code [PHONE]}, {@code [SSN]}, {@code [CARD]}.</li>
 *   <li>Cuts the result to {@value #MAX_CHARS} characters at a word boundary, ending with {@code " …"}.</li>
 * </ol>
 * Cleaning is idempotent, so a reason built from cleaned parts may be cleaned again. Thread-safe (immutable); it
 * holds secret values, so {@link #toString} names none.
 */
public final class UntrustedText {

    /** The longest cleaned text, {@code " …"} included. */
    public static final int MAX_CHARS = 300;
    /** How much of a text is looked at. */
    static final int INPUT_CHARS = 4096;
    /** The shortest run of prompt text recognised inside a longer echo. */
    static final int PROMPT_RUN = 24;
    /** Shorter values cannot be secret in any useful sense and would blank ordinary words. */
    static final int MIN_SECRET_CHARS = 8;
    static final String REDACTED = "[REDACTED]";
    static final String PROMPT = "[prompt]";
    private static final String CUT = " …";

    private static final Pattern AUTH_SCHEME = Pattern.compile("\\b((?i:bearer)|Basic)\\s+[A-Za-z0-9._~+/=-]{4,}");
    private static final Pattern KEY_SHAPES = Pattern.compile("\\b(?:sk-[A-Za-z0-9_-]{8,}|hf_[A-Za-z0-9]{16,}"
            + "|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,})");
    private static final Pattern JWT = Pattern.compile(
            "\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    // The value after a credential's name; one already masked, or a scheme masked as a whole above, is left alone.
    private static final Pattern NAMED_VALUE = Pattern.compile("(?i)(\\b(?:x-)?(?:api[_-]?key|apikey|access[_-]?token"
            + "|auth[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|secret[_-]?key|secret|password"
            + "|passwd|token|authorization|proxy-authorization|cookie)[\"']?\\s*[=:]\\s*[\"']?)"
            + "(?!\\[REDACTED]|(?i:bearer|basic)\\s)([^\\s\"'&,;}\\]]+)");

    private final List<String> secrets;
    private final Set<String> promptRuns;
    private final List<String> promptWholes;

    private UntrustedText(List<String> secrets, Set<String> promptRuns, List<String> promptWholes) {
        this.secrets = secrets;
        this.promptRuns = promptRuns;
        this.promptWholes = promptWholes;
    }

    /** Knows no secrets and no prompt: only shapes, control characters, PII and length. */
    public static final UntrustedText SHAPES_ONLY = of(List.of(), List.of());

    /**
     * @param secrets values that must never appear (null and short values are ignored)
     * @param prompts prompt texts the service sends (null entries are ignored)
     */
    public static UntrustedText of(Collection<String> secrets, Collection<String> prompts) {
        List<String> keys = new ArrayList<>();
        for (String s : secrets) {
            if (s != null) {
                String normal = normalise(s);
                if (normal.length() >= MIN_SECRET_CHARS && !keys.contains(normal)) {
                    keys.add(normal);
                }
            }
        }
        keys.sort(Comparator.comparingInt(String::length).reversed()); // a key containing another goes first
        Set<String> runs = new HashSet<>();
        List<String> wholes = new ArrayList<>();
        for (String p : prompts) {
            if (p == null) {
                continue;
            }
            for (String form : List.of(normalise(p), normalise(jsonEscaped(p)))) {
                if (form.length() >= PROMPT_RUN) {
                    for (int i = 0; i + PROMPT_RUN <= form.length(); i++) {
                        runs.add(form.substring(i, i + PROMPT_RUN));
                    }
                } else if (form.length() >= MIN_SECRET_CHARS && !wholes.contains(form)) {
                    wholes.add(form);
                }
            }
        }
        wholes.sort(Comparator.comparingInt(String::length).reversed());
        return new UntrustedText(List.copyOf(keys), Set.copyOf(runs), List.copyOf(wholes));
    }

    /** The text made safe to show (see the class comment); {@code null} stays {@code null}. */
    public String clean(String text) {
        if (text == null) {
            return null;
        }
        String t = bounded(text);
        t = normalise(t);
        t = maskSecretValues(t);
        t = maskPrompt(t);
        t = maskCredentialShapes(t);
        t = PiiMasker.mask(t);
        return shortened(t.strip());
    }

    /**
     * Only the secrets (configured values and credential shapes), for text an operator chose to keep whole: a captured
     * completion is not cut, stripped or relieved of prompt echoes, but never shows a key.
     */
    public String maskSecrets(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return maskCredentialShapes(maskSecretValues(text));
    }

    private String maskSecretValues(String t) {
        for (String key : secrets) {
            t = t.replace(key, REDACTED);
        }
        return t;
    }

    private String maskPrompt(String t) {
        for (String whole : promptWholes) {
            t = t.replace(whole, PROMPT);
        }
        if (promptRuns.isEmpty() || t.length() < PROMPT_RUN) {
            return t;
        }
        boolean[] covered = new boolean[t.length()];
        boolean any = false;
        for (int i = 0; i + PROMPT_RUN <= t.length(); i++) {
            if (promptRuns.contains(t.substring(i, i + PROMPT_RUN))) {
                java.util.Arrays.fill(covered, i, i + PROMPT_RUN, true);
                any = true;
            }
        }
        if (!any) {
            return t;
        }
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            if (!covered[i]) {
                b.append(t.charAt(i));
            } else if (i == 0 || !covered[i - 1]) {
                b.append(PROMPT);
            }
        }
        return b.toString();
    }

    private static String maskCredentialShapes(String t) {
        t = AUTH_SCHEME.matcher(t).replaceAll("$1 " + REDACTED);
        t = JWT.matcher(t).replaceAll(REDACTED);
        t = KEY_SHAPES.matcher(t).replaceAll(REDACTED);
        return NAMED_VALUE.matcher(t).replaceAll("$1" + REDACTED);
    }

    /** At most {@link #INPUT_CHARS}, and no word left that an earlier or this cut split. */
    private static String bounded(String text) {
        if (text.length() > INPUT_CHARS) {
            return dropLastWord(text.substring(0, INPUT_CHARS)) + CUT;
        }
        if (text.endsWith("…") && !text.endsWith(CUT)) {
            return dropLastWord(text.substring(0, text.length() - 1)) + CUT;
        }
        return text;
    }

    private static String dropLastWord(String text) {
        int end = text.length();
        while (end > 0 && !Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end).stripTrailing();
    }

    private static String shortened(String t) {
        if (t.length() <= MAX_CHARS) {
            return t;
        }
        int limit = MAX_CHARS - CUT.length();
        int cut = limit;
        // At a word boundary when one is near, so a placeholder is not cut in half.
        for (int i = limit; i > limit - 40 && i > 0; i--) {
            if (Character.isWhitespace(t.charAt(i))) {
                cut = i;
                break;
            }
        }
        if (Character.isHighSurrogate(t.charAt(cut - 1))) {
            cut--;
        }
        return t.substring(0, cut).stripTrailing() + CUT;
    }

    /**
     * Control characters become a space (a run of them one space); invisible format characters and lone surrogates
     * go. Prompts and secrets pass through the same, so they are found in normalised text.
     */
    static String normalise(String text) {
        StringBuilder b = null;
        boolean lastWasControl = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            boolean control = type == Character.CONTROL || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR;
            boolean drop = type == Character.FORMAT || (type == Character.SURROGATE && !paired(text, i));
            if (!control && !drop) {
                if (b != null) {
                    b.append(c);
                }
                lastWasControl = false;
                continue;
            }
            if (b == null) {
                b = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (control && !lastWasControl) {
                b.append(' ');
            }
            lastWasControl = control || (drop && lastWasControl);
        }
        return b == null ? text : b.toString();
    }

    private static boolean paired(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** The text as it appears inside a JSON string of the request body. */
    static String jsonEscaped(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "UntrustedText[" + secrets.size() + " secret values, " + promptRuns.size() + " prompt runs]";
    }
}
