package dev.llmcanary.loadprobe.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which SSE events, as Gatling renders them, count as malformed. */
class MalformedEventTest {

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of("token event", "{\"data\":{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}}", false),
                Arguments.of("event with id and name", "{\"event\":\"message\",\"id\":\"1\",\"data\":{\"a\":1}}", false),
                Arguments.of("[DONE] rendered raw", "{\"data\":[DONE]}", false),
                Arguments.of("[DONE] quoted", "{\"data\":\"[DONE]\"}", false),
                Arguments.of("no data (a retry-only event)", "{\"retry\":100}", false),
                Arguments.of("truncated JSON data", "{\"data\":{\"choices\":[{\"delta\":{\"cont}", true),
                Arguments.of("plain-text data", "{\"data\":\"upstream timeout\"}", true),
                Arguments.of("array data", "{\"data\":[1,2]}", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void classifies(String name, String message, boolean malformed) {
        assertEquals(malformed, StreamingProbeSimulation.malformed(message));
    }
}
