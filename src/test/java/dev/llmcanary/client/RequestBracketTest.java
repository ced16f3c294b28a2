package dev.llmcanary.client;

import dev.llmcanary.simulator.RecordedRequest;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamMetrics;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.stream.StreamTrace;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The request bracket: the "request written" stamp is taken before the request's bytes reach the socket, so the
 * server can never have received the request earlier and TTFT is never below the server's own first-token time; the
 * write's completion is kept as the upper edge. Client and simulator share one JVM, so their {@code nanoTime}
 * values compare directly.
 */
class RequestBracketTest {

    private static Vertx vertx;
    private static SimulatorServer simulator;
    private static StreamingClient client;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        port = simulator.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(2), 8, Duration.ofMillis(20)));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * A 16 MiB prompt cannot fit in the loopback socket buffers: the server reads the request (and stamps it
     * received) while the client's write is still in progress, which is exactly where a stamp taken on write
     * completion lands after the server's clock started.
     */
    static Stream<Arguments> requests() {
        return Stream.of(
                arguments("a small request", 16),
                arguments("a request the server receives before its write completes", 16 << 20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void ttftIsNeverBelowTheServersTruth(String name, int promptChars) throws Exception {
        String id = "bracket-" + promptChars;
        String body = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(promptChars)
                + "\"}],\"stream\":true,\"max_tokens\":8}";
        StreamRequest request = new StreamRequest(URI.create("http://127.0.0.1:" + port), "/v1/chat/completions",
                Map.of("content-type", "application/json", "x-request-id", id,
                        "x-sim-profile", "ttft_ms=20;itl_ms=2;jitter_ms=0;tokens=4"),
                Buffer.buffer(body), Duration.ofSeconds(2), Duration.ofSeconds(30));
        StreamOptions options = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 5_000_000_000L, 30_000_000_000L,
                1 << 20, 1 << 24, 1000, Cumulative.AUTO, 0);

        Attempt a = client.stream(request, options, StreamListener.NONE).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);

        assertThat(a.error()).isNull();
        assertThat(a.result().violations()).isEmpty();
        StreamTrace t = a.result().trace();
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.recorder().get(id)
                .map(r -> !r.chunks().isEmpty() && r.chunks().stream().allMatch(c -> c.writeDoneNanos() > 0))
                .orElse(false));
        RecordedRequest sim = simulator.recorder().get(id).orElseThrow();
        // Lower edge: handed to the socket no later than the server saw it; upper edge: the write's completion.
        assertThat(t.requestWritten()).isLessThanOrEqualTo(sim.receivedNanos());
        assertThat(t.requestWriteCompleted()).isGreaterThanOrEqualTo(t.requestWritten());
        assertThat(t.requestWritten()).isGreaterThanOrEqualTo(a.connectedNanos());
        long truth = sim.firstToken().orElseThrow().writeStartNanos() - sim.receivedNanos();
        assertThat(t.firstToken() - t.requestWritten()).isGreaterThanOrEqualTo(truth);
        assertThat(StreamMetrics.derive(a.result()).ttft()).isGreaterThanOrEqualTo(truth / 1e9);
    }
}
