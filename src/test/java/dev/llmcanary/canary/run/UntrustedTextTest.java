package dev.llmcanary.canary.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** One named case per rule of {@link UntrustedText}: what is masked, what is left alone, and the bounds. */
class UntrustedTextTest {

    static final String KEY = "pool-key-7d1e5b2a9c4f";
    static final String PROMPT = "PROMPT-MARKER-3f9c1a: summarise the incident report in one sentence, please.";
    static final String SHORT_PROMPT = "Say hello.";
    static final String MULTILINE_PROMPT = "line one \"quoted\"\nline two is long enough";
    static final UntrustedText TEXT = UntrustedText.of(List.of(KEY, "short"),
            List.of(PROMPT, SHORT_PROMPT, MULTILINE_PROMPT));

    static Stream<Arguments> cases() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        return Stream.of(
                // configured secret values
                arguments("configured key alone", "caller " + KEY + " is not allowed",
                        "caller [REDACTED] is not allowed"),
                arguments("configured key split by a zero-width space",
                        "caller pool-key-7d1e\u200B5b2a9c4f denied", "caller [REDACTED] denied"),
                arguments("configured key cut by an earlier truncation", "echo: x-auth pool-key-7d1e5b…",
                        "echo: x-auth …"),
                arguments("configured value shorter than 8 characters is not a secret", "a short answer",
                        "a short answer"),
                // credential shapes
                arguments("Bearer token", "authorization: Bearer abc.DEF-123_xyz~+/= next",
                        "authorization: Bearer [REDACTED] next"),
                arguments("bearer in lower case", "got bearer Zm9vYmFyYmF6", "got bearer [REDACTED]"),
                arguments("Basic credentials", "Authorization: Basic dXNlcjpwYXNzd29yZA==",
                        "Authorization: Basic [REDACTED]"),
                arguments("OpenAI-style sk- key", "invalid key sk-proj-AbCdEf0123456789xyz", "invalid key [REDACTED]"),
                arguments("Hugging Face token", "token hf_abcdefghijklmnopqrstuv rejected", "token [REDACTED] rejected"),
                arguments("GitHub token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "[REDACTED]"),
                arguments("AWS access key id", "key AKIAIOSFODNN7EXAMPLE used", "key [REDACTED] used"),
                arguments("api_key= in a query string", "GET /v1?api_key=s3cr3t&model=m",
                        "GET /v1?api_key=[REDACTED]&model=m"),
                arguments("api-key header", "x-api-key: s3cr3t-value", "x-api-key: [REDACTED]"),
                arguments("JSON name and value", "{\"api_key\": \"s3cr3t\", \"password\":\"hunter22\"}",
                        "{\"api_key\": \"[REDACTED]\", \"password\":\"[REDACTED]\"}"),
                arguments("token= value", "refresh_token=abc123 expired", "refresh_token=[REDACTED] expired"),
                arguments("JWT", "session " + jwt + " expired", "session [REDACTED] expired"),
                arguments("host names are not JWTs", "cannot reach vllm-0.inference.svc.cluster.local:8000",
                        "cannot reach vllm-0.inference.svc.cluster.local:8000"),
                // prompt echoes
                arguments("the whole prompt", "echo: " + PROMPT, "echo: [prompt]"),
                arguments("a 24-character run of the prompt", "…the incident report in one sentence… ok",
                        "…[prompt]… ok"),
                arguments("the prompt JSON-escaped in an echoed body",
                        "body {\"content\":\"" + UntrustedText.jsonEscaped(MULTILINE_PROMPT)
                                + "\"}",
                        "body {\"content\":\"[prompt]\"}"),
                arguments("a short prompt as a whole", "echo: Say hello. done", "echo: [prompt] done"),
                arguments("fewer than 24 characters of a long prompt stay", "the incident report", "the incident report"),
                // personal data
                arguments("card number", "card 4111 1111 1111 1111 declined", "card [CARD] declined"),
                arguments("email address", "contact jane.doe@example.com", "contact [EMAIL]"),
                arguments("phone number", "call +1 415 555 2671", "call [PHONE]"),
                arguments("SSN", "ssn 123-45-6789", "ssn [SSN]"),
                // control characters
                arguments("line breaks and tabs become one space", "one\r\ntwo\tthree", "one two three"),
                arguments("NUL, escape and DEL are removed", "a\u0000b\u001b[31mc\u007f", "a b [31mc"),
                arguments("bidi overrides and zero-width characters are removed", "ab\u202Ecd\u200Bef", "abcdef"),
                arguments("a lone surrogate is removed", "x\uD800y", "xy"),
                // our own reasons pass unchanged
                arguments("a stall reason", "stall: no chunk for 2.5 s after token chunk 3 (threshold 2 s)",
                        "stall: no chunk for 2.5 s after token chunk 3 (threshold 2 s)"),
                arguments("a timeout reason", "timeout: first_token: no token within 0.5 s of the start, stream aborted",
                        "timeout: first_token: no token within 0.5 s of the start, stream aborted"),
                arguments("an http_status reason", "http_status: HTTP 429 (Retry-After: 2): rate limited",
                        "http_status: HTTP 429 (Retry-After: 2): rate limited"),
                arguments("a usage reason", "usage_inconsistent: server reported 5 completion tokens but 7 "
                        + "token-bearing chunks arrived", "usage_inconsistent: server reported 5 completion tokens "
                        + "but 7 token-bearing chunks arrived"),
                arguments("a finish reason", "stop", "stop"),
                arguments("null stays null", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cleans(String name, String input, String expected) {
        assertThat(TEXT.clean(input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cleaningTwiceChangesNothing(String name, String input, String expected) {
        assertThat(TEXT.clean(TEXT.clean(input))).isEqualTo(TEXT.clean(input));
    }

    @Test
    void aLongTextIsCutAtAWordBoundary() {
        String text = "word ".repeat(100);
        String cleaned = TEXT.clean(text);
        assertThat(cleaned).hasSizeLessThanOrEqualTo(UntrustedText.MAX_CHARS).endsWith("word …");
        assertThat(TEXT.clean(cleaned)).isEqualTo(cleaned);
    }

    @Test
    void aKeyAcrossTheInputLimitIsNotShownInPart() {
        String text = "[" + "x".repeat(UntrustedText.INPUT_CHARS - 10) + "] " + KEY;
        assertThat(text.indexOf(KEY)).isLessThan(UntrustedText.INPUT_CHARS);
        assertThat(text.length()).isGreaterThan(UntrustedText.INPUT_CHARS);
        assertThat(TEXT.clean(text)).doesNotContain("pool-key");
    }

    @Test
    void secretsAreMaskedBeforeTheCutSoAMaskedTailCannotReappear() {
        String text = "a ".repeat(140) + "Bearer " + KEY + " " + "b ".repeat(100);
        assertThat(TEXT.clean(text)).doesNotContain("pool-key").doesNotContain("7d1e");
    }

    @Test
    void maskSecretsKeepsACapturedCompletionWholeButWithoutKeys() {
        String completion = "Line one\nyour key is " + KEY + "\nand " + PROMPT;
        assertThat(TEXT.maskSecrets(completion)).isEqualTo("Line one\nyour key is [REDACTED]\nand " + PROMPT);
    }

    @Test
    void itsDescriptionNamesNoSecret() {
        assertThat(TEXT.toString()).doesNotContain(KEY).doesNotContain("MARKER");
    }
}
