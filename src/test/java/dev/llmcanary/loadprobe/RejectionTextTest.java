package dev.llmcanary.loadprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.run.UntrustedText;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The runner's raw rejection body becomes the server's masked message; the body itself never survives. */
class RejectionTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UntrustedText TEXT = UntrustedText.of(List.of("sk-live-secret-4242"), List.of());

    static Stream<Arguments> bodies() {
        return Stream.of(
                arguments("llama.cpp context overflow", "{\"error\":{\"code\":400,\"message\":\"request (2562 tokens)"
                        + " exceeds the available context size (256 tokens)\"}}", "request (2562 tokens) exceeds the"
                        + " available context size (256 tokens)"),
                arguments("an echo of our key is masked", "{\"error\":\"bad key sk-live-secret-4242\"}",
                        "bad key [REDACTED]"),
                arguments("a card number in plain text is masked", "card 4111 1111 1111 1111 declined",
                        "card [CARD] declined"),
                arguments("FastAPI detail", "{\"detail\":\"Not Found\"}", "Not Found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void theBodyBecomesTheServersMaskedMessage(String name, String body, String message) throws Exception {
        JsonNode summary = JSON.readTree("{\"firstRejection\":{\"status\":400}}");
        ((com.fasterxml.jackson.databind.node.ObjectNode) summary.get("firstRejection")).put("body", body);

        RejectionText.clean(summary, TEXT);

        assertThat(summary.at("/firstRejection").has("body")).isFalse();
        assertThat(summary.at("/firstRejection/message").asText()).isEqualTo(message);
        assertThat(summary.toString()).doesNotContain("sk-live-secret-4242").doesNotContain("4111 1111");
    }
}
