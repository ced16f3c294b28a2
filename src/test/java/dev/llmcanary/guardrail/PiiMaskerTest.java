package dev.llmcanary.guardrail;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Captured completions (opt-in) keep their shape but lose every detected piece of PII. */
class PiiMaskerTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("email", "write to jane.doe@example.com today", "write to [EMAIL] today"),
                arguments("phone", "call 555-867-5309 now", "call [PHONE] now"),
                arguments("ssn", "SSN 123-45-6789.", "SSN [SSN]."),
                arguments("Luhn-valid card", "card 4111 1111 1111 1111 ok", "card [CARD] ok"),
                arguments("Luhn-invalid digits stay", "order 4111 1111 1111 1112", "order 4111 1111 1111 1112"),
                arguments("several kinds in order", "a@b.io and 555-867-5309", "[EMAIL] and [PHONE]"),
                arguments("nothing to mask", "the capital is Paris", "the capital is Paris"),
                arguments("empty", "", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void masks(String name, String text, String expected) {
        assertThat(PiiMasker.mask(text)).isEqualTo(expected);
    }
}
