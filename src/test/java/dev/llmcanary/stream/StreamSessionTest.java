package dev.llmcanary.stream;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.llmcanary.stream.Streams.MS;
import static dev.llmcanary.stream.Streams.open;
import static dev.llmcanary.stream.Streams.options;
import static dev.llmcanary.stream.Streams.play;
import static dev.llmcanary.stream.Streams.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** One named case per validator rule, plus timings, stalls and the listener. */
class StreamSessionTest {

    interface Script {
        StreamResult run();
    }

    static String chat(String delta, String finish) {
        return chat("c", 0, delta, finish);
    }

    static String chat(String id, int index, String delta, String finish) {
        return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":" + index
                + ",\"delta\":" + delta + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"")
                + "}]}\n\n";
    }

    static String usage(int prompt, int completion) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion)
                + "}}\n\n";
    }

    static final String DONE = "data: [DONE]\n\n";
    static final String HI = chat("{\"content\":\"Hi\"}", null);
    static final String STOP = chat("{}", "stop");

    static StreamOptions small(Flavor flavor) {
        return new StreamOptions(flavor, flavor.sendsDone(), 1, 1_000 * MS, 5_000 * MS, 64, 1024 * 1024, 1000,
                Cumulative.AUTO, 0);
    }

    static StreamResult rejected(int status, String contentType, String retryAfter) {
        StreamSession session = new StreamSession(options(Flavor.OPENAI_CHAT), StreamListener.NONE, 0);
        session.requestWritten(1);
        boolean accepted = session.headers(status, contentType, retryAfter, 2);
        assertThat(accepted).isFalse();
        assertThat(session.terminated()).isTrue();
        session.bytes(Buffer.buffer("{\"error\":\"rate limited\"}"), 3);
        session.end(4);
        return session.finish(4);
    }

    static StreamResult thenFail(StreamOptions options, String body) {
        return thenFail(options, body, "connection reset");
    }

    static StreamResult thenFail(StreamOptions options, String body, String how) {
        StreamSession session = open(options, StreamListener.NONE);
        long at = play(session, body);
        session.failed(how, at);
        return session.finish(at);
    }

    static StreamResult timed(StreamOptions options, long[] times, String... events) {
        StreamSession session = open(options, StreamListener.NONE);
        for (int i = 0; i < events.length; i++) {
            session.bytes(Buffer.buffer(events[i]), times[i]);
        }
        session.end(times[times.length - 1]);
        return session.finish(times[times.length - 1]);
    }

    static Stream<Arguments> rules() {
        StreamOptions chat = options(Flavor.OPENAI_CHAT);
        StreamOptions chatNoDone = options(Flavor.OPENAI_CHAT, false, Cumulative.AUTO);
        String longMessage = "x".repeat(300);
        return Stream.of(
                arguments("http_status with Retry-After", (Script) () -> rejected(429, "application/json", "2"),
                        Rule.HTTP_STATUS, "HTTP 429 (Retry-After: 2)", List.of(Rule.HTTP_STATUS)),
                arguments("http_status without Retry-After", (Script) () -> rejected(503, "text/plain", null),
                        Rule.HTTP_STATUS, "HTTP 503", List.of(Rule.HTTP_STATUS)),
                arguments("content_type not an event stream", (Script) () -> rejected(200, "application/json", null),
                        Rule.CONTENT_TYPE, "content type application/json, expected text/event-stream",
                        List.of(Rule.CONTENT_TYPE)),
                arguments("content_type missing", (Script) () -> rejected(200, null, null),
                        Rule.CONTENT_TYPE, "content type missing, expected text/event-stream", List.of(Rule.CONTENT_TYPE)),
                arguments("malformed_event: truncated JSON",
                        (Script) () -> run(chat, HI + "data: {\"choices\": [\n\n" + STOP + DONE),
                        Rule.MALFORMED_EVENT, "event 2: event data is not valid JSON", List.of(Rule.MALFORMED_EVENT)),
                arguments("malformed_event: plain text", (Script) () -> run(chat, HI + "data: hello\n\n" + STOP + DONE),
                        Rule.MALFORMED_EVENT, "event 2: event data is not valid JSON", List.of(Rule.MALFORMED_EVENT)),
                arguments("malformed_event: JSON but not an object",
                        (Script) () -> run(chat, HI + "data: 42\n\n" + STOP + DONE),
                        Rule.MALFORMED_EVENT, "event 2: event data is not a JSON object", List.of(Rule.MALFORMED_EVENT)),
                arguments("out_of_order: response id changes",
                        (Script) () -> run(chat, HI + chat("other", 0, "{\"content\":\"!\"}", "stop") + DONE),
                        Rule.OUT_OF_ORDER, "response id changed mid-stream at event 2", List.of(Rule.OUT_OF_ORDER)),
                arguments("out_of_order: choice index beyond n",
                        (Script) () -> run(chat, HI + chat("c", 1, "{\"content\":\"!\"}", null) + STOP + DONE),
                        Rule.OUT_OF_ORDER, "choice index 1 outside the requested n=1 at event 2",
                        List.of(Rule.OUT_OF_ORDER)),
                arguments("out_of_order: role first sent after content",
                        (Script) () -> run(chat, HI + chat("{\"role\":\"assistant\",\"content\":\"!\"}", null) + STOP + DONE),
                        Rule.OUT_OF_ORDER, "role first sent after content (choice 0, event 2)", List.of(Rule.OUT_OF_ORDER)),
                arguments("out_of_order: role changes",
                        (Script) () -> run(chat, chat("{\"role\":\"assistant\",\"content\":\"Hi\"}", null)
                                + chat("{\"role\":\"user\",\"content\":\"!\"}", null) + STOP + DONE),
                        Rule.OUT_OF_ORDER, "role changed from assistant to user (choice 0, event 2)",
                        List.of(Rule.OUT_OF_ORDER)),
                arguments("out_of_order: TGI token index skips", (Script) () -> run(options(Flavor.TGI_GENERATE), """
                                data:{"index":1,"token":{"id":1,"text":"a","special":false},"details":null}

                                data:{"index":3,"token":{"id":2,"text":"b","special":false},"details":{"finish_reason":"length","generated_tokens":3}}

                                """),
                        Rule.OUT_OF_ORDER, "token index 3 after 1 at event 2", List.of(Rule.OUT_OF_ORDER)),
                arguments("out_of_order: Triton sequence_index goes back", (Script) () -> run(options(Flavor.TRITON_GENERATE), """
                                data: {"sequence_index":1,"text_output":"a"}

                                data: {"sequence_index":0,"text_output":"b"}

                                """),
                        Rule.OUT_OF_ORDER, "sequence_index 0 after 1 at event 2", List.of(Rule.OUT_OF_ORDER)),
                arguments("out_of_order: llama.cpp tokens_predicted repeats", (Script) () -> run(options(Flavor.LLAMACPP_COMPLETION), """
                                data: {"content":"a","stop":false,"tokens_predicted":1}

                                data: {"content":"b","stop":false,"tokens_predicted":1}

                                data: {"content":"","stop":true,"stop_type":"eos","tokens_predicted":2,"tokens_evaluated":3}

                                """),
                        Rule.OUT_OF_ORDER, "tokens_predicted 1 after 1 at event 2", List.of(Rule.OUT_OF_ORDER)),
                arguments("content_after_finish", (Script) () -> run(chat, chat("{\"content\":\"Hi\"}", "stop") + HI + DONE),
                        Rule.CONTENT_AFTER_FINISH, "token chunk 2 arrived after the finish reason (choice 0)",
                        List.of(Rule.CONTENT_AFTER_FINISH)),
                arguments("missing_finish_reason: OpenAI without [DONE] required", (Script) () -> run(chatNoDone, HI + HI),
                        Rule.MISSING_FINISH_REASON, "stream ended after 2 token chunks without a finish reason",
                        List.of(Rule.MISSING_FINISH_REASON)),
                arguments("missing_finish_reason: OpenAI [DONE] without finish", (Script) () -> run(chat, HI + DONE),
                        Rule.MISSING_FINISH_REASON, "stream ended after 1 token chunks without a finish reason",
                        List.of(Rule.MISSING_FINISH_REASON)),
                arguments("missing_finish_reason: TGI generate without details", (Script) () -> run(options(Flavor.TGI_GENERATE),
                                "data:{\"index\":1,\"token\":{\"id\":1,\"text\":\"a\",\"special\":false},\"details\":null}\n\n"),
                        Rule.MISSING_FINISH_REASON, "stream ended after 1 token chunks without a finish reason",
                        List.of(Rule.MISSING_FINISH_REASON)),
                arguments("missing_finish_reason: llama.cpp without stop event", (Script) () -> run(options(Flavor.LLAMACPP_COMPLETION),
                                "data: {\"content\":\"a\",\"stop\":false}\n\n"),
                        Rule.MISSING_FINISH_REASON, "stream ended after 1 token chunks without a finish reason",
                        List.of(Rule.MISSING_FINISH_REASON)),
                arguments("missing_done", (Script) () -> run(chat, HI + STOP),
                        Rule.MISSING_DONE, "stream ended after the finish reason without data: [DONE]",
                        List.of(Rule.MISSING_DONE)),
                arguments("premature_close: connection reset mid-stream", (Script) () -> thenFail(chat, HI),
                        Rule.PREMATURE_CLOSE, "connection reset after 1 token chunks, before a finish reason or [DONE]",
                        List.of(Rule.PREMATURE_CLOSE)),
                arguments("premature_close: reset after finish, before [DONE]", (Script) () -> thenFail(chat, HI + STOP),
                        Rule.PREMATURE_CLOSE, "connection reset after 1 token chunks, before [DONE]",
                        List.of(Rule.PREMATURE_CLOSE)),
                arguments("missing_finish_reason and missing_done: body ended cleanly without either",
                        (Script) () -> run(chat, HI),
                        Rule.MISSING_DONE, "stream ended without a finish reason or data: [DONE]",
                        List.of(Rule.MISSING_FINISH_REASON, Rule.MISSING_DONE)),
                arguments("premature_close: connection closed without finish or [DONE]", (Script) () -> thenFail(chat, HI,
                                "connection closed"),
                        Rule.PREMATURE_CLOSE, "connection closed after 1 token chunks, before a finish reason or [DONE]",
                        List.of(Rule.PREMATURE_CLOSE)),
                arguments("premature_close: llama.cpp closed before the stop event", (Script) () -> thenFail(
                                options(Flavor.LLAMACPP_COMPLETION), "data: {\"content\":\"a\",\"stop\":false}\n\n",
                                "connection closed"),
                        Rule.PREMATURE_CLOSE, "connection closed after 1 token chunks, before a finish reason",
                        List.of(Rule.PREMATURE_CLOSE)),
                arguments("premature_close: Triton closed mid-answer", (Script) () -> thenFail(
                                options(Flavor.TRITON_GENERATE), "data: {\"text_output\":\"a\"}\n\n", "connection closed"),
                        Rule.PREMATURE_CLOSE, "connection closed after 1 token chunks, before a finish reason",
                        List.of(Rule.PREMATURE_CLOSE)),
                arguments("premature_close: require_done false, closed before the finish", (Script) () -> thenFail(
                                chatNoDone, HI, "connection closed"),
                        Rule.PREMATURE_CLOSE, "connection closed after 1 token chunks, before a finish reason",
                        List.of(Rule.PREMATURE_CLOSE)),
                arguments("premature_close: TGI generate reset", (Script) () -> thenFail(options(Flavor.TGI_GENERATE),
                                "data:{\"index\":1,\"token\":{\"id\":1,\"text\":\"a\",\"special\":false},\"details\":null}\n\n"),
                        Rule.PREMATURE_CLOSE, "connection reset after 1 token chunks, before a finish reason",
                        List.of(Rule.PREMATURE_CLOSE)),
                arguments("premature_close and no_tokens: reset before any token", (Script) () -> thenFail(chat, ""),
                        Rule.NO_TOKENS, "no token before the connection closed (connection reset)",
                        List.of(Rule.PREMATURE_CLOSE, Rule.NO_TOKENS)),
                arguments("stall: gap between token chunks found at finish", (Script) () -> timed(chat,
                                new long[]{10 * MS, 1_510 * MS, 1_520 * MS, 1_530 * MS}, HI, HI, STOP, DONE),
                        Rule.STALL, "gap of 1.50 s before token chunk 2 (threshold 1.00 s)", List.of(Rule.STALL)),
                arguments("stall: tokens stop, chunks without a token until the finish (found at the end)",
                        (Script) () -> timed(chat, new long[]{10 * MS, 800 * MS, 1_530 * MS, 1_540 * MS}, HI,
                                chat("{\"content\":\"\"}", null), STOP, DONE),
                        Rule.STALL, "no token for 1.52 s after token chunk 1 until the finish reason (threshold 1.00 s)",
                        List.of(Rule.STALL)),
                arguments("stall: tokens stop, then the connection closes (found at the end)",
                        (Script) () -> {
                            StreamSession session = open(chat, StreamListener.NONE);
                            session.bytes(Buffer.buffer(HI), 10 * MS);
                            session.bytes(Buffer.buffer(chat("{\"content\":\"\"}", null)), 900 * MS);
                            session.failed("connection closed", 2_010 * MS);
                            return session.finish(2_010 * MS);
                        },
                        Rule.STALL, "no token for 2.00 s after token chunk 1 until the stream ended (threshold 1.00 s)",
                        List.of(Rule.PREMATURE_CLOSE, Rule.STALL)),
                arguments("no_tokens: bare [DONE]", (Script) () -> run(chat, DONE),
                        Rule.NO_TOKENS, "no token before [DONE]", List.of(Rule.NO_TOKENS)),
                arguments("no_tokens: role-only and finish chunks", (Script) () -> run(chat,
                                chat("{\"role\":\"assistant\",\"content\":\"\"}", null) + STOP + DONE),
                        Rule.NO_TOKENS, "no token before [DONE]", List.of(Rule.NO_TOKENS)),
                arguments("no_tokens: empty Triton stream", (Script) () -> run(options(Flavor.TRITON_GENERATE), ""),
                        Rule.NO_TOKENS, "no token before the stream ended", List.of(Rule.NO_TOKENS)),
                arguments("oversize_event", (Script) () -> run(small(Flavor.OPENAI_CHAT),
                                chat("{\"content\":\"" + "x".repeat(100) + "\"}", null) + DONE),
                        Rule.OVERSIZE_EVENT, "SSE event larger than 64 bytes (after event 0)",
                        List.of(Rule.OVERSIZE_EVENT, Rule.NO_TOKENS)),
                arguments("usage_inconsistent", (Script) () -> run(chat, HI + HI + HI + STOP + usage(5, 2) + DONE),
                        Rule.USAGE_INCONSISTENT, "server reported 2 completion tokens but 3 token-bearing chunks arrived",
                        List.of(Rule.USAGE_INCONSISTENT)),
                arguments("stream_error: OpenAI error object", (Script) () -> run(chat, HI
                                + "data: {\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\",\"code\":500}}\n\n"
                                + STOP + DONE),
                        Rule.STREAM_ERROR, "server error in stream: CUDA out of memory", List.of(Rule.STREAM_ERROR)),
                arguments("stream_error: event: error", (Script) () -> run(chat, HI
                                + "event: error\ndata: {\"message\":\"overloaded\"}\n\n" + STOP + DONE),
                        Rule.STREAM_ERROR, "server error in stream: overloaded", List.of(Rule.STREAM_ERROR)),
                arguments("stream_error: event: error with plain text", (Script) () -> run(chat, HI
                                + "event: error\ndata: upstream timeout\n\n" + STOP + DONE),
                        Rule.STREAM_ERROR, "server error in stream: upstream timeout", List.of(Rule.STREAM_ERROR)),
                arguments("stream_error: vLLM object error shape", (Script) () -> run(chat, HI
                                + "data: {\"object\":\"error\",\"message\":\"engine dead\",\"type\":\"BadRequestError\",\"code\":400}\n\n"
                                + STOP + DONE),
                        Rule.STREAM_ERROR, "server error in stream: engine dead", List.of(Rule.STREAM_ERROR)),
                arguments("stream_error: TGI error string", (Script) () -> run(options(Flavor.TGI_GENERATE),
                                "data:{\"error\":\"Request failed during generation: Server error: OOM\",\"error_type\":\"generation\"}\n\n"),
                        Rule.STREAM_ERROR, "server error in stream: Request failed during generation: Server error: OOM",
                        List.of(Rule.STREAM_ERROR, Rule.NO_TOKENS)),
                arguments("stream_error: long message truncated to 200 chars", (Script) () -> run(chat, HI
                                + "data: {\"error\":\"" + longMessage + "\"}\n\n" + STOP + DONE),
                        Rule.STREAM_ERROR, "server error in stream: " + "x".repeat(200) + "…",
                        List.of(Rule.STREAM_ERROR)),
                arguments("invalid_utf8: malformed bytes", (Script) () -> {
                            StreamSession session = open(chat, StreamListener.NONE);
                            byte[] bad = HI.replace("Hi", "H_").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            bad[HI.indexOf("Hi") + 1] = (byte) 0xE4;
                            session.bytes(Buffer.buffer(bad), 10 * MS);
                            session.bytes(Buffer.buffer(STOP + DONE), 20 * MS);
                            return session.finish(30 * MS);
                        },
                        Rule.INVALID_UTF8, "malformed UTF-8 bytes in SSE event 1", List.of(Rule.INVALID_UTF8)),
                arguments("invalid_utf8: U+FFFD in content", (Script) () -> run(chat,
                                chat("{\"content\":\"caf\\ufffd\"}", null) + STOP + DONE),
                        Rule.INVALID_UTF8, "U+FFFD replacement character in content of token chunk 1",
                        List.of(Rule.INVALID_UTF8)),
                arguments("invalid_utf8: lone surrogate in reasoning", (Script) () -> run(chat,
                                chat("{\"reasoning_content\":\"a\\ud83c\"}", null) + HI + STOP + DONE),
                        Rule.INVALID_UTF8, "lone surrogate in reasoning of token chunk 1", List.of(Rule.INVALID_UTF8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void ruleFiresWithItsReason(String name, Script script, Rule rule, String reason, List<Rule> all) {
        StreamResult result = script.run();
        assertThat(result.violations()).extracting(Violation::rule).containsExactlyElementsOf(all);
        assertThat(result.violations()).filteredOn(v -> v.rule() == rule).extracting(Violation::reason)
                .containsExactly(reason);
    }

    static Stream<Arguments> healthyEnds() {
        StreamOptions chat = options(Flavor.OPENAI_CHAT);
        return Stream.of(
                arguments("connection reset after [DONE]", (Script) () -> thenFail(chat, HI + STOP + DONE)),
                arguments("TGI generate reset after the final event", (Script) () -> thenFail(options(Flavor.TGI_GENERATE),
                        FlavorDecodingTest.TGI_GENERATE)),
                arguments("client closes after [DONE] without end()", (Script) () -> {
                    StreamSession session = open(chat, StreamListener.NONE);
                    long at = play(session, HI + STOP + DONE + HI);
                    assertThat(session.terminated()).isTrue();
                    return session.finish(at);
                }),
                arguments("last event without its final blank line", (Script) () -> run(chat, HI + STOP + "data: [DONE]")),
                arguments("keep-alive comments between chunks", (Script) () -> run(chat,
                        ": ping\n\n" + HI + ": ping\n\n" + STOP + DONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("healthyEnds")
    void healthyEndingsGiveNoViolation(String name, Script script) {
        assertThat(script.run().violations()).isEmpty();
    }

    @Test
    void twoChoicesInterleavedAreHealthyAndChoiceZeroIsAssembled() {
        StreamOptions two = new StreamOptions(Flavor.OPENAI_CHAT, true, 2, 1_000 * MS, 5_000 * MS, 1024, 1 << 20, 100,
                Cumulative.AUTO, 0);
        StreamResult result = run(two, chat("c", 0, "{\"role\":\"assistant\",\"content\":\"\"}", null)
                + chat("c", 1, "{\"role\":\"assistant\",\"content\":\"\"}", null)
                + chat("c", 0, "{\"content\":\"A\"}", null) + chat("c", 1, "{\"content\":\"B\"}", null)
                + chat("c", 1, "{}", "length") + chat("c", 0, "{\"content\":\"A\"}", "stop")
                + usage(3, 3) + DONE);
        assertThat(result.violations()).isEmpty();
        assertThat(result.content()).isEqualTo("AA");
        assertThat(result.trace().tokenChunks()).isEqualTo(3);
    }

    @Test
    void finishIsIdempotent() {
        StreamSession session = open(options(Flavor.OPENAI_CHAT), StreamListener.NONE);
        play(session, HI);
        session.end(100 * MS);
        StreamResult first = session.finish(100 * MS);
        assertThat(session.finish(200 * MS)).isSameAs(first);
        assertThat(first.violations()).hasSize(2);
    }

    // --- timings ---------------------------------------------------------------------------------------------

    /** Role chunk at 10 ms, tokens at 50, 60, 80 ms, finish at 90, usage at 100, [DONE] at 110. */
    static StreamResult timedVllm(String usageChunk) {
        StreamSession session = new StreamSession(options(Flavor.OPENAI_CHAT), StreamListener.NONE, 0);
        session.requestWritten(1 * MS);
        session.headers(200, "text/event-stream", null, 5 * MS);
        session.bytes(Buffer.buffer(chat("{\"role\":\"assistant\",\"content\":\"\"}", null)), 10 * MS);
        session.bytes(Buffer.buffer(HI), 50 * MS);
        session.bytes(Buffer.buffer(HI), 60 * MS);
        session.bytes(Buffer.buffer(HI), 80 * MS);
        session.bytes(Buffer.buffer(STOP), 90 * MS);
        if (usageChunk != null) {
            session.bytes(Buffer.buffer(usageChunk), 100 * MS);
        }
        session.bytes(Buffer.buffer(DONE), 110 * MS);
        session.end(120 * MS);
        return session.finish(120 * MS);
    }

    @Test
    void timingsComeFromTheTraceAndSkipTheRoleOnlyChunk() {
        StreamResult result = timedVllm(usage(7, 3));
        assertThat(result.violations()).isEmpty();
        StreamTrace trace = result.trace();
        assertThat(trace.firstChunk()).isEqualTo(10 * MS);
        assertThat(trace.firstToken()).isEqualTo(50 * MS);
        assertThat(trace.firstContent()).isEqualTo(50 * MS);
        assertThat(trace.lastToken()).isEqualTo(80 * MS);
        assertThat(trace.finish()).isEqualTo(90 * MS);
        assertThat(trace.usage()).isEqualTo(100 * MS);
        assertThat(trace.done()).isEqualTo(110 * MS);
        assertThat(trace.closed()).isEqualTo(120 * MS);
        assertThat(trace.tokenArrivals()).containsExactly(50 * MS, 60 * MS, 80 * MS);
        assertThat(trace.maxGapNanos()).isEqualTo(20 * MS);

        StreamTimings t = StreamMetrics.derive(result);
        assertThat(t.timeToHeaders()).isCloseTo(0.004, within(1e-12));
        assertThat(t.timeToFirstChunk()).isCloseTo(0.009, within(1e-12));
        assertThat(t.ttft()).isCloseTo(0.049, within(1e-12));
        assertThat(t.ttftFromStart()).isCloseTo(0.050, within(1e-12));
        assertThat(t.timeToFirstContent()).isCloseTo(0.049, within(1e-12));
        assertThat(t.e2e()).as("usage-only chunk at 100 ms does not extend e2e").isCloseTo(0.079, within(1e-12));
        assertThat(t.outputTokens()).isEqualTo(3);
        assertThat(t.outputTokensEstimated()).isFalse();
        assertThat(t.promptTokens()).isEqualTo(7);
        assertThat(t.tpot()).isCloseTo(0.015, within(1e-12));
        assertThat(t.outputTokensPerSecond()).isCloseTo(2 / 0.030, within(1e-9));
        assertThat(t.interTokenGaps()).containsExactly(new double[]{0.010, 0.020}, within(1e-12));
        assertThat(t.gapP50()).isCloseTo(0.010, within(1e-12));
        assertThat(t.gapP95()).isCloseTo(0.020, within(1e-12));
        assertThat(t.gapMax()).isCloseTo(0.020, within(1e-12));
    }

    @Test
    void tokensPerSecondUsesUsageWhenChunksCarrySeveralTokens() {
        StreamTimings t = StreamMetrics.derive(timedVllm(usage(7, 10)));
        assertThat(t.outputTokens()).isEqualTo(10);
        assertThat(t.outputTokensPerSecond()).isCloseTo(9 / 0.030, within(1e-9));
        assertThat(t.tpot()).isCloseTo(0.030 / 9, within(1e-12));
    }

    @Test
    void outputTokensAreEstimatedFromChunksWithoutUsage() {
        StreamTimings t = StreamMetrics.derive(timedVllm(null));
        assertThat(t.outputTokens()).isEqualTo(3);
        assertThat(t.outputTokensEstimated()).isTrue();
        assertThat(t.promptTokens()).isNull();
        assertThat(t.outputTokensPerSecond()).isCloseTo(2 / 0.030, within(1e-9));
    }

    @Test
    void singleTokenHasNoRateAndUnreachedPhasesAreNull() {
        StreamSession session = new StreamSession(options(Flavor.OPENAI_CHAT), StreamListener.NONE, 0);
        session.requestWritten(1 * MS);
        session.headers(200, "text/event-stream", null, 5 * MS);
        session.bytes(Buffer.buffer(chat("{\"content\":\"Hi\"}", "stop") + DONE), 10 * MS);
        StreamTimings t = StreamMetrics.derive(session.finish(20 * MS));
        assertThat(t.ttft()).isCloseTo(0.009, within(1e-12));
        assertThat(t.tpot()).isNull();
        assertThat(t.outputTokensPerSecond()).isNull();
        assertThat(t.interTokenGaps()).isEmpty();
        assertThat(t.gapP50()).isNull();
        assertThat(t.gapMax()).isNull();

        StreamTimings none = StreamMetrics.derive(rejected(500, "text/plain", null));
        assertThat(none.ttft()).isNull();
        assertThat(none.timeToFirstChunk()).isNull();
        assertThat(none.e2e()).isNull();
    }

    @Test
    void nearestRankPercentiles() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        assertThat(StreamMetrics.nearestRank(sorted, 0.50)).isEqualTo(10.0);
        assertThat(StreamMetrics.nearestRank(sorted, 0.95)).isEqualTo(19.0);
        assertThat(StreamMetrics.nearestRank(new double[]{4}, 0.95)).isEqualTo(4.0);
    }

    @Test
    void tokenArrivalsAreBoundedButGapAndCountCoverAll() {
        StreamOptions opts = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 1_000 * MS, 5_000 * MS, 1024, 1 << 20, 2,
                Cumulative.AUTO, 0);
        StreamResult result = timed(opts, new long[]{10 * MS, 20 * MS, 30 * MS, 200 * MS, 210 * MS, 220 * MS},
                HI, HI, HI, HI, STOP, DONE);
        assertThat(result.trace().tokenArrivals()).containsExactly(10 * MS, 20 * MS);
        assertThat(result.trace().tokenChunks()).isEqualTo(4);
        assertThat(result.trace().maxGapNanos()).isEqualTo(170 * MS);
    }

    // --- stalls and listener ---------------------------------------------------------------------------------

    static final class Heard implements StreamListener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void firstToken(long atNanos) {
            calls.add("firstToken@" + atNanos / MS);
        }

        @Override
        public void tokensEmitted(int tokens, boolean fromUsage, long atNanos) {
            calls.add("tokens " + tokens + (fromUsage ? " (usage)" : "") + "@" + atNanos / MS);
        }

        @Override
        public void stall(long gapNanos, long atNanos) {
            calls.add("stall " + gapNanos / MS + "@" + atNanos / MS);
        }

        @Override
        public void violation(Violation violation) {
            calls.add(violation.rule().label() + "@" + violation.atNanos() / MS);
        }
    }

    @Test
    void sweepReportsStallOncePerGapThenAborts() {
        Heard heard = new Heard();
        StreamSession session = open(options(Flavor.OPENAI_CHAT), heard);
        assertThat(session.sweep(900 * MS)).isEqualTo(SweepResult.NONE);
        session.bytes(Buffer.buffer(HI), 1_000 * MS);
        assertThat(session.sweep(1_500 * MS)).isEqualTo(SweepResult.NONE);
        assertThat(session.sweep(2_200 * MS)).isEqualTo(SweepResult.STALL);
        assertThat(session.sweep(2_500 * MS)).as("same gap").isEqualTo(SweepResult.NONE);
        session.bytes(Buffer.buffer(": keep-alive\n\n"), 2_600 * MS);
        session.bytes(Buffer.buffer(HI), 3_000 * MS);
        assertThat(session.sweep(4_100 * MS)).as("a new gap").isEqualTo(SweepResult.STALL);
        session.bytes(Buffer.buffer(": keep-alive\n\n"), 5_000 * MS);
        assertThat(session.sweep(8_100 * MS)).as("comments do not reset the gap").isEqualTo(SweepResult.ABORT);
        assertThat(session.terminated()).isTrue();
        assertThat(session.sweep(9_000 * MS)).isEqualTo(SweepResult.NONE);

        StreamResult result = session.finish(8_100 * MS);
        assertThat(result.aborted()).isTrue();
        assertThat(result.violations()).extracting(Violation::rule, Violation::reason).containsExactly(
                tuple(Rule.STALL, "no token for 1.20 s after token chunk 1 (threshold 1.00 s)"),
                tuple(Rule.ABORTED, "stream aborted after 5.10 s without a token after token chunk 2 (limit 5.00 s)"));
        assertThat(heard.calls).containsExactly("firstToken@1000", "stall 1200@2200", "stall@2200",
                "stall 1100@4100", "aborted@8100");
    }

    @Test
    void abortAloneRecordsTheStallThenTheCut() {
        Heard heard = new Heard();
        StreamSession session = open(options(Flavor.OPENAI_CHAT), heard);
        session.bytes(Buffer.buffer(HI), 1_000 * MS);
        assertThat(session.sweep(6_500 * MS)).isEqualTo(SweepResult.ABORT);
        assertThat(session.finish(6_500 * MS).violations()).extracting(Violation::rule, Violation::reason)
                .containsExactly(
                        tuple(Rule.STALL, "no token for 5.50 s after token chunk 1 (threshold 1.00 s)"),
                        tuple(Rule.ABORTED, "stream aborted after 5.50 s without a token after token chunk 1 "
                                + "(limit 5.00 s)"));
        assertThat(heard.calls).containsExactly("firstToken@1000", "stall 5500@6500", "stall@6500", "aborted@6500");
    }

    @Test
    void beforeTheFirstTokenOnlyTheAbortApplies() {
        StreamSession session = open(options(Flavor.OPENAI_CHAT), StreamListener.NONE);
        session.bytes(Buffer.buffer(chat("{\"role\":\"assistant\",\"content\":\"\"}", null)), 10 * MS);
        assertThat(session.sweep(3_000 * MS)).isEqualTo(SweepResult.NONE);
        assertThat(session.sweep(5_006 * MS)).isEqualTo(SweepResult.ABORT);
        StreamResult result = session.finish(5_006 * MS);
        assertThat(result.violations()).extracting(Violation::rule, Violation::reason).containsExactly(
                tuple(Rule.STALL, "no token for 5.00 s after headers (abort limit 5.00 s), 1 chunk without a token "
                        + "since"),
                tuple(Rule.ABORTED, "stream aborted after 5.00 s without a token after headers (limit 5.00 s)"),
                tuple(Rule.NO_TOKENS, "no token before the stream was aborted"));
    }

    /** Chunks that carry no token are not progress: each kind, sent every 10 ms after one token, still stalls. */
    static Stream<Arguments> tokenlessChunks() {
        return Stream.of(
                arguments("empty content delta", chat("{\"content\":\"\"}", null), 120),
                arguments("role-only delta", chat("{\"role\":\"assistant\"}", null), 120),
                arguments("empty delta object", chat("{}", null), 120),
                arguments("usage-only chunk", usage(5, 1), 120),
                arguments("keep-alive JSON object", "data: {}\n\n", 120),
                arguments("blank data line", "data: \n\n", 0),
                arguments("SSE comment", ": keep-alive\n\n", 0));
    }

    @ParameterizedTest(name = "{0} does not reset the stall clock")
    @MethodSource("tokenlessChunks")
    void chunksWithoutATokenDoNotResetTheStallClock(String name, String chunk, int counted) {
        StreamSession session = open(options(Flavor.OPENAI_CHAT), StreamListener.NONE);
        session.bytes(Buffer.buffer(chat("{\"role\":\"assistant\",\"content\":\"Hi\"}", null)), 1_000 * MS);
        long at = 1_000 * MS;
        for (int i = 0; i < 120; i++) {
            session.bytes(Buffer.buffer(chunk), at += 10 * MS);
        }
        assertThat(session.sweep(2_200 * MS)).isEqualTo(SweepResult.STALL);
        while (at < 6_100 * MS) {
            session.bytes(Buffer.buffer(chunk), at += 10 * MS);
        }
        assertThat(session.sweep(6_100 * MS)).isEqualTo(SweepResult.ABORT);

        StreamResult result = session.finish(6_100 * MS);
        assertThat(result.aborted()).isTrue();
        assertThat(result.violations()).extracting(Violation::rule, Violation::reason).containsExactly(
                tuple(Rule.STALL, "no token for 1.20 s after token chunk 1 (threshold 1.00 s)"
                        + (counted == 0 ? "" : ", " + counted + " chunks without a token since")),
                tuple(Rule.ABORTED, "stream aborted after 5.10 s without a token after token chunk 1 (limit 5.00 s)"));
    }

    @Test
    void listenerHearsFirstTokenProgressAndViolations() {
        Heard heard = new Heard();
        StreamOptions opts = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 1_000 * MS, 5_000 * MS, 1024, 1 << 20,
                100, Cumulative.AUTO, 2);
        StreamSession session = open(opts, heard);
        session.bytes(Buffer.buffer(chat("{\"role\":\"assistant\",\"content\":\"\"}", null)), 10 * MS);
        session.bytes(Buffer.buffer(HI), 20 * MS);
        session.bytes(Buffer.buffer(HI + HI), 30 * MS);
        session.bytes(Buffer.buffer(HI + "data: nope\n\n"), 40 * MS);
        session.bytes(Buffer.buffer(STOP + DONE), 50 * MS);
        session.finish(60 * MS);
        assertThat(heard.calls).containsExactly("firstToken@20", "tokens 2@30", "tokens 4@40", "malformed_event@40");
    }

    /** A token chunk carrying the server's running usage (vLLM {@code continuous_usage_stats}). */
    static String hiWithUsage(int completion) {
        return HI.replace("}]}\n\n", "}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (4 + completion) + "}}\n\n");
    }

    static Stream<Arguments> tokenProgress() {
        return Stream.of(
                arguments("no usage while streaming: chunks counted, every 2",
                        List.of(HI, HI, HI, HI, STOP + usage(4, 4) + DONE),
                        List.of("tokens 2@30", "tokens 4@50")),
                arguments("usage only at the end (include_usage) is too late: chunks counted",
                        List.of(HI, HI, HI, STOP + usage(4, 9) + DONE),
                        List.of("tokens 2@30")),
                arguments("continuous usage, 3 tokens a chunk: the server's count, each multiple passed once",
                        List.of(hiWithUsage(3), hiWithUsage(6), hiWithUsage(9), STOP + DONE),
                        List.of("tokens 3 (usage)@20", "tokens 6 (usage)@30", "tokens 9 (usage)@40")),
                arguments("continuous usage, 1 token a chunk: same cadence as chunks, counted from usage",
                        List.of(hiWithUsage(1), hiWithUsage(2), hiWithUsage(3), hiWithUsage(4), STOP + DONE),
                        List.of("tokens 2 (usage)@30", "tokens 4 (usage)@50")),
                arguments("usage that starts mid-stream takes over from the chunk count",
                        List.of(HI, HI, hiWithUsage(5), hiWithUsage(6), STOP + DONE),
                        List.of("tokens 2@30", "tokens 5 (usage)@40", "tokens 6 (usage)@50")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenProgress")
    void tokensEmittedCountsTokensAndSaysFromWhat(String name, List<String> reads, List<String> expected) {
        Heard heard = new Heard();
        StreamOptions opts = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 1_000 * MS, 5_000 * MS, 1024, 1 << 20,
                100, Cumulative.AUTO, 2);
        StreamSession session = open(opts, heard);
        long at = 10 * MS;
        for (String read : reads) {
            at += 10 * MS;
            session.bytes(Buffer.buffer(read), at);
        }
        session.finish(at + 10 * MS);
        assertThat(heard.calls).filteredOn(c -> c.startsWith("tokens")).containsExactlyElementsOf(expected);
    }
}
