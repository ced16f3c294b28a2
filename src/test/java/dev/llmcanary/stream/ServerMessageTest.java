package dev.llmcanary.stream;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The server's own words in an error body: one named case per shape servers answer with, plus bodies that are cut
 * off, not JSON, or not text; and how the message joins the {@code http_status} reason of a session.
 */
class ServerMessageTest {

    static final String LLAMA = "request (2562 tokens) exceeds the available context size (256 tokens)";

    static Stream<Arguments> bodies() {
        String long1200 = "x".repeat(600) + " " + "y".repeat(600);
        return Stream.of(
                arguments("error object with message (llama.cpp, OpenAI)",
                        bytes("{\"error\":{\"code\":400,\"message\":\"" + LLAMA
                                + "\",\"type\":\"exceed_context_size_error\"}}"), LLAMA),
                arguments("error object with msg", bytes("{\"error\":{\"msg\":\"bad input\"}}"), "bad input"),
                arguments("error object without message", bytes("{\"error\":{\"code\":500}}"),
                        "error without message"),
                arguments("error string (TGI)",
                        bytes("{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048\","
                                + "\"error_type\":\"validation\"}"),
                        "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048"),
                arguments("message (vLLM)",
                        bytes("{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens.\","
                                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"),
                        "This model's maximum context length is 4096 tokens."),
                arguments("error null falls back to message",
                        bytes("{\"error\":null,\"message\":\"overloaded\"}"), "overloaded"),
                arguments("detail string (FastAPI)", bytes("{\"detail\":\"Not Found\"}"), "Not Found"),
                arguments("detail list (FastAPI validation)",
                        bytes("{\"detail\":[{\"loc\":[\"body\",\"messages\"],\"msg\":\"field required\","
                                + "\"type\":\"value_error.missing\"}]}"), "field required"),
                arguments("message wins over detail", bytes("{\"detail\":\"d\",\"message\":\"m\"}"), "m"),
                arguments("JSON string", bytes("\"model is overloaded\""), "model is overloaded"),
                arguments("plain text", bytes("upstream connect error or disconnect/reset before headers\n"),
                        "upstream connect error or disconnect/reset before headers"),
                arguments("plain text on several lines is one line", bytes("line one\r\n\tline two\n\nthree"),
                        "line one line two three"),
                arguments("HTML page gives its title",
                        bytes("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
                                + "</h1></center><hr><center>nginx</center></body></html>"), "502 Bad Gateway"),
                arguments("HTML without title gives its text", bytes("<html><body><p>Service  unavailable</p></body>"),
                        "Service unavailable"),
                arguments("truncated JSON after the message",
                        bytes("{\"error\":{\"message\":\"context too long\",\"type\":\"invalid_request_error\",\"par"),
                        "context too long"),
                arguments("truncated JSON before any message",
                        bytes("{\"error\":{\"type\":\"invalid_req"), "{\"error\":{\"type\":\"invalid_req"),
                arguments("invalid JSON is shown as text", bytes("{not json at all}"), "{not json at all}"),
                arguments("JSON with no known field is shown as text", bytes("{\"status\":\"failed\"}"),
                        "{\"status\":\"failed\"}"),
                arguments("a long message is cut at 1000 characters", bytes("{\"message\":\"" + long1200 + "\"}"),
                        "x".repeat(600) + " " + "y".repeat(399) + "…"),
                arguments("empty body", new byte[0], null),
                arguments("blank body", bytes(" \r\n "), null),
                arguments("binary body (gzip)", new byte[]{0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 75, 76, 78},
                        null),
                arguments("binary body without NUL", binaryWithoutNul(), null),
                arguments("a body cut inside a UTF-8 character keeps its text",
                        cut(bytes("{\"error\":\"caf\u00e9 ferm\u00e9\"} \u00e9"), 1), "caf\u00e9 ferm\u00e9"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void extractsTheServersMessage(String name, byte[] body, String expected) {
        assertThat(ServerMessage.of(body, body.length)).isEqualTo(expected);
    }

    @Test
    void theErrorBodyJoinsTheHttpStatusReasonAfterRetryAfter() {
        StreamSession session = rejected(429, "30");
        assertThat(session.errorBody(Buffer.buffer("{\"error\":{\"message\":\"rate limit exceeded\"}}"))).isTrue();
        StreamResult r = session.finish(5);

        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.rule()).isEqualTo(Rule.HTTP_STATUS);
            assertThat(v.reason()).isEqualTo("HTTP 429 (Retry-After: 30): rate limit exceeded");
            assertThat(v.atNanos()).isEqualTo(2); // detected at the headers, not when the body ended
        });
    }

    @Test
    void theBodyIsReadInPiecesUpToItsLimit() {
        StreamSession session = rejected(400, null);
        String message = "{\"error\":{\"message\":\"" + LLAMA + "\",\"padding\":\"";
        assertThat(session.errorBody(Buffer.buffer(message))).isTrue();
        boolean more = true;
        int pieces = 0;
        while (more) {
            more = session.errorBody(Buffer.buffer("p".repeat(1000)));
            pieces++;
        }
        StreamResult r = session.finish(5);

        assertThat(pieces).isEqualTo(4); // 4096 bytes: the prefix is full, nothing more is wanted
        assertThat(r.violations().get(0).reason()).isEqualTo("HTTP 400: " + LLAMA);
        assertThat(r.bytes()).isZero(); // the error body is not stream bytes
    }

    @Test
    void withoutABodyTheReasonIsTheStatus() {
        assertThat(rejected(503, null).finish(5).violations().get(0).reason()).isEqualTo("HTTP 503");
    }

    @Test
    void aStreamThatWasAcceptedTakesNoErrorBody() {
        StreamSession session = new StreamSession(Streams.options(Flavor.OPENAI_CHAT), StreamListener.NONE, 0);
        session.headers(200, "text/event-stream", null, 1);
        assertThat(session.errorBody(Buffer.buffer("{\"error\":\"x\"}"))).isFalse();
    }

    private static StreamSession rejected(int status, String retryAfter) {
        StreamSession session = new StreamSession(Streams.options(Flavor.OPENAI_CHAT), StreamListener.NONE, 0);
        session.requestWritten(1);
        assertThat(session.headers(status, "application/json", retryAfter, 2)).isFalse();
        return session;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cut(byte[] b, int drop) {
        return java.util.Arrays.copyOf(b, b.length - drop);
    }

    private static byte[] binaryWithoutNul() {
        byte[] b = new byte[64];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (0x80 + (i * 7) % 0x7f + 1); // lone continuation and lead bytes: not UTF-8
        }
        return b;
    }
}
