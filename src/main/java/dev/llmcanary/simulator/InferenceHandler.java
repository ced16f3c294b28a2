package dev.llmcanary.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers one inference request, in four steps: {@linkplain #accept accept} it (the body, the model, the profile and
 * fault headers, the context size), {@linkplain #admit admit} it (request id, recording, simulated load), decide the
 * answer ({@linkplain #plan plan}) and play it. A request refused by the first step gets the error a real server
 * would give and touches no recording or load.
 */
final class InferenceHandler {

    /** Fixed "created" base so that equal seeds give byte-identical bodies. */
    static final long CREATED_BASE = 1_700_000_000L;
    private static final long MS = 1_000_000L;

    private final Vertx vertx;
    private final SimulatorConfig config;
    private final SimulatorRecorder recorder;
    private final SimLoad load;
    private final AtomicLong requestCounter = new AtomicLong();

    InferenceHandler(Vertx vertx, SimulatorConfig config, SimulatorRecorder recorder, SimLoad load) {
        this.vertx = vertx;
        this.config = config;
        this.recorder = recorder;
        this.load = load;
    }

    /**
     * @param pathModel the model named in the path (Triton), else null
     * @param received  when the request arrived ({@link System#nanoTime()}): every due time counts from it
     * @throws ClassCastException when a body field has the wrong JSON type (the caller answers 400)
     */
    void handle(HttpServerRequest req, Route route, String pathModel, Buffer raw, long received) {
        HttpServerResponse response = req.response();
        Accepted request;
        try {
            request = accept(req, route, pathModel, raw);
        } catch (Refused r) {
            HttpReplies.error(response, r.status, r.getMessage(), r.type, r.code);
            return;
        }
        if (request.faults().identity().containsKey(IdentityRoutes.SERVER)) {
            response.putHeader("Server", request.faults().identity().get(IdentityRoutes.SERVER)); // x-sim-fault: server:…
        }
        LiveRecording recording = record(req, request.model(), received);
        Runnable finished = admit(request.faults());
        if (request.faults().status() != 0) {
            long headersDue = (request.profile().headersDelayMs() + request.faults().slowHeadersMs()) * MS;
            after(received, headersDue, () -> {
                statusFault(response, request.faults().status());
                finished.run();
            });
            return;
        }
        Playback playback = plan(request);
        new StreamPlayer(vertx, req, playback.plan(), recording, playback.contentType()).onFinished(finished).start();
    }

    /** What a request asks, once every check passed. */
    private record Accepted(Route route, SimRequest sim, String model, SimProfile profile, Faults faults) {
    }

    /** A plan and the content type it is played with. */
    private record Playback(StreamPlan plan, String contentType) {
    }

    /** A request the server refuses, with the OpenAI-shaped error it answers. */
    private static final class Refused extends RuntimeException {
        private final int status;
        private final String type;
        private final String code;

        Refused(int status, String message, String type, String code) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
            this.code = code;
        }
    }

    /** The checks, in the order a server makes them: the body, the model, the simulator headers, the context. */
    private Accepted accept(HttpServerRequest req, Route route, String pathModel, Buffer raw) {
        JsonObject body;
        try {
            body = raw.length() == 0 ? new JsonObject() : new JsonObject(raw);
        } catch (DecodeException | ClassCastException e) {
            throw new Refused(400, "request body is not a JSON object", "invalid_request_error", "invalid_json");
        }
        SimRequest sim = SimRequest.parse(route, body, pathModel);
        String model = sim.model() != null ? sim.model() : defaultModel(route);
        SimProfile base = config.models().get(model);
        if (base == null) {
            throw new Refused(404, "The model `" + model + "` does not exist.", "invalid_request_error",
                    "model_not_found");
        }
        SimProfile profile;
        Faults faults;
        try {
            profile = SimProfile.merge(base, req.getHeader("x-sim-profile"));
            faults = faults(profile, req.getHeader("x-sim-fault"));
        } catch (IllegalArgumentException e) {
            throw new Refused(400, e.getMessage(), "invalid_request_error", "invalid_sim_header");
        }
        if (faults.contextTokens() > 0 && sim.promptTokens() > faults.contextTokens()) {
            throw new Refused(400, "request (" + sim.promptTokens() + " tokens) exceeds the available context size ("
                    + faults.contextTokens() + " tokens), try increasing it", "exceed_context_size_error",
                    "context_length_exceeded");
        }
        return new Accepted(route, sim, model, profile, faults);
    }

    /** The profile's faults, then those of the {@code x-sim-fault} header. */
    private static Faults faults(SimProfile profile, String header) {
        List<String> specs = new ArrayList<>(profile.faults());
        if (header != null) {
            specs.addAll(List.of(header.split(",")));
        }
        return Faults.parse(specs);
    }

    /** Native routes carry no model name: serve them with the first model of a matching dialect. */
    String defaultModel(Route route) {
        for (Map.Entry<String, SimProfile> e : config.models().entrySet()) {
            Dialect d = e.getValue().dialect();
            if (route == Route.TGI && (d == Dialect.TGI_2 || d == Dialect.TGI_3)
                    || route == Route.LLAMACPP && d == Dialect.LLAMACPP) {
                return e.getKey();
            }
        }
        return config.models().keySet().iterator().next();
    }

    /** The request's id (the client's {@code x-request-id}, else one of ours), echoed and recorded under. */
    private LiveRecording record(HttpServerRequest req, String model, long received) {
        String requestId = req.getHeader("x-request-id");
        if (requestId == null || requestId.isBlank()) {
            requestId = "sim-" + requestCounter.incrementAndGet();
        }
        req.response().putHeader("x-request-id", requestId);
        return recorder.start(requestId, model, req.path(), received);
    }

    /** Counts the request into the simulated load and the in-flight gauge; the result counts it out. */
    private Runnable admit(Faults faults) {
        Runnable unloaded = load.begin(faults.saturatedHoldMs());
        Runnable counted = recorder.inFlight();
        return () -> {
            unloaded.run();
            counted.run();
        };
    }

    /** The answer: the reply the seed gives, whole as JSON or as a stream in the route's wire and dialect. */
    private Playback plan(Accepted a) {
        SimRequest sim = a.sim();
        SimProfile profile = a.profile();
        Faults faults = a.faults();
        long seed = sim.seed() != null ? sim.seed() : profile.seed();
        Reply reply = Reply.of(Reply.text(profile, faults, sim.prompt(), a.model(), seed), sim.stop(),
                sim.maxTokens()).drifted(faults, seed, ThreadLocalRandom.current());
        String idSuffix = Long.toHexString(mix(seed, sim.prompt().hashCode(), a.model().hashCode()));
        long created = CREATED_BASE + Math.floorMod(seed, 1_000_000L);
        DialectStyle style = DialectStyle.of(profile.dialect()).withFingerprint(faults.fingerprint());
        if (!sim.stream()) {
            String json = CompleteBody.json(a.route(), a.model(), reply, sim.promptTokens(), idSuffix, created, style);
            return new Playback(wholePlan(profile, faults, reply, json), "application/json");
        }
        Wire wire = wire(a, style, idSuffix, created);
        List<String> reasoning = Reply.tokenize(Reply.lorem(profile.reasoningTokens(), seed + 1));
        StreamPlan plan = new PlanBuilder(wire, profile, faults, seed)
                .build(reply, reasoning, sim.promptTokens(), usageMode(a, style), roleChunk(profile, style));
        return new Playback(plan, faults.contentType() != null ? faults.contentType() : "text/event-stream");
    }

    /** A non-streamed answer: one write, when the last token would have been generated. */
    private static StreamPlan wholePlan(SimProfile profile, Faults faults, Reply reply, String json) {
        long headersDue = (profile.headersDelayMs() + faults.slowHeadersMs()) * MS;
        long due = Math.max(headersDue, (profile.ttftMs() + profile.itlMs()
                * Math.max(0, reply.tokens().size() - 1)) * MS);
        return new StreamPlan(headersDue, List.of(SimEvent.write(ChunkKind.TOKEN, due, Buffer.buffer(json))));
    }

    private static Wire wire(Accepted a, DialectStyle style, String idSuffix, long created) {
        Dialect dialect = a.profile().dialect();
        return switch (a.route()) {
            case CHAT, COMPLETIONS -> new OpenAiWire(style, a.route() == Route.CHAT, a.model(), idSuffix, created);
            case TGI -> new TgiNativeWire(dialect != Dialect.TGI_2, a.sim().seed());
            case TRITON -> new TritonWire(a.model(), dialect == Dialect.TRITON_CUMULATIVE);
            case LLAMACPP -> new LlamaCppWire(a.model());
        };
    }

    /** Usage only on the OpenAI routes: as the profile says, else the dialect's way when the request asks. */
    private static UsageMode usageMode(Accepted a, DialectStyle style) {
        return !a.route().openAi() ? UsageMode.NONE
                : a.profile().usage() != null ? a.profile().usage()
                : a.sim().includeUsage() ? style.usageWhenAsked() : UsageMode.NONE;
    }

    private static boolean roleChunk(SimProfile profile, DialectStyle style) {
        return profile.roleChunk() != null ? profile.roleChunk() : style.roleChunk();
    }

    private static void statusFault(HttpServerResponse response, int status) {
        if (status == 429) {
            response.putHeader("Retry-After", "2");
            HttpReplies.error(response, 429, "simulated rate limit", "rate_limit_exceeded", "rate_limit_exceeded");
        } else {
            HttpReplies.error(response, status, "simulated upstream failure", "internal_error",
                    String.valueOf(status));
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

    /** A stable, well-spread id from the request's deterministic inputs. */
    private static long mix(long seed, int a, int b) {
        long h = seed * 0x9E3779B97F4A7C15L + a;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + b;
        return (h ^ (h >>> 29)) & Long.MAX_VALUE;
    }
}
