package dev.llmcanary.consistency;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The identity a pool pins ({@code expected_identity:}): one expected value per source, e.g. the
 * {@code system_fingerprint} or TGI's {@code model_sha}. Values are configuration, already checked to be identifiers.
 *
 * @param expected source → value every endpoint must report, in source order
 */
public record IdentityPin(Map<IdentitySource, String> expected) {

    public IdentityPin {
        if (expected == null || expected.isEmpty()) {
            throw new IllegalArgumentException("an identity pin expects at least one source");
        }
        expected = Collections.unmodifiableMap(new EnumMap<>(expected));
    }

    /** The short form {@code expected_identity: fp_…}: the streams' {@code system_fingerprint}. */
    public static IdentityPin fingerprint(String value) {
        return new IdentityPin(Map.of(IdentitySource.FINGERPRINT, value));
    }

    /**
     * Why {@code observed} breaks the pin, or {@code null} when it holds. A stream source the run's stream did not
     * report is a mismatch (a pinned pool whose server stopped naming its fingerprint is no longer known to serve
     * it); a check source not read yet is not judged (the endpoint check reads it in the background, at most every
     * identity interval, and a run must not fail because the service just started).
     *
     * @param observed what the endpoint reported, readable values by source
     */
    public String mismatch(String endpoint, String pool, Map<IdentitySource, String> observed) {
        List<String> wrong = new ArrayList<>();
        expected.forEach((source, want) -> {
            String got = observed.get(source);
            if (got == null && source.origin() == IdentitySource.Origin.CHECK) {
                return;
            }
            if (!want.equals(got)) {
                wrong.add("endpoint " + endpoint + " reports " + (got == null ? "no " + describe(source)
                        : describe(source) + " " + got) + ", pool " + pool + " expects " + want);
            }
        });
        return wrong.isEmpty() ? null : String.join("; ", wrong);
    }

    /** The name a person knows the source by: the stream field or header as the server sends it. */
    public static String describe(IdentitySource source) {
        return switch (source) {
            case FINGERPRINT -> "system_fingerprint";
            case SERVER -> "Server header";
            default -> source.label();
        };
    }
}
