package dev.llmcanary.consistency;

import java.time.Instant;
import java.util.List;

/**
 * One endpoint's latest answer, held in memory only while it can take part in a comparison. The tokens are the
 * answer's text split into words; they never leave this package (no log, span, metric or store sees them).
 */
public record Answer(String endpoint, String fingerprint, List<String> tokens, Instant at) {

    public Answer {
        tokens = List.copyOf(tokens);
    }

    @Override
    public String toString() {
        // Never print the tokens: a stray log of this record must not leak the answer.
        return "Answer[" + endpoint + ", " + fingerprint + ", " + tokens.size() + " tokens]";
    }
}
