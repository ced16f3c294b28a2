package dev.llmcanary.client;

import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.Rule;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.stream.StreamOptions;
import dev.llmcanary.stream.Violation;
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
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The headers, first-token and total timeouts are enforced separately, each from the attempt's start, and each is
 * classified as a {@code timeout} naming its phase. Driven against the simulator's latency profiles.
 */
class PhaseTimeoutTest {

    private static final String BODY = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"stream\":true,\"max_tokens\":64}";

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

    /** headers / first token / total limits in ms; the expected error message or timeout violation, by prefix. */
    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("headers later than the headers timeout", "ttft_ms=0;itl_ms=1;tokens=3;headers_delay_ms=3000",
                        300, 2000, 5000, "error", "timeout: headers: no response headers within 0.3 s of the start"),
                arguments("first token later than the first-token timeout", "ttft_ms=3000;itl_ms=1;tokens=3;role_chunk=true",
                        300, 600, 5000, "violation",
                        "first_token: no token within 0.6 s of the start, stream aborted"),
                arguments("stream longer than the total timeout", "ttft_ms=0;itl_ms=100;tokens=100", 300, 600,
                        900, "violation", "total: stream not complete within 0.9 s of the start, stream aborted"),
                arguments("within every limit", "ttft_ms=50;itl_ms=5;tokens=5", 300, 600, 5000, "none", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void enforcesEachPhase(String name, String profile, long headersMs, long firstTokenMs, long totalMs,
                           String expected, String reason) throws Exception {
        StreamRequest request = new StreamRequest(URI.create("http://127.0.0.1:" + port), "/v1/chat/completions",
                Map.of("content-type", "application/json", "x-sim-profile", profile), Buffer.buffer(BODY),
                Duration.ofSeconds(2), Duration.ofMillis(totalMs), Duration.ofMillis(headersMs),
                Duration.ofMillis(firstTokenMs));
        StreamOptions options = new StreamOptions(Flavor.OPENAI_CHAT, true, 1, 5_000_000_000L, 30_000_000_000L,
                1 << 20, 1 << 24, 1000, Cumulative.AUTO, 0);
        long began = System.nanoTime();

        Attempt a = client.stream(request, options, StreamListener.NONE).toCompletionStage().toCompletableFuture()
                .get(20, TimeUnit.SECONDS);

        long tookMs = (System.nanoTime() - began) / 1_000_000;
        switch (expected) {
            case "error" -> {
                assertThat(a.error()).isEqualTo(new TransportError("timeout", reason));
                assertThat(tookMs).isLessThan(headersMs + 1000);
            }
            case "violation" -> {
                assertThat(a.error()).isNull();
                assertThat(a.result().violations().get(0)).extracting(Violation::rule, Violation::reason)
                        .containsExactly(Rule.TIMEOUT, reason);
                assertThat(a.result().aborted()).isTrue();
                assertThat(tookMs).isLessThan(Math.max(firstTokenMs, totalMs) + 1000);
            }
            default -> {
                assertThat(a.error()).isNull();
                assertThat(a.result().violations()).isEmpty();
            }
        }
    }
}
