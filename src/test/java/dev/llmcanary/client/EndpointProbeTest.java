package dev.llmcanary.client;

import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Flavor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Health and model checks against the real simulator and a tiny misbehaving server: each flavor's health route,
 * model lists, transport failures, bounded bodies and the timeout.
 */
class EndpointProbeTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration NORMAL = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final int OVER_LIMIT = EndpointProbe.MAX_BODY_BYTES + 1024;

    private static Vertx vertx;
    private static Vertx keyedVertx;
    private static String sim;
    private static String simWithKey;
    private static String fake;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        sim = "http://127.0.0.1:" + await(new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0)).start());
        // A Vert.x of its own: simulators started on port 0 in one Vert.x share a single random port.
        keyedVertx = Vertx.vertx();
        simWithKey = "http://127.0.0.1:" + await(new SimulatorServer(keyedVertx,
                SimulatorConfig.defaults("127.0.0.1", 0).withApiKey("k-123")).start());
        fake = "http://127.0.0.1:" + await(vertx.createHttpServer().requestHandler(EndpointProbeTest::misbehave)
                .listen(0, "127.0.0.1")).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        await(vertx.close());
        await(keyedVertx.close());
    }

    /** A server whose first path segment picks a behaviour; the rest is the route the probe asked for. */
    private static void misbehave(HttpServerRequest req) {
        String path = req.path();
        int slash = path.indexOf('/', 1);
        String mode = slash < 0 ? path.substring(1) : path.substring(1, slash);
        String route = slash < 0 ? "" : path.substring(slash);
        var resp = req.response();
        switch (mode) {
            case "down" -> resp.setStatusCode(503).end("overloaded");
            case "hang" -> {
                // never answers: the probe's timeout must end the check
            }
            case "big", "big-chunked" -> {
                if (!route.equals("/v1/models")) {
                    resp.end("ok");
                } else if (mode.equals("big")) {
                    resp.end(Buffer.buffer(new byte[OVER_LIMIT]));
                } else {
                    resp.setChunked(true);
                    byte[] piece = new byte[64 * 1024];
                    for (int written = 0; written < OVER_LIMIT; written += piece.length) {
                        resp.write(Buffer.buffer(piece));
                    }
                    resp.end();
                }
            }
            case "not-json" -> resp.end(route.equals("/v1/models") ? "<html>models</html>" : "ok");
            case "gw" -> {
                switch (route) {
                    case "/health" -> resp.end("ok");
                    case "/v1/models" -> resp.putHeader("content-type", "application/json").end(new JsonObject()
                            .put("data", new JsonArray().add(new JsonObject().put("id", "gw-model"))).encode());
                    default -> resp.setStatusCode(404).end();
                }
            }
            case "triton-only" -> {
                if (route.equals("/v2/health/ready")) {
                    resp.end();
                } else {
                    resp.setStatusCode(404).end();
                }
            }
            default -> resp.setStatusCode(404).end();
        }
    }

    /** Expected outcome; {@code modelsReason} is a fragment the reason must contain, or null for none. */
    private record Expect(boolean healthy, String reason, Map<String, Boolean> models, String modelsReason) {
    }

    private static Map<String, Boolean> served(Object... pairs) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Boolean) pairs[i + 1]);
        }
        return m;
    }

    static Stream<Arguments> cases() {
        Map<String, Boolean> none = Map.of();
        return Stream.of(
                arguments("openai-chat: healthy, every expected model served", "{sim}", Flavor.OPENAI_CHAT, null,
                        List.of("sim-openai", "sim-vllm"), NORMAL,
                        new Expect(true, null, served("sim-openai", true, "sim-vllm", true), null)),
                arguments("openai-completions: a model not in /v1/models is not served", "{sim}",
                        Flavor.OPENAI_COMPLETIONS, null, List.of("sim-openai", "not-a-model"), NORMAL,
                        new Expect(true, null, served("sim-openai", true, "not-a-model", false), null)),
                arguments("tgi-generate: healthy, models not checked", "{sim}", Flavor.TGI_GENERATE, null,
                        List.of("sim-tgi3"), NORMAL, new Expect(true, null, none, "not checked")),
                arguments("triton-generate: healthy, models not checked", "{sim}", Flavor.TRITON_GENERATE, null,
                        List.of("sim-triton"), NORMAL, new Expect(true, null, none, "not checked")),
                arguments("llamacpp-completion: healthy, models not checked", "{sim}", Flavor.LLAMACPP_COMPLETION,
                        null, List.of("sim-llamacpp"), NORMAL, new Expect(true, null, none, "not checked")),
                arguments("triton-generate asks /v2/health/ready", "{fake}/triton-only", Flavor.TRITON_GENERATE,
                        null, List.of("m"), NORMAL, new Expect(true, null, none, "not checked")),
                arguments("tgi-generate asks /health", "{fake}/triton-only", Flavor.TGI_GENERATE, null, List.of("m"),
                        NORMAL, new Expect(false, "HTTP 404", none, "not checked")),
                arguments("connection refused", "http://127.0.0.1:1", Flavor.OPENAI_CHAT, null, List.of("m"), NORMAL,
                        new Expect(false, "connection refused", none, "connection refused")),
                arguments("server answers 503", "{fake}/down", Flavor.OPENAI_CHAT, null, List.of("m"), NORMAL,
                        new Expect(false, "HTTP 503", none, "HTTP 503")),
                arguments("model list above the body limit (content-length)", "{fake}/big", Flavor.OPENAI_CHAT,
                        null, List.of("m"), NORMAL, new Expect(true, null, none, "too large")),
                arguments("model list above the body limit (chunked)", "{fake}/big-chunked", Flavor.OPENAI_CHAT,
                        null, List.of("m"), NORMAL, new Expect(true, null, none, "too large")),
                arguments("model list is not JSON", "{fake}/not-json", Flavor.OPENAI_CHAT, null, List.of("m"),
                        NORMAL, new Expect(true, null, none, "not JSON")),
                arguments("server never answers: timeout", "{fake}/hang", Flavor.OPENAI_CHAT, null, List.of("m"),
                        SHORT, new Expect(false, "timeout after 300 ms", none, "timeout after 300 ms")),
                arguments("base URL path prefix (and trailing slash) kept", "{fake}/gw/", Flavor.OPENAI_CHAT, null,
                        List.of("gw-model"), NORMAL, new Expect(true, null, served("gw-model", true), null)),
                arguments("API key sent with the model request", "{simWithKey}", Flavor.OPENAI_CHAT, "k-123",
                        List.of("sim-openai"), NORMAL, new Expect(true, null, served("sim-openai", true), null)),
                arguments("no API key: model list refused, health still up", "{simWithKey}", Flavor.OPENAI_CHAT,
                        null, List.of("sim-openai"), NORMAL, new Expect(true, null, none, "HTTP 401")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void check(String name, String base, Flavor flavor, String apiKey, List<String> models, Duration timeout,
               Expect expect) throws Exception {
        String url = base.replace("{simWithKey}", simWithKey).replace("{sim}", sim).replace("{fake}", fake);
        try (EndpointProbe probe = new EndpointProbe(vertx, timeout, Clock.fixed(NOW, ZoneOffset.UTC))) {
            EndpointHealth h = await(probe.check(URI.create(url), flavor, apiKey, models));

            assertThat(h).as("result").isNotNull();
            assertThat(h.healthy()).as("healthy " + h).isEqualTo(expect.healthy());
            assertThat(h.reason()).as("reason").isEqualTo(expect.reason());
            assertThat(h.modelsServed()).as("models served " + h).containsExactlyEntriesOf(expect.models());
            if (expect.modelsReason() == null) {
                assertThat(h.modelsReason()).as("models reason").isNull();
            } else {
                assertThat(h.modelsReason()).as("models reason").contains(expect.modelsReason());
            }
            assertThat(h.latencySeconds()).isPositive();
            assertThat(h.checkedAt()).isEqualTo(NOW);
            if (h.modelsReason() != null) {
                assertThat(h.modelsReason()).doesNotContain("k-123");
            }
        }
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
