package dev.llmcanary.canary.run;

import dev.llmcanary.boot.Secrets;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A target that echoes each request into its error, as a careless gateway does: the caller's key (raw and in its
 * {@code Authorization} header), personal data and the request body (with the prompt). Header {@code x-echo} picks
 * the form: {@code stream-error} (an {@code event: error} in a 200 stream) or {@code status-400} (a llama.cpp-style
 * JSON error body).
 */
public final class EchoTarget implements QuarkusTestResourceLifecycleManager {

    /** The pool's key, as the test's environment stand-in gives it for {@code LLM_CANARY_TEST_ECHO_KEY}. */
    public static final String KEY = "sk-echo-5b2a9c4f7d1e0a3b";
    /** llama.cpp's own words for an over-long request. */
    public static final String LLAMA = "request (2562 tokens) exceeds the available context size (256 tokens)";
    /** The last Authorization header the target saw: proof the key was sent. */
    static final AtomicReference<String> lastAuthorization = new AtomicReference<>();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(EchoTarget::answer).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return Map.of("echo-target.url", "http://127.0.0.1:" + server.actualPort());
        } catch (Exception e) {
            throw new IllegalStateException("echo target did not start", e);
        }
    }

    private static void answer(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            String auth = req.getHeader("authorization");
            lastAuthorization.set(auth);
            String raw = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
            String echo = "caller " + raw + " | Authorization: " + auth
                    + " | user ops@example.org card 5555 5555 5555 4444 | body " + body;
            if ("status-400".equals(req.getHeader("x-echo"))) {
                req.response().setStatusCode(400).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"code\":400,\"message\":" + quoted(LLAMA + "; echo: " + echo)
                                + ",\"type\":\"exceed_context_size_error\"}}");
            } else {
                req.response().putHeader("content-type", "text/event-stream")
                        .end("event: error\ndata: {\"error\":{\"message\":" + quoted(echo) + "}}\n\n");
            }
        });
    }

    private static String quoted(String s) {
        return io.vertx.core.json.Json.encode(s);
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    /** The environment as the service reads it, with the echo pool's key set. */
    @Alternative
    @Singleton
    public static class EchoSecrets extends Secrets {
        @Override
        public String apply(String name) {
            return "LLM_CANARY_TEST_ECHO_KEY".equals(name) ? KEY : super.apply(name);
        }
    }

    /** The echo pool and its two canaries ({@code src/test/resources/untrusted-config}), the key set. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm-canary.config.dir", "src/test/resources/untrusted-config");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(EchoSecrets.class);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EchoTarget.class));
        }
    }
}
