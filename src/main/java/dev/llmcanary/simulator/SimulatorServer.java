package dev.llmcanary.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

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
    private static final long MS = 1_000_000L;
    /** Fixed "created" base so that equal seeds give byte-identical bodies. */
    private static final long CREATED_BASE = 1_700_000_000L;

    private final Vertx vertx;
    private final SimulatorConfig config;
    private final SimulatorRecorder recorder;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicLong requestCounter = new AtomicLong();
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private final SimLoad load = new SimLoad();
    private final IdentityRoutes identity;

    public SimulatorServer(Vertx vertx, SimulatorConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.identity = new IdentityRoutes(config);
        this.recorder = new SimulatorRecorder(config.maxRecorded());
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
        if (identity.handle(req, this::defaultModel)) {
            return;
        }
        String tritonModel = null;
        Route route = null;
        if (method == HttpMethod.POST) {
            route = switch (path) {
                case "/v1/chat/completions" -> Route.CHAT;
                case "/v1/completions" -> Route.COMPLETIONS;
                case "/generate_stream" -> Route.TGI;
                case "/completion" -> Route.LLAMACPP;
                default -> null;
            };
            if (route == null && path.startsWith(TRITON_PREFIX) && path.endsWith(TRITON_SUFFIX)
                    && path.length() > TRITON_PREFIX.length() + TRITON_SUFFIX.length()) {
                route = Route.TRITON;
                tritonModel = path.substring(TRITON_PREFIX.length(), path.length() - TRITON_SUFFIX.length());
            }
        }
        if (route == null) {
            error(req.response(), 404, "no such route", "invalid_request_error", "not_found");
            return;
        }
        Route chosen = route;
        String pathModel = tritonModel;
        req.body().onSuccess(body -> {
            try {
                inference(req, chosen, pathModel, body, received);
            } catch (ClassCastException e) {
                // A field of the wrong JSON type (e.g. messages not an array); the body itself stays out of logs.
                error(req.response(), 400, "request body has a field of the wrong type", "invalid_request_error",
                        "invalid_request");
            }
        });
    }

    private void inference(HttpServerRequest req, Route route, String pathModel, Buffer raw, long received) {
        HttpServerResponse response = req.response();
        JsonObject body;
        try {
            body = raw.length() == 0 ? new JsonObject() : new JsonObject(raw);
        } catch (DecodeException | ClassCastException e) {
            error(response, 400, "request body is not a JSON object", "invalid_request_error", "invalid_json");
            return;
        }
        SimRequest sim = SimRequest.parse(route, body, pathModel);
        String model = sim.model() != null ? sim.model() : defaultModel(route);
        SimProfile base = config.models().get(model);
        if (base == null) {
            error(response, 404, "The model `" + model + "` does not exist.", "invalid_request_error",
                    "model_not_found");
            return;
        }
        SimProfile profile;
        Faults faults;
        try {
            profile = SimProfile.merge(base, req.getHeader("x-sim-profile"));
            List<String> faultSpecs = new ArrayList<>(profile.faults());
            String header = req.getHeader("x-sim-fault");
            if (header != null) {
                faultSpecs.addAll(List.of(header.split(",")));
            }
            faults = Faults.parse(faultSpecs);
        } catch (IllegalArgumentException e) {
            error(response, 400, e.getMessage(), "invalid_request_error", "invalid_sim_header");
            return;
        }
        if (faults.identity().containsKey(IdentityRoutes.SERVER)) {
            response.putHeader("Server", faults.identity().get(IdentityRoutes.SERVER)); // x-sim-fault: server:…
        }
        if (faults.contextTokens() > 0 && sim.promptTokens() > faults.contextTokens()) {
            error(response, 400, "request (" + sim.promptTokens() + " tokens) exceeds the available context size ("
                    + faults.contextTokens() + " tokens), try increasing it", "exceed_context_size_error",
                    "context_length_exceeded");
            return;
        }
        String requestId = req.getHeader("x-request-id");
        if (requestId == null || requestId.isBlank()) {
            requestId = "sim-" + requestCounter.incrementAndGet();
        }
        response.putHeader("x-request-id", requestId);
        LiveRecording recording = recorder.start(requestId, model, req.path(), received);
        long headersDelayNanos = (profile.headersDelayMs() + faults.slowHeadersMs()) * MS;
        Runnable unloaded = load.begin(faults.saturatedHoldMs());
        Runnable counted = recorder.inFlight();
        Runnable finished = () -> {
            unloaded.run();
            counted.run();
        };
        if (faults.status() != 0) {
            after(received, headersDelayNanos, () -> {
                statusFault(response, faults.status());
                finished.run();
            });
            return;
        }

        long seed = sim.seed() != null ? sim.seed() : profile.seed();
        Reply reply = Reply.of(Reply.text(profile, faults, sim.prompt(), model, seed), sim.stop(), sim.maxTokens())
                .drifted(faults, seed, ThreadLocalRandom.current());
        List<String> reasoning = Reply.tokenize(Reply.lorem(profile.reasoningTokens(), seed + 1));
        String idSuffix = Long.toHexString(mix(seed, sim.prompt().hashCode(), model.hashCode()));
        long created = CREATED_BASE + Math.floorMod(seed, 1_000_000L);
        DialectStyle style = DialectStyle.of(profile.dialect()).withFingerprint(faults.fingerprint());
        if (!sim.stream()) {
            String json = completeJson(route, model, reply, sim.promptTokens(), idSuffix, created, style);
            long due = Math.max(headersDelayNanos, (profile.ttftMs() + profile.itlMs()
                    * Math.max(0, reply.tokens().size() - 1)) * MS);
            Buffer buffer = Buffer.buffer(json);
            StreamPlan plan = new StreamPlan(headersDelayNanos, List.of(SimEvent.write(ChunkKind.TOKEN, due, buffer)));
            new StreamPlayer(vertx, req, plan, recording, "application/json").onFinished(finished).start();
            return;
        }
        Wire wire = switch (route) {
            case CHAT, COMPLETIONS -> new OpenAiWire(style, route == Route.CHAT, model, idSuffix, created);
            case TGI -> new TgiNativeWire(profile.dialect() != Dialect.TGI_2, sim.seed());
            case TRITON -> new TritonWire(model, profile.dialect() == Dialect.TRITON_CUMULATIVE);
            case LLAMACPP -> new LlamaCppWire(model);
        };
        UsageMode usage = !route.openAi() ? UsageMode.NONE
                : profile.usage() != null ? profile.usage()
                : sim.includeUsage() ? style.usageWhenAsked() : UsageMode.NONE;
        boolean role = profile.roleChunk() != null ? profile.roleChunk() : style.roleChunk();
        StreamPlan plan = new PlanBuilder(wire, profile, faults, seed)
                .build(reply, reasoning, sim.promptTokens(), usage, role);
        String contentType = faults.contentType() != null ? faults.contentType() : "text/event-stream";
        new StreamPlayer(vertx, req, plan, recording, contentType).onFinished(finished).start();
    }

    /** Native routes carry no model name: serve them with the first model of a matching dialect. */
    private String defaultModel(Route route) {
        for (Map.Entry<String, SimProfile> e : config.models().entrySet()) {
            Dialect d = e.getValue().dialect();
            if (route == Route.TGI && (d == Dialect.TGI_2 || d == Dialect.TGI_3)
                    || route == Route.LLAMACPP && d == Dialect.LLAMACPP) {
                return e.getKey();
            }
        }
        return config.models().keySet().iterator().next();
    }

    private String completeJson(Route route, String model, Reply reply, int promptTokens, String idSuffix,
                                long created, DialectStyle style) {
        String text = String.join("", reply.tokens());
        int completion = reply.tokens().size();
        String finish = reply.length() ? "length" : "stop";
        JsonObject usage = new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", completion)
                .put("total_tokens", promptTokens + completion);
        return switch (route) {
            case LLAMACPP -> new JsonObject().put("content", text).put("stop", true).put("model", model)
                    .put("stop_type", reply.length() ? "limit" : reply.stopMatch() != null ? "word" : "eos")
                    .put("tokens_predicted", completion).put("tokens_evaluated", promptTokens).encode();
            case COMPLETIONS -> new JsonObject().put("id", style.emptyId() ? "" : "cmpl-" + idSuffix)
                    .put("object", "text_completion").put("created", created).put("model", model)
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("text", text)
                            .putNull("logprobs").put("finish_reason", finish)))
                    .put("usage", usage).encode();
            default -> new JsonObject().put("id", style.emptyId() ? "" : "chatcmpl-" + idSuffix)
                    .put("object", "chat.completion").put("created", created).put("model", model)
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                            .put("message", new JsonObject().put("role", "assistant").put("content", text))
                            .putNull("logprobs").put("finish_reason", finish)))
                    .put("usage", usage).encode();
        };
    }

    private void statusFault(HttpServerResponse response, int status) {
        if (status == 429) {
            response.putHeader("Retry-After", "2");
            error(response, 429, "simulated rate limit", "rate_limit_exceeded", "rate_limit_exceeded");
        } else {
            error(response, status, "simulated upstream failure", "internal_error", String.valueOf(status));
        }
    }

    private void after(long received, long dueNanos, Runnable action) {
        long wait = received + dueNanos - System.nanoTime();
        if (wait <= 0) {
            action.run();
        } else {
            vertx.setTimer(Math.max(1, (wait + MS - 1) / MS), id -> action.run());
        }
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
            data.add(new JsonObject().put("id", model).put("object", "model").put("created", CREATED_BASE)
                    .put("owned_by", "llm-canary-simulator").put("root", identity.root(model)).putNull("parent"));
        }
        json(response, 200, new JsonObject().put("object", "list").put("data", data).encode());
    }

    private static void error(HttpServerResponse response, int status, String message, String type, String code) {
        JsonObject error = new JsonObject().put("message", message).put("type", type).putNull("param")
                .put("code", code);
        json(response, status, new JsonObject().put("error", error).encode());
    }

    private static void json(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    /** A stable, well-spread id from the request's deterministic inputs. */
    private static long mix(long seed, int a, int b) {
        long h = seed * 0x9E3779B97F4A7C15L + a;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + b;
        return (h ^ (h >>> 29)) & Long.MAX_VALUE;
    }
}
