package dev.llmcanary.guardrail;

import java.util.Locale;

/** Case folding shared by the text-matching guardrails, so all of them agree on what "case-insensitive" means. */
final class TextFolding {

    private TextFolding() {
    }

    /** Lower-cases with the root locale when {@code caseInsensitive}, so the result does not depend on the host. */
    static String fold(String text, boolean caseInsensitive) {
        return caseInsensitive ? text.toLowerCase(Locale.ROOT) : text;
    }
}
