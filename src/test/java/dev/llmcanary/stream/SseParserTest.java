package dev.llmcanary.stream;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SseParserTest {

    /** Collects what the parser hands out. */
    static final class Recorder implements SseParser.Handler {
        final List<SseEvent> events = new ArrayList<>();
        final List<Integer> invalidUtf8 = new ArrayList<>();

        @Override
        public void event(SseEvent event) {
            events.add(event);
        }

        @Override
        public void invalidUtf8(int eventNumber, long atNanos) {
            invalidUtf8.add(eventNumber);
        }

        List<String> data() {
            return events.stream().map(SseEvent::data).toList();
        }
    }

    private static Recorder parse(int maxEventBytes, List<byte[]> reads) {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(maxEventBytes, recorder);
        long at = 100;
        for (byte[] read : reads) {
            parser.feed(read, 0, read.length, at++);
        }
        return recorder;
    }

    private static List<byte[]> reads(String... parts) {
        return Stream.of(parts).map(p -> p.getBytes(StandardCharsets.UTF_8)).toList();
    }

    static Stream<Arguments> framing() {
        return Stream.of(
                arguments("one event, LF", reads("data: {\"a\":1}\n\n"), List.of("{\"a\":1}")),
                arguments("event split across reads", reads("da", "ta: {\"a\"", ":1}\n", "\n"), List.of("{\"a\":1}")),
                arguments("several events in one read", reads("data: 1\n\ndata: 2\n\ndata: 3\n\n"), List.of("1", "2", "3")),
                arguments("CRLF line ends", reads("data: 1\r\n\r\ndata: 2\r\n\r\n"), List.of("1", "2")),
                arguments("CRLF split between reads", reads("data: 1\r", "\n\r", "\ndata: 2\r\n\r\n"), List.of("1", "2")),
                arguments("lone CR line ends", reads("data: 1\r\rdata: 2\r\r"), List.of("1", "2")),
                arguments("comment and keep-alive lines are not events", reads(": ping\n\ndata: 1\n: keep-alive\n\n:\n\n"), List.of("1")),
                arguments("data without space after colon", reads("data:{\"a\":1}\n\n"), List.of("{\"a\":1}")),
                arguments("only one leading space is stripped", reads("data:  x\n\n"), List.of(" x")),
                arguments("multi-line data joined with LF", reads("data: line1\ndata: line2\n\n"), List.of("line1\nline2")),
                arguments("blank line without data dispatches nothing", reads("\n\n\r\n"), List.of()),
                arguments("id and retry fields ignored", reads("id: 7\nretry: 10\ndata: 1\n\n"), List.of("1")),
                arguments("incomplete event is held back", reads("data: 1\n\ndata: 2\n"), List.of("1")),
                arguments("field without colon has an empty value", reads("data\n\ndata: 1\n\n"), List.of("", "1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framing")
    void framesEvents(String name, List<byte[]> reads, List<String> expected) {
        assertThat(parse(1024, reads).data()).containsExactlyElementsOf(expected);
    }

    @Test
    void eventFieldIsKeptAndReset() {
        Recorder r = parse(1024, reads("event: error\ndata: {\"message\":\"x\"}\n\ndata: 2\n\n"));
        assertThat(r.events).extracting(SseEvent::event).containsExactly("error", null);
    }

    @Test
    void arrivalIsTheReadThatCompletedTheEvent() {
        Recorder r = parse(1024, reads("data: 1", "\n", "\n"));
        assertThat(r.events).extracting(SseEvent::arrivedNanos).containsExactly(102L);
    }

    static final String MULTIBYTE = "data: h\u00e9llo \u4e16\u754c \uD83C\uDF89\n\n";

    static Stream<Arguments> splitOffsets() {
        int length = MULTIBYTE.getBytes(StandardCharsets.UTF_8).length;
        return IntStream.range(1, length).mapToObj(i -> arguments("split at byte " + i, i));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("splitOffsets")
    void utf8SplitAcrossReadsAtEveryOffset(String name, int offset) {
        byte[] all = MULTIBYTE.getBytes(StandardCharsets.UTF_8);
        byte[] first = java.util.Arrays.copyOfRange(all, 0, offset);
        byte[] second = java.util.Arrays.copyOfRange(all, offset, all.length);
        Recorder r = parse(1024, List.of(first, second));
        assertThat(r.data()).containsExactly("h\u00e9llo \u4e16\u754c \uD83C\uDF89");
        assertThat(r.invalidUtf8).isEmpty();
    }

    @Test
    void utf8FedByteByByte() {
        byte[] all = MULTIBYTE.getBytes(StandardCharsets.UTF_8);
        List<byte[]> reads = IntStream.range(0, all.length).mapToObj(i -> new byte[]{all[i]}).toList();
        Recorder r = parse(1024, reads);
        assertThat(r.data()).containsExactly("h\u00e9llo \u4e16\u754c \uD83C\uDF89");
        assertThat(r.invalidUtf8).isEmpty();
    }

    @Test
    void malformedUtf8IsReportedAndReplaced() {
        byte[] bad = {'d', 'a', 't', 'a', ':', ' ', 'a', (byte) 0xC3, 'b', '\n', '\n'};
        Recorder r = parse(1024, List.of("data: ok\n\n".getBytes(StandardCharsets.UTF_8), bad));
        assertThat(r.invalidUtf8).containsExactly(2);
        assertThat(r.data()).containsExactly("ok", "a\uFFFDb");
    }

    static Stream<Arguments> oversize() {
        String big = "x".repeat(100);
        return Stream.of(
                arguments("one long line", reads("data: " + big + "\n\n")),
                arguments("long line without end never buffered whole", reads("data: " + big.substring(0, 50), big)),
                arguments("many data lines of one event", reads("data: " + big.substring(0, 30) + "\n",
                        "data: " + big.substring(0, 30) + "\n", "data: " + big.substring(0, 30) + "\n", "\n")),
                arguments("long comment line", reads(":" + big + "\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversize")
    void oversizeEventStopsTheParser(String name, List<byte[]> reads) {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(64, recorder);
        boolean ok = true;
        for (byte[] read : reads) {
            ok &= parser.feed(read, 0, read.length, 1);
        }
        assertThat(ok).isFalse();
        assertThat(parser.oversize()).isTrue();
        assertThat(recorder.events).isEmpty();
        assertThat(parser.feed("data: 1\n\n".getBytes(StandardCharsets.UTF_8), 0, 9, 2)).isFalse();
    }

    @Test
    void eventsUpToTheLimitPass() {
        Recorder r = parse(64, reads("data: " + "x".repeat(50) + "\n\n", "data: " + "y".repeat(50) + "\n\n"));
        assertThat(r.data()).hasSize(2);
    }

    @Test
    void endOfInputDispatchesAnUnterminatedLastEvent() {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(1024, recorder);
        byte[] bytes = "data: 1\n\ndata: [DONE]".getBytes(StandardCharsets.UTF_8);
        parser.feed(bytes, 0, bytes.length, 1);
        parser.endOfInput(2);
        assertThat(recorder.data()).containsExactly("1", "[DONE]");
    }

    @Test
    void totalBytesLimitEndsTheSession() {
        StreamOptions options = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 1_000_000_000L, 5_000_000_000L,
                1024, 300, 100, Cumulative.AUTO, 0);
        StreamSession session = new StreamSession(options, StreamListener.NONE, 0);
        session.headers(200, "text/event-stream", null, 1);
        String chunk = "data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
        for (int i = 0; i < 5 && !session.terminated(); i++) {
            session.bytes(Buffer.buffer(chunk), 10 + i);
        }
        assertThat(session.terminated()).isTrue();
        StreamResult result = session.finish(20);
        assertThat(result.aborted()).isTrue();
        assertThat(result.violations()).extracting(Violation::rule, Violation::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Rule.OVERSIZE_EVENT,
                        "response body larger than 300 bytes"));
        assertThat(result.trace().tokenChunks()).isEqualTo(3); // the events within the limit still count
    }
}
