package dev.llmcanary.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static dev.llmcanary.simulator.HttpReplies.error;
import static dev.llmcanary.simulator.HttpReplies.json;

/**
 * A deterministic, fault-injecting fake LLM inference server on plain Vert.x core: OpenAI and native routes,
 * the stream dialects of real servers, and a recorder of when each chunk was written.
 */
public final class SimulatorServer {

    private static final String TRITON_PREFIX = "/v2/models/";
    private static final String TRITON_SUFFIX = "/generate_stream";
    private static final String RECORDINGS = "/sim/requests";
    /** The server's own metrics page: {@code /metrics} in the first model's dialect, {@code /metrics/tgi} etc. */
    private static final String METRICS = "/metrics";

    private final Vertx vertx;
    private final SimulatorConfig config;
    private final SimulatorRecorder recorder;
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private final SimLoad load = new SimLoad();
    private final IdentityRoutes identity;
    private final InferenceHandler inference;

    public SimulatorServer(Vertx vertx, SimulatorConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.identity = new IdentityRoutes(config);
        this.recorder = new SimulatorRecorder(config.maxRecorded());
        this.inference = new InferenceHandler(vertx, config, recorder, load);
    }

    /**
     * Starts listening on one event loop per core (servers sharing a port spread connections over their event
     * loops); completes with the actual port (useful with port 0).
     */
    public Future<Integer> start() {
        int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
        // Vert.x shares a negative port among its servers as one random port; port 0 would give each its own.
        return deploy(config.port() == 0 ? -1 : config.port(), loops);
    }

    public Future<Void> stop() {
        List<Future<Void>> undeployed = new ArrayList<>();
        for (String id : deployments) {
            undeployed.add(vertx.undeploy(id));
        }
        deployments.clear();
        return Future.all(undeployed).mapEmpty();
    }

    private Future<Integer> deploy(int port, int instances) {
        AtomicInteger actualPort = new AtomicInteger();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(port)
                .setTcpNoDelay(true)
                .setAcceptBacklog(4096)
                // A fake target must not add server spans to the traces of the service that embeds it.
                .setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE);
        Supplier<Verticle> listener = () -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer(options).requestHandler(SimulatorServer.this::handle).listen()
                        .onSuccess(server -> actualPort.set(server.actualPort()))
                        .<Void>mapEmpty().onComplete(started);
            }
        };
        return vertx.deployVerticle(listener, new DeploymentOptions().setInstances(instances))
                .map(id -> {
                    deployments.add(id);
                    return actualPort.get();
                });
    }

    public SimulatorRecorder recorder() {
        return recorder;
    }

    private void handle(HttpServerRequest req) {
        long received = System.nanoTime();
        String path = req.path();
        HttpMethod method = req.method();
        req.response().putHeader("Server", identity.server());
        if (method == HttpMethod.GET && path.equals("/health")) {
            json(req.response(), 200, "{\"status\":\"ok\"}");
            return;
        }
        if (method == HttpMethod.GET && path.equals("/v2/health/ready")) {
            req.response().setStatusCode(200).end();
            return;
        }
        if (method == HttpMethod.GET && (path.equals(METRICS) || path.startsWith(METRICS + "/"))) {
            metrics(req.response(), path);
            return;
        }
        if (path.startsWith(RECORDINGS)) {
            recordings(req, method, path);
            return;
        }
        if (config.apiKey() != null && !("Bearer " + config.apiKey()).equals(req.getHeader("Authorization"))) {
            error(req.response(), 401, "invalid or missing API key", "invalid_request_error", "invalid_api_key");
            return;
        }
        if (method == HttpMethod.GET && path.equals("/v1/models")) {
            models(req.response());
            return;
        }
        if (identity.handle(req, inference::defaultModel)) {
            return;
        }
        Routed routed = method == HttpMethod.POST ? route(path) : null;
        if (routed == null) {
            error(req.response(), 404, "no such route", "invalid_request_error", "not_found");
            return;
        }
        req.body().onSuccess(body -> {
            try {
                inference.handle(req, routed.route(), routed.pathModel(), body, received);
            } catch (ClassCastException e) {
                // A field of the wrong JSON type (e.g. messages not an array); the body itself stays out of logs.
                error(req.response(), 400, "request body has a field of the wrong type", "invalid_request_error",
                        "invalid_request");
            }
        });
    }

    /** An inference route and the model its path names (Triton's), or null when none is. */
    private record Routed(Route route, String pathModel) {
    }

    /** The inference route a POST to {@code path} asks for, or null. */
    private static Routed route(String path) {
        Route route = switch (path) {
            case "/v1/chat/completions" -> Route.CHAT;
            case "/v1/completions" -> Route.COMPLETIONS;
            case "/generate_stream" -> Route.TGI;
            case "/completion" -> Route.LLAMACPP;
            default -> null;
        };
        if (route != null) {
            return new Routed(route, null);
        }
        if (path.startsWith(TRITON_PREFIX) && path.endsWith(TRITON_SUFFIX)
                && path.length() > TRITON_PREFIX.length() + TRITON_SUFFIX.length()) {
            return new Routed(Route.TRITON,
                    path.substring(TRITON_PREFIX.length(), path.length() - TRITON_SUFFIX.length()));
        }
        return null;
    }

    private void metrics(HttpServerResponse response, String path) {
        MetricsPage page;
        try {
            page = path.equals(METRICS) ? MetricsPage.of(config.models().values().iterator().next().dialect())
                    : MetricsPage.parse(path.substring(METRICS.length() + 1));
        } catch (IllegalArgumentException e) {
            error(response, 404, e.getMessage(), "invalid_request_error", "not_found");
            return;
        }
        response.setStatusCode(200).putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(page.render(load.snapshot(), List.copyOf(config.models().keySet())));
    }

    private void recordings(HttpServerRequest req, HttpMethod method, String path) {
        if (method == HttpMethod.DELETE && path.equals(RECORDINGS)) {
            recorder.clear();
            req.response().setStatusCode(204).end();
            return;
        }
        if (method == HttpMethod.GET && path.startsWith(RECORDINGS + "/")) {
            String id = path.substring(RECORDINGS.length() + 1);
            var recorded = recorder.get(id);
            if (recorded.isEmpty()) {
                error(req.response(), 404, "no recording for this request id", "invalid_request_error",
                        "not_found");
                return;
            }
            try {
                json(req.response(), 200, mapper.writeValueAsString(recorded.get()));
            } catch (JsonProcessingException e) {
                error(req.response(), 500, "could not encode the recording", "internal_error", "encode");
            }
            return;
        }
        error(req.response(), 404, "no such route", "invalid_request_error", "not_found");
    }

    private void models(HttpServerResponse response) {
        JsonArray data = new JsonArray();
        for (String model : config.models().keySet()) {
            data.add(new JsonObject().put("id", model).put("object", "model")
                    .put("created", InferenceHandler.CREATED_BASE)
                    .put("owned_by", "llm-canary-simulator").put("root", identity.root(model)).putNull("parent"));
        }
        json(response, 200, new JsonObject().put("object", "list").put("data", data).encode());
    }
}
