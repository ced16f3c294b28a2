package dev.llmcanary.guardrail;

import java.util.Locale;

/** The kinds of personal data {@code no_pii} looks for, in the order they appear in reasons. */
enum PiiKind {
    EMAIL, PHONE, SSN, CARD;

    /** The YAML spelling, e.g. {@code email}. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
