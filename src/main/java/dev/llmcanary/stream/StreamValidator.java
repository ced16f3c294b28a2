package dev.llmcanary.stream;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The stream rules: checks each decoded delta for order as it arrives and keeps the violations, each rule at most
 * once per stream (the reason describes its first occurrence), telling the listener the moment one is found.
 * Reasons never quote prompt or answer text.
 */
final class StreamValidator {
    private final StreamOptions options;
    private final StreamListener listener;
    private final List<Violation> violations = new ArrayList<>(2);
    private final EnumSet<Rule> reported = EnumSet.noneOf(Rule.class);

    private String firstId;
    private final String[] roles;
    private final boolean[] tokenSeen;
    private final boolean[] finished;
    private Long lastSequence;

    StreamValidator(StreamOptions options, StreamListener listener) {
        this.options = options;
        this.listener = listener;
        int choices = Math.max(1, options.choices());
        this.roles = new String[choices];
        this.tokenSeen = new boolean[choices];
        this.finished = new boolean[choices];
    }

    /** Records a violation unless its rule was already reported; returns whether it was recorded. */
    boolean report(Rule rule, String reason, long at) {
        if (!reported.add(rule)) {
            return false;
        }
        Violation violation = new Violation(rule, reason, at);
        violations.add(violation);
        listener.violation(violation);
        return true;
    }

    boolean has(Rule rule) {
        return reported.contains(rule);
    }

    List<Violation> violations() {
        return List.copyOf(violations);
    }

    /**
     * Checks one delta before it is counted: id, choice index, role and the flavor's sequence number.
     *
     * @return whether the delta's choice index is within the request's {@code n} (only then is per-choice state kept)
     */
    boolean checkOrder(StreamDelta delta, int event, long at) {
        String id = delta.id();
        if (id != null && !id.isEmpty()) {
            if (firstId == null) {
                firstId = id;
            } else if (!firstId.equals(id)) {
                report(Rule.OUT_OF_ORDER, "response id changed mid-stream at event " + event, at);
            }
        }
        if (delta.sequence() != null) {
            checkSequence(delta.sequence(), delta.last(), event, at);
        }
        Integer choice = delta.choiceIndex();
        if (choice == null) {
            return false;
        }
        if (choice < 0 || choice >= roles.length) {
            report(Rule.OUT_OF_ORDER, "choice index " + choice + " outside the requested n=" + options.choices()
                    + " at event " + event, at);
            return false;
        }
        String role = delta.role();
        if (role != null && !role.isEmpty()) {
            if (roles[choice] == null) {
                if (tokenSeen[choice]) {
                    report(Rule.OUT_OF_ORDER, "role first sent after content (choice " + choice + ", event " + event
                            + ")", at);
                }
                roles[choice] = role;
            } else if (!roles[choice].equals(role)) {
                report(Rule.OUT_OF_ORDER, "role changed from " + clip(roles[choice]) + " to " + clip(role)
                        + " (choice " + choice + ", event " + event + ")", at);
            }
        }
        return true;
    }

    /** A token-bearing delta for an in-range choice: content after that choice's finish reason is a violation. */
    void token(int choice, int tokenChunk, long at) {
        if (finished[choice]) {
            report(Rule.CONTENT_AFTER_FINISH, "token chunk " + tokenChunk + " arrived after the finish reason (choice "
                    + choice + ")", at);
        }
        tokenSeen[choice] = true;
    }

    void finished(int choice) {
        finished[choice] = true;
    }

    /** Decoded text with U+FFFD or a lone surrogate means bytes were lost or split wrongly somewhere upstream. */
    void checkText(String text, String field, int tokenChunk, long at) {
        if (reported.contains(Rule.INVALID_UTF8)) {
            return;
        }
        String problem = textProblem(text);
        if (problem != null) {
            report(Rule.INVALID_UTF8, problem + " in " + field + " of token chunk " + tokenChunk, at);
        }
    }

    static String textProblem(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '\uFFFD') {
                return "U+FFFD replacement character";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return "lone surrogate";
                }
            } else if (Character.isLowSurrogate(c)) {
                return "lone surrogate";
            }
        }
        return null;
    }

    private void checkSequence(long sequence, boolean last, int event, long at) {
        Long previous = lastSequence;
        lastSequence = sequence;
        if (previous == null) {
            return;
        }
        boolean ok = switch (options.flavor()) {
            // TGI numbers every generated token, so a gap means a lost or reordered event
            case TGI_GENERATE -> sequence == previous + 1;
            // llama.cpp's final event repeats the count of the last partial one
            case LLAMACPP_COMPLETION -> last ? sequence >= previous : sequence > previous;
            default -> sequence > previous;
        };
        if (!ok) {
            report(Rule.OUT_OF_ORDER, sequenceName() + " " + sequence + " after " + previous + " at event " + event, at);
        }
    }

    private String sequenceName() {
        return switch (options.flavor()) {
            case TGI_GENERATE -> "token index";
            case LLAMACPP_COMPLETION -> "tokens_predicted";
            default -> "sequence_index";
        };
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String clip(String serverValue) {
        return serverValue.length() <= 20 ? serverValue : serverValue.substring(0, 20) + "…";
    }
}
