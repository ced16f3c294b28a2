package dev.llmcanary.client;

import dev.llmcanary.simulator.RecordedChunk;
import dev.llmcanary.simulator.RecordedRequest;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamMetrics;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.stream.StreamTimings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client's own connection pool: a stream that finds every connection of the pool busy queues for one, and that
 * wait is reported as pool wait (not connect, not TTFT); a stream that connects reports connect and no wait. One
 * connection per host makes the queueing certain; the simulator's write times say when the busy stream ended.
 */
class PoolWaitTest {

    private static final String BODY = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"stream\":true,\"max_tokens\":64}";
    private static final StreamOptions OPTIONS = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 5_000_000_000L,
            30_000_000_000L, 1 << 20, 1 << 24, 1000, Cumulative.AUTO, 0);

    private Vertx vertx;
    private SimulatorServer simulator;
    private StreamingClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        port = simulator.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 1, Duration.ofMillis(20)));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Future<Attempt> stream(String id, String profile) {
        StreamRequest r = new StreamRequest(URI.create("http://127.0.0.1:" + port), "/v1/chat/completions",
                Map.of("content-type", "application/json", "x-request-id", id, "x-sim-profile", profile),
                Buffer.buffer(BODY), Duration.ofSeconds(2), Duration.ofSeconds(30));
        return client.stream(r, OPTIONS, StreamListener.NONE);
    }

    private static Attempt finished(Future<Attempt> f) throws Exception {
        Attempt a = f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(a.error()).isNull();
        assertThat(a.result().violations()).isEmpty();
        return a;
    }

    private RecordedRequest truth(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.recorder().get(id)
                .map(r -> !r.chunks().isEmpty() && r.chunks().stream().allMatch(c -> c.writeDoneNanos() > 0))
                .orElse(false));
        return simulator.recorder().get(id).orElseThrow();
    }

    @Test
    void aStreamQueuedBehindABusyConnectionReportsTheWaitAsPoolWaitNotConnectNorTtft() throws Exception {
        Future<Attempt> busy = stream("busy", "ttft_ms=0;itl_ms=20;jitter_ms=0;tokens=10");
        // The second stream asks only once the first holds the pool's one connection (the server has it).
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.recorder().get("busy").isPresent());
        Future<Attempt> queued = stream("queued", "ttft_ms=5;itl_ms=1;jitter_ms=0;tokens=3");

        Attempt first = finished(busy);
        Attempt second = finished(queued);

        assertThat(first.newConnection()).isTrue();
        assertThat(first.poolWaitSeconds()).isZero();
        assertThat(first.connectSeconds()).isPositive();

        List<RecordedChunk> busyWrites = truth("busy").chunks();
        long busyLastWrite = busyWrites.get(busyWrites.size() - 1).writeStartNanos();
        assertThat(second.newConnection()).as("the busy stream's connection, released, is reused").isFalse();
        assertThat(second.connectSeconds()).isZero();
        // It held no connection before the busy stream's last bytes were written: all that time was queueing.
        assertThat(second.connectedNanos()).isGreaterThan(busyLastWrite);
        assertThat(second.poolWaitSeconds()).isEqualTo((second.connectedNanos() - second.startNanos()) / 1e9)
                .isGreaterThanOrEqualTo((busyLastWrite - second.startNanos()) / 1e9);
        // TTFT starts when the request is handed to the socket, after the wait; only TTFT from start includes it.
        StreamTimings m = StreamMetrics.derive(second.result());
        assertThat(second.result().trace().requestWritten()).isGreaterThanOrEqualTo(second.connectedNanos());
        assertThat(m.ttftFromStart()).isGreaterThanOrEqualTo(second.poolWaitSeconds() + m.ttft());
        RecordedRequest sim = truth("queued");
        assertThat(m.ttft()).isGreaterThanOrEqualTo(
                (sim.firstToken().orElseThrow().writeStartNanos() - sim.receivedNanos()) / 1e9);
    }

    @Test
    void anIdlePooledConnectionIsReusedWithoutConnectingAndAFreshOneReportsConnect() throws Exception {
        Attempt fresh = finished(stream("fresh", "ttft_ms=0;itl_ms=1;jitter_ms=0;tokens=3"));
        truth("fresh"); // written to the end: the connection is back in the pool, or about to be

        Attempt reused = finished(stream("reused", "ttft_ms=0;itl_ms=1;jitter_ms=0;tokens=3"));

        assertThat(fresh.newConnection()).isTrue();
        assertThat(fresh.connectSeconds()).isEqualTo((fresh.connectedNanos() - fresh.startNanos()) / 1e9);
        assertThat(fresh.poolWaitSeconds()).isZero();
        assertThat(reused.newConnection()).isFalse();
        assertThat(reused.connectSeconds()).isZero();
        assertThat(reused.poolWaitSeconds()).isEqualTo((reused.connectedNanos() - reused.startNanos()) / 1e9);
    }
}
