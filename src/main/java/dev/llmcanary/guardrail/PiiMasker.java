package dev.llmcanary.guardrail;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Masks PII in text an operator chose to capture (completions with {@code llm-canary.capture.content=true}), using
 * the same detectors as the {@code no_pii} guardrail: each email, phone number, SSN or card number becomes
 * {@code [EMAIL]}, {@code [PHONE]}, {@code [SSN]} or {@code [CARD]}.
 */
public final class PiiMasker {

    private PiiMasker() {
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        List<PiiScanner.Found> found = PiiScanner.find(text).stream()
                .sorted(Comparator.comparingInt(PiiScanner.Found::start)).toList();
        if (found.isEmpty()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        int at = 0;
        for (PiiScanner.Found f : found) {
            b.append(text, at, f.start()).append('[').append(f.kind().name().toUpperCase(Locale.ROOT)).append(']');
            at = f.end();
        }
        return b.append(text, at, text.length()).toString();
    }
}
