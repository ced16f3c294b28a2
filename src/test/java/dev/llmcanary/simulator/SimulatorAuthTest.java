package dev.llmcanary.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The API key check of a simulator started with a key. */
class SimulatorAuthTest {

    private static Vertx vertx;
    private static SimulatorServer server;
    private static SimClient client;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0).withApiKey("k-123"));
        client = new SimClient(server.start().toCompletionStage().toCompletableFuture().get());
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no Authorization header is 401", "/v1/chat/completions", Map.of(), 401),
                Arguments.of("wrong key is 401", "/v1/chat/completions", Map.of("Authorization", "Bearer nope"), 401),
                Arguments.of("right key streams", "/v1/chat/completions", Map.of("Authorization", "Bearer k-123"),
                        200),
                Arguments.of("models needs the key", "/v1/models", Map.of(), 401),
                Arguments.of("health needs no key", "/health", Map.of(), 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void apiKey(String name, String path, Map<String, String> headers, int status) {
        boolean post = path.startsWith("/v1/chat");
        SimClient.Response r = client.send(post ? "POST" : "GET", path,
                post ? SimClient.chat("sim-openai", "hi") : null, withFast(headers));
        assertThat(r.status()).isEqualTo(status);
        if (status == 401) {
            assertThat(new JsonObject(r.text()).getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
        }
    }

    private static Map<String, String> withFast(Map<String, String> headers) {
        var all = new java.util.HashMap<>(headers);
        all.put("x-sim-profile", SimClient.FAST);
        return all;
    }
}
