package dev.llmcanary.stream;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.llmcanary.stream.StreamSessionTest.DONE;
import static dev.llmcanary.stream.StreamSessionTest.HI;
import static dev.llmcanary.stream.StreamSessionTest.STOP;
import static dev.llmcanary.stream.StreamSessionTest.chat;
import static dev.llmcanary.stream.StreamSessionTest.usage;
import static dev.llmcanary.stream.Streams.MS;
import static dev.llmcanary.stream.Streams.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * How a stream was delivered (bursts, {@code buffered_delivery}), which figures are withheld as not measurements,
 * and how each way a stream can end is named: one named case each, with literal buffers and stamps.
 */
class DeliveryTest {

    private static final BufferedDelivery DEFAULT = new BufferedDelivery(8, 4);

    private static StreamOptions judged(BufferedDelivery rule) {
        return new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 1_000 * MS, 5_000 * MS, 64 * 1024, 1 << 20, 1000,
                Cumulative.AUTO, 0, rule);
    }

    /** {@code n} content chunks, the finish, usage and [DONE], all in one buffer: one socket read, one stamp. */
    private static String oneWrite(int n) {
        return HI.repeat(n) + STOP + usage(5, n) + DONE;
    }

    /** Plays {@code buffers} at the given stamps and ends the body normally after the last. */
    private static StreamResult play(StreamOptions options, long[] at, String... buffers) {
        StreamSession session = open(options, StreamListener.NONE);
        for (int i = 0; i < buffers.length; i++) {
            session.bytes(Buffer.buffer(buffers[i]), at[i]);
        }
        long end = at[at.length - 1] + MS;
        session.end(end);
        return session.finish(end);
    }

    /** {@code n} token chunks, one buffer each, {@code stepNanos} apart from 10 ms, then the finish and [DONE]. */
    private static StreamResult steady(StreamOptions options, int n, long stepNanos) {
        String[] buffers = new String[n + 1];
        long[] at = new long[n + 1];
        for (int i = 0; i < n; i++) {
            buffers[i] = HI;
            at[i] = 10 * MS + i * stepNanos;
        }
        buffers[n] = STOP + usage(5, n) + DONE;
        at[n] = at[n - 1] + stepNanos;
        return play(options, at, buffers);
    }

    // --- bursts and buffered_delivery ------------------------------------------------------------------------

    @Test
    void aWholeAnswerInOneBufferIsBufferedDeliveryWithItsFiguresWithheld() {
        StreamResult r = play(judged(DEFAULT), new long[]{10 * MS}, oneWrite(48));

        assertThat(r.trace().tokenChunks()).isEqualTo(48);
        assertThat(r.trace().bursts()).isEqualTo(1);
        assertThat(r.violations()).extracting(Violation::rule).containsExactly(Rule.BUFFERED_DELIVERY);
        assertThat(r.violations().get(0).reason()).isEqualTo("48 tokens in 1 burst (48 token chunks, more than 4 per"
                + " burst): a proxy or the server buffered the stream");
        assertThat(r.ended()).isEqualTo(StreamEnd.DONE);

        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.outputTokensPerSecond()).isNull();
        assertThat(t.tpot()).isNull();
        assertThat(t.gapP50()).isNull();
        assertThat(t.gapP95()).isNull();
        assertThat(t.gapMax()).isNull();
        assertThat(t.interTokenGaps()).isEmpty();
        assertThat(t.withheld()).isEqualTo("48 tokens in 1 burst");
        assertThat(t.e2e()).as("the answer was complete when it arrived: its e2e is a measurement")
                .isCloseTo(0.009, within(1e-12));
        assertThat(t.ttft()).isCloseTo(0.009, within(1e-12));
    }

    @Test
    void buffersReadWithinTheClocksResolutionAreOneBurst() {
        // a 1 GB-style body: read as several buffers a few microseconds apart; today 112,000 tokens/s
        StreamResult r = play(judged(DEFAULT), new long[]{10 * MS, 10 * MS + 5_000, 10 * MS + 900_000},
                HI.repeat(20), HI.repeat(20), HI.repeat(8) + STOP + DONE);

        assertThat(r.trace().bursts()).isEqualTo(1);
        assertThat(r.trace().lastToken() - r.trace().firstToken()).isPositive();
        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.outputTokensPerSecond()).as("not 47 / 0.9 ms").isNull();
        assertThat(t.withheld()).isEqualTo("48 tokens in 1 burst");
        assertThat(r.violations()).extracting(Violation::rule).containsExactly(Rule.BUFFERED_DELIVERY);
    }

    @Test
    void aProxyFlushingEverySixteenChunksIsBufferedAndItsGapsAreWithheld() {
        // nginx-style: three bursts 200 ms apart, 16 chunks each
        StreamResult r = play(judged(DEFAULT), new long[]{10 * MS, 210 * MS, 410 * MS},
                HI.repeat(16), HI.repeat(16), HI.repeat(16) + STOP + DONE);

        assertThat(r.trace().bursts()).isEqualTo(3);
        assertThat(r.violations()).extracting(Violation::rule).containsExactly(Rule.BUFFERED_DELIVERY);
        assertThat(r.violations().get(0).reason()).startsWith("48 tokens in 3 bursts");
        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.gapP50()).as("would be 0 ms: the proxy's, not the model's").isNull();
        assertThat(t.outputTokensPerSecond()).isNull();
        assertThat(t.withheld()).isEqualTo("48 tokens in 3 bursts");
    }

    @Test
    void withoutTheRuleOneBurstStillHasNoFiguresButNoFinding() {
        StreamResult r = play(judged(null), new long[]{10 * MS}, oneWrite(48));

        assertThat(r.violations()).isEmpty();
        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.outputTokensPerSecond()).isNull();
        assertThat(t.tpot()).isNull();
        assertThat(t.gapP50()).isNull();
        assertThat(t.gapMax()).isNull();
        assertThat(t.withheld()).isEqualTo("48 tokens in 1 burst");
    }

    @Test
    void withoutTheRuleAProxysBurstsStillHaveNoFiguresWhateverTheClass() {
        // a batch class does not judge delivery, but 16 chunks a burst are still no measurement of the model's pace
        StreamResult r = play(judged(null), new long[]{10 * MS, 210 * MS, 410 * MS},
                HI.repeat(16), HI.repeat(16), HI.repeat(16) + STOP + DONE);

        assertThat(r.violations()).isEmpty();
        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.outputTokensPerSecond()).isNull();
        assertThat(t.gapP50()).isNull();
        assertThat(t.withheld()).isEqualTo("48 tokens in 3 bursts");
    }

    @Test
    void aClassMoreLenientThanTheDefaultHasNoFindingButTheFiguresAreWithheld() {
        StreamResult r = play(judged(new BufferedDelivery(8, 20)), new long[]{10 * MS, 210 * MS, 410 * MS},
                HI.repeat(16), HI.repeat(16), HI.repeat(16) + STOP + DONE);

        assertThat(r.violations()).isEmpty();
        assertThat(StreamMetrics.derive(r).withheld()).isEqualTo("48 tokens in 3 bursts");
    }

    @Test
    void twoChunksABurstKeepTheirFigures() {
        // TCP coalescing now and then is no buffering: rates over a 470 ms span are honest
        String[] buffers = new String[25];
        long[] at = new long[25];
        for (int i = 0; i < 24; i++) {
            buffers[i] = HI + HI;
            at[i] = 10 * MS + i * 20 * MS;
        }
        buffers[24] = STOP + DONE;
        at[24] = at[23] + 20 * MS;
        StreamResult r = play(judged(DEFAULT), at, buffers);

        assertThat(r.violations()).isEmpty();
        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.outputTokensPerSecond()).isCloseTo(47 / 0.460, within(1e-9));
        assertThat(t.withheld()).isNull();
    }

    @Test
    void aSteadyStreamIsNotBufferedAndKeepsEveryFigure() {
        StreamResult r = steady(judged(DEFAULT), 48, 15 * MS);

        assertThat(r.trace().bursts()).isEqualTo(48);
        assertThat(r.violations()).isEmpty();
        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.outputTokensPerSecond()).isCloseTo(47 / (47 * 0.015), within(1e-6));
        assertThat(t.tpot()).isCloseTo(0.015, within(1e-9));
        assertThat(t.gapP50()).isCloseTo(0.015, within(1e-9));
        assertThat(t.withheld()).isNull();
    }

    @Test
    void aFastServerAtOneChunkEveryHalfMillisecondIsNotBuffered() {
        // stamps 0, 0.5 and 1.0 ms fall within 1 ms of the burst's first: three chunks a burst. Bursts follow the
        // burst's first stamp; they do not chain across the whole stream.
        StreamResult r = steady(judged(DEFAULT), 48, 500_000);

        assertThat(r.trace().bursts()).isEqualTo(16);
        assertThat(r.violations()).isEmpty();
        assertThat(StreamMetrics.derive(r).outputTokensPerSecond()).isCloseTo(47 / 0.0235, within(1e-3));
    }

    @Test
    void aShortAnswerInOneWriteIsNoFinding() {
        StreamResult r = play(judged(DEFAULT), new long[]{10 * MS}, oneWrite(7));

        assertThat(r.violations()).as("below min_chunks 8").isEmpty();
        assertThat(StreamMetrics.derive(r).withheld()).isEqualTo("7 tokens in 1 burst");
    }

    @Test
    void oneChunkCarryingManyTokensHasNoRate() {
        StreamResult r = play(judged(DEFAULT), new long[]{10 * MS},
                chat("{\"content\":\"Hello there you\"}", null) + STOP + usage(5, 3) + DONE);

        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.outputTokens()).isEqualTo(3);
        assertThat(t.outputTokensPerSecond()).isNull();
        assertThat(t.withheld()).isEqualTo("3 tokens in 1 burst");
    }

    @Test
    void aSingleTokenIsUndefinedNotWithheld() {
        StreamResult r = play(judged(DEFAULT), new long[]{10 * MS}, chat("{\"content\":\"Hi\"}", "stop") + DONE);

        StreamTimings t = StreamMetrics.derive(r);
        assertThat(t.outputTokensPerSecond()).isNull();
        assertThat(t.withheld()).isNull();
    }

    // --- how a stream ended ----------------------------------------------------------------------------------

    static Stream<Arguments> endings() {
        return Stream.of(
                arguments("[DONE] arrived", (Supplier<StreamResult>) () -> steady(judged(null), 3, 15 * MS),
                        StreamEnd.DONE),
                arguments("finish reason without [DONE] where none is required", (Supplier<StreamResult>) () ->
                        play(options(false), new long[]{10 * MS, 30 * MS}, HI, HI + STOP), StreamEnd.FINISHED),
                arguments("finish reason, then the body ended without the required [DONE]",
                        (Supplier<StreamResult>) () -> play(options(true), new long[]{10 * MS, 30 * MS}, HI,
                                HI + STOP), StreamEnd.FINISHED),
                arguments("body ended without a finish reason: truncated", (Supplier<StreamResult>) () ->
                        play(options(false), new long[]{10 * MS, 30 * MS}, HI, HI), StreamEnd.TRUNCATED),
                arguments("Triton body ended without a finish reason: its servers send none",
                        (Supplier<StreamResult>) DeliveryTest::tritonWithoutFinish, StreamEnd.ENDED),
                arguments("connection reset mid-stream", (Supplier<StreamResult>) DeliveryTest::reset,
                        StreamEnd.CLOSED),
                arguments("the caller gave up", (Supplier<StreamResult>) DeliveryTest::abandoned, StreamEnd.CLOSED),
                arguments("stall abort", (Supplier<StreamResult>) DeliveryTest::stallAbort, StreamEnd.ABORTED),
                arguments("total timeout", (Supplier<StreamResult>) DeliveryTest::timedOut, StreamEnd.TIMED_OUT),
                arguments("body over its size limit", (Supplier<StreamResult>) DeliveryTest::oversize,
                        StreamEnd.OVERSIZE),
                arguments("HTTP 500", (Supplier<StreamResult>) () -> StreamSessionTest.rejected(500, "text/plain",
                        null), StreamEnd.REJECTED));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("endings")
    void eachEndingIsNamedAndOnlyCompleteAnswersHaveE2eAndRate(String name, Supplier<StreamResult> script,
                                                               StreamEnd expected) {
        StreamResult r = script.get();
        assertThat(r.ended()).isEqualTo(expected);

        StreamTimings t = StreamMetrics.derive(r);
        if (expected.complete()) {
            assertThat(t.e2e()).isNotNull();
            assertThat(t.outputTokensPerSecond()).isNotNull();
            assertThat(t.withheld()).isNull();
        } else {
            assertThat(t.e2e()).isNull();
            assertThat(t.tpot()).isNull();
            assertThat(t.outputTokensPerSecond()).isNull();
            assertThat(t.withheld()).isEqualTo("answer incomplete (" + expected.label() + ")");
        }
    }

    @Test
    void anIncompleteBufferedAnswerSaysBoth() {
        StreamSession session = open(judged(DEFAULT), StreamListener.NONE);
        session.bytes(Buffer.buffer(HI.repeat(20)), 10 * MS);
        session.failed("connection reset", 11 * MS);
        StreamResult r = session.finish(11 * MS);

        assertThat(r.violations()).extracting(Violation::rule)
                .containsExactly(Rule.PREMATURE_CLOSE, Rule.BUFFERED_DELIVERY);
        assertThat(StreamMetrics.derive(r).withheld()).isEqualTo("answer incomplete (closed); 20 tokens in 1 burst");
    }

    private static StreamOptions options(boolean requireDone) {
        return new StreamOptions(Flavor.OPENAI_CHAT, requireDone, 1, 1_000 * MS, 5_000 * MS, 64 * 1024, 1 << 20,
                1000, Cumulative.AUTO, 0);
    }

    private static StreamResult tritonWithoutFinish() {
        StreamOptions o = new StreamOptions(Flavor.TRITON_GENERATE, false, 1, 1_000 * MS, 5_000 * MS, 64 * 1024,
                1 << 20, 1000, Cumulative.AUTO, 0);
        return play(o, new long[]{10 * MS, 30 * MS}, "data: {\"text_output\":\"Hi\"}\n\n",
                "data: {\"text_output\":\" there\"}\n\n");
    }

    private static StreamResult reset() {
        StreamSession session = open(options(true), StreamListener.NONE);
        session.bytes(Buffer.buffer(HI), 10 * MS);
        session.bytes(Buffer.buffer(HI), 30 * MS);
        session.failed("connection reset", 40 * MS);
        return session.finish(40 * MS);
    }

    private static StreamResult abandoned() {
        StreamSession session = open(options(true), StreamListener.NONE);
        session.bytes(Buffer.buffer(HI), 10 * MS);
        session.bytes(Buffer.buffer(HI), 30 * MS);
        return session.finish(40 * MS);
    }

    private static StreamResult stallAbort() {
        StreamSession session = open(options(true), StreamListener.NONE);
        session.bytes(Buffer.buffer(HI), 10 * MS);
        session.bytes(Buffer.buffer(HI), 30 * MS);
        assertThat(session.sweep(6_000 * MS)).isEqualTo(SweepResult.ABORT);
        return session.finish(6_000 * MS);
    }

    private static StreamResult timedOut() {
        StreamSession session = open(options(true), StreamListener.NONE);
        session.bytes(Buffer.buffer(HI), 10 * MS);
        session.bytes(Buffer.buffer(HI), 30 * MS);
        session.timedOut("timeout: total: answer not complete within 0.04 s of the start", 40 * MS);
        return session.finish(40 * MS);
    }

    private static StreamResult oversize() {
        StreamOptions o = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 1_000 * MS, 5_000 * MS, 64 * 1024, 300,
                1000, Cumulative.AUTO, 0);
        StreamSession session = open(o, StreamListener.NONE);
        session.bytes(Buffer.buffer(HI), 10 * MS);
        session.bytes(Buffer.buffer(HI), 30 * MS);
        session.bytes(Buffer.buffer(HI.repeat(5)), 40 * MS);
        return session.finish(40 * MS);
    }
}
