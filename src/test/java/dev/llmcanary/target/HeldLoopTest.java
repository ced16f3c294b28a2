package dev.llmcanary.target;

import dev.llmcanary.simulator.ChunkKind;
import dev.llmcanary.simulator.RecordedChunk;
import dev.llmcanary.simulator.RecordedRequest;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.BufferedDelivery;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.stream.StreamTrace;
import dev.llmcanary.stream.Violation;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the canary's own event loop is held (a CPU-throttled pod, a starved machine), socket reads wait and chunks
 * the server wrote apart arrive together: that is our hold-up, not a buffering proxy, and must not be reported as
 * {@code buffered_delivery}. The server runs on a Vert.x of its own so holding the client's loops does not hold it.
 */
class HeldLoopTest {

    /** 12 tokens 5 ms apart after a 300 ms first token: a steady stream, as the simulator's write times show. */
    private static final String STEADY = "ttft_ms=300;itl_ms=5;jitter_ms=0;tokens=12";
    /** Longer than the whole answer's 55 ms of token writes. */
    private static final long HOLD_MILLIS = 600;

    private Vertx serverVertx;
    private Vertx clientVertx;
    private SimulatorServer simulator;
    private StreamingClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        serverVertx = Vertx.vertx();
        clientVertx = Vertx.vertx();
        simulator = new SimulatorServer(serverVertx, SimulatorConfig.defaults("127.0.0.1", 0));
        port = simulator.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = new StreamingClient(clientVertx, new ClientSettings(Duration.ofSeconds(2), 8, Duration.ofMillis(20)));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        clientVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        serverVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<Attempt> stream(String id, String fault, int tokens) {
        String body = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"stream\":true,\"max_tokens\":" + tokens + "}";
        String profile = STEADY.replace("tokens=12", "tokens=" + tokens);
        Map<String, String> headers = fault == null
                ? Map.of("content-type", "application/json", "x-request-id", id, "x-sim-profile", profile)
                : Map.of("content-type", "application/json", "x-request-id", id, "x-sim-profile", profile,
                        "x-sim-fault", fault);
        StreamRequest request = new StreamRequest(URI.create("http://127.0.0.1:" + port), "/v1/chat/completions",
                headers, Buffer.buffer(body), Duration.ofSeconds(5), Duration.ofSeconds(30));
        StreamOptions options = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 5_000_000_000L, 30_000_000_000L,
                1 << 20, 1 << 24, 1000, Cumulative.AUTO, 0, BufferedDelivery.DEFAULT);
        return client.stream(request, options, StreamListener.NONE).toCompletionStage().toCompletableFuture();
    }

    /**
     * Holds every event loop of the client's Vert.x, as a throttled CPU would: the loop is descheduled, not spinning.
     * Parking rather than spinning matters on a loaded machine: four spinning loops would starve the server's own
     * thread, whose late timers then write tokens in catch-up bursts, a real burst the canary rightly flags.
     */
    private void holdClientLoops() {
        clientVertx.nettyEventLoopGroup().forEach(loop -> loop.execute(() -> {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS);
            for (long left; (left = until - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(left);
            }
        }));
    }

    private RecordedRequest truth(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.recorder().get(id)
                .map(r -> r.chunks().size() >= 12 && r.chunks().stream().allMatch(c -> c.writeDoneNanos() > 0))
                .orElse(false));
        return simulator.recorder().get(id).orElseThrow();
    }

    /** The bursts of the server's token writes, by the same 1 ms rule the client applies to its reads. */
    private static int serverBursts(RecordedRequest sim) {
        long[] starts = sim.chunks().stream().filter(c -> c.kind() == ChunkKind.TOKEN)
                .mapToLong(RecordedChunk::writeStartNanos).toArray();
        int bursts = 0;
        for (int i = 0; i < starts.length; ) {
            int j = i + 1;
            while (j < starts.length && starts[j] - starts[i] <= StreamTrace.BURST_NANOS) {
                j++;
            }
            bursts++;
            i = j;
        }
        return bursts;
    }

    @Test
    void chunksBunchedByOurOwnHeldLoopAreNotBufferedDelivery() throws Exception {
        CompletableFuture<Attempt> attempt = stream("held", null, 12);
        // The server has the request (its first token is 300 ms away): hold the client while it streams.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
                .until(() -> simulator.recorder().get("held").isPresent());
        holdClientLoops();

        Attempt a = attempt.get(30, TimeUnit.SECONDS);
        RecordedRequest sim = truth("held");

        assertThat(a.error()).isNull();
        // The server wrote its tokens apart; we read them together, because we were held.
        long firstWrite = sim.firstToken().orElseThrow().writeStartNanos();
        long lastWrite = sim.chunks().get(sim.chunks().size() - 1).writeStartNanos();
        assertThat(lastWrite - firstWrite).as("the server's own spread of writes").isGreaterThan(20_000_000L);
        assertThat(BufferedDelivery.DEFAULT.buffered(12, serverBursts(sim)))
                .as("the server itself wrote in bursts (a starved simulator catching up): the premise broke").isFalse();
        assertThat(a.result().trace().bursts()).as("bursts as read while held").isLessThanOrEqualTo(2);
        assertThat(a.result().violations()).extracting(Violation::rule).map(Enum::name)
                .doesNotContain("BUFFERED_DELIVERY");
    }

    @Test
    void aBufferingServerIsStillBufferedDeliveryWhenOurLoopRunsFreely() throws Exception {
        // 200 chunks in one write: on a loaded machine our loop may well be held a few ms as the burst lands, but a
        // hold excuses at most one chunk per ms of it, so only a 200 ms hold could hide this burst.
        Attempt a = stream("buffered", "buffered", 200).get(30, TimeUnit.SECONDS);

        assertThat(a.error()).isNull();
        assertThat(a.result().violations()).extracting(Violation::rule).map(Enum::name)
                .contains("BUFFERED_DELIVERY");
    }
}
