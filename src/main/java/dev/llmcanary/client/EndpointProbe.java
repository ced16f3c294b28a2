package dev.llmcanary.client;

import dev.llmcanary.consistency.IdentitySource;
import dev.llmcanary.stream.Flavor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks that one endpoint is up (its flavor's health route answers 2xx in time) and, for the OpenAI-compatible
 * flavors, that its {@code /v1/models} lists each model the pool expects; reads what the endpoint says it serves from
 * that list and, when asked, from the flavor's native identity route ({@link ServedIdentity}). Runs on the Vert.x event loop, never
 * blocks, and never reads more than {@link #MAX_BODY_BYTES} of any response.
 *
 * <p>Every request asks {@code Connection: close} and the connection ends with its response: several inference
 * servers (llama.cpp's among them) serve each connection on one of a handful of HTTP threads until the client closes
 * it, so an idle keep-alive connection kept for the next check would hold one of those threads and make real users
 * wait. A check every few seconds gains nothing from reuse; one TCP handshake on a fast network is cheap. The health,
 * model and identity requests of one check go one after the other, never two connections at once.
 */
public final class EndpointProbe implements AutoCloseable {

    /** The largest response body read; a larger one fails the check rather than filling memory. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    static final String MODELS_PATH = "/v1/models";

    private final Vertx vertx;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    public EndpointProbe(Vertx vertx, Duration timeout) {
        this(vertx, timeout, Clock.systemUTC());
    }

    /** @param timeout the limit of each request, connecting included */
    public EndpointProbe(Vertx vertx, Duration timeout, Clock clock) {
        this.vertx = vertx;
        this.timeout = timeout;
        this.clock = clock;
        HttpClientOptions options = new HttpClientOptions()
                .setTcpNoDelay(true)
                .setKeepAlive(false) // Connection: close, see the class comment
                .setTracingPolicy(TracingPolicy.IGNORE) // checks are not canary runs: no client spans
                .setConnectTimeout((int) Math.max(1, timeout.toMillis()));
        this.http = vertx.createHttpClient(options);
    }

    /**
     * The route that says whether a server of this flavor can take requests: Triton's KServe readiness route, else
     * {@code /health} (vLLM, TGI, llama.cpp server, SGLang).
     */
    public static String healthPath(Flavor flavor) {
        return flavor == Flavor.TRITON_GENERATE ? "/v2/health/ready" : "/health";
    }

    /** Checks one endpoint without reading its native identity route. */
    public Future<EndpointHealth> check(URI baseUrl, Flavor flavor, String apiKey, List<String> expectedModels) {
        return check(baseUrl, flavor, apiKey, expectedModels, false);
    }

    /**
     * Checks one endpoint: the health request, then the model list, then — when {@code readIdentity} and the endpoint
     * is healthy — the flavor's native identity route ({@link ServedIdentity#nativePath}; Triton: one request per
     * model), each after the previous one ended. The future always succeeds: every failure is a reason in the
     * result, and a native route that fails never makes the endpoint unhealthy.
     *
     * @param apiKey         the endpoint's bearer token, or {@code null}; sent, never reported
     * @param expectedModels the models the pool says the endpoint serves
     * @param readIdentity   also read the native identity route (the caller keeps this rare: see
     *                       {@code llm-canary.health.identity-interval})
     */
    public Future<EndpointHealth> check(URI baseUrl, Flavor flavor, String apiKey, List<String> expectedModels,
                                        boolean readIdentity) {
        Instant checkedAt = clock.instant();
        String base = baseUrl.toString();
        Future<Reply> health = get(Urls.join(base, healthPath(flavor)), apiKey, false);
        Future<Reply> models = health.compose(h -> flavor.openAi()
                ? get(Urls.join(base, MODELS_PATH), apiKey, true)
                : Future.succeededFuture(null));
        Future<Map<String, Reply>> natives = models.compose(m -> readIdentity && health.result().ok()
                && ServedIdentity.nativePath(flavor, "") != null
                ? natives(base, flavor, apiKey, expectedModels)
                : Future.succeededFuture(Map.of()));
        return natives.map(v -> {
            Reply h = health.result();
            String reason = h.failure() != null ? h.failure() : h.ok() ? null : "HTTP " + h.status();
            Map<String, Boolean> served = new LinkedHashMap<>();
            Map<String, Map<IdentitySource, String>> identity = new LinkedHashMap<>();
            String modelsReason;
            if (models.result() == null) {
                modelsReason = "not checked: " + flavor.id() + " has no standard model list";
            } else {
                modelsReason = served(models.result(), expectedModels, served, identity);
            }
            String identityReason = nativeIdentity(flavor, expectedModels, natives.result(), identity);
            Map<String, Map<String, String>> labelled = new LinkedHashMap<>();
            identity.forEach((model, values) -> {
                Map<String, String> l = new LinkedHashMap<>();
                values.forEach((source, value) -> l.put(source.label(), value));
                labelled.put(model, l);
            });
            return new EndpointHealth(reason == null, reason, h.nanos() / 1e9, served, modelsReason, checkedAt,
                    labelled, identityReason);
        });
    }

    /**
     * The native identity replies, one after another: one for the endpoint (TGI, llama.cpp; keyed {@code ""}) or one
     * per model (Triton).
     */
    private Future<Map<String, Reply>> natives(String base, Flavor flavor, String apiKey, List<String> models) {
        List<String> keys = ServedIdentity.nativePerEndpoint(flavor) ? List.of("") : models;
        Map<String, Reply> replies = new LinkedHashMap<>();
        Future<Void> chain = Future.succeededFuture();
        for (String key : keys) {
            chain = chain.compose(v -> get(Urls.join(base, ServedIdentity.nativePath(flavor, key)), apiKey, true)
                    .map(r -> {
                        replies.put(key, r);
                        return null;
                    }));
        }
        return chain.map(v -> replies);
    }

    /** Adds what the native replies said to {@code identity}; returns why one could not be read, or {@code null}. */
    private static String nativeIdentity(Flavor flavor, List<String> models, Map<String, Reply> replies,
                                         Map<String, Map<IdentitySource, String>> identity) {
        String why = null;
        for (Map.Entry<String, Reply> e : replies.entrySet()) {
            Reply r = e.getValue();
            String path = ServedIdentity.nativePath(flavor, e.getKey());
            Map<IdentitySource, String> read = r.ok() ? ServedIdentity.fromNative(flavor, r.body()) : Map.of();
            if (read.isEmpty() && why == null) {
                why = "GET " + path + ": " + (r.failure() != null ? r.failure() : !r.ok() ? "HTTP " + r.status()
                        : "no identity fields in the answer");
            }
            for (String model : e.getKey().isEmpty() ? models : List.of(e.getKey())) {
                identity.computeIfAbsent(model, m -> new EnumMap<>(IdentitySource.class)).putAll(read);
            }
        }
        return why;
    }

    /**
     * Fills {@code served}, and {@code identity} from each expected model's entry, from a model list reply; returns
     * why it could not, or {@code null}.
     */
    private static String served(Reply reply, List<String> expected, Map<String, Boolean> served,
                                 Map<String, Map<IdentitySource, String>> identity) {
        if (reply.failure() != null) {
            return reply.failure();
        }
        if (!reply.ok()) {
            return "HTTP " + reply.status();
        }
        Map<String, JsonObject> entries = modelEntries(reply.body());
        if (entries == null) {
            return "the model list is not JSON with data[].id";
        }
        for (String model : expected) {
            JsonObject entry = entries.get(model);
            served.put(model, entry != null);
            if (entry != null) {
                Map<IdentitySource, String> id = ServedIdentity.fromModelEntry(entry);
                if (!id.isEmpty()) {
                    identity.computeIfAbsent(model, m -> new EnumMap<>(IdentitySource.class)).putAll(id);
                }
            }
        }
        return null;
    }

    /** The entries of an OpenAI model list by {@code data[].id}, or {@code null} when the body is not one. */
    private static Map<String, JsonObject> modelEntries(Buffer body) {
        Object data;
        try {
            data = new JsonObject(body).getValue("data");
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
        if (!(data instanceof JsonArray array)) {
            return null;
        }
        Map<String, JsonObject> entries = new HashMap<>();
        for (Object entry : array) {
            if (entry instanceof JsonObject model && model.getValue("id") instanceof String id) {
                entries.putIfAbsent(id, model);
            }
        }
        return entries;
    }

    /** One GET with the whole exchange bounded by the timeout; the future always succeeds. */
    private Future<Reply> get(String uri, String apiKey, boolean keepBody) {
        long start = System.nanoTime();
        Promise<Reply> done = Promise.promise();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            if (done.tryComplete(Reply.failed("timeout after " + describe(timeout), start))) {
                reset(sent.get());
            }
        });
        done.future().onComplete(ar -> vertx.cancelTimer(timer));
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(uri)
                .setConnectTimeout(Math.max(1, timeout.toMillis()))
                .putHeader("accept", "application/json")
                .putHeader("user-agent", "llm-canary");
        if (apiKey != null && !apiKey.isEmpty()) {
            options.putHeader("authorization", "Bearer " + apiKey);
        }
        http.request(options).onComplete(ar -> {
            if (ar.failed()) {
                done.tryComplete(Reply.failed(TransportErrors.classify(ar.cause()).message(), start));
                return;
            }
            HttpClientRequest req = ar.result();
            sent.set(req);
            if (done.future().isComplete()) {
                req.reset(); // the timeout fired while connecting
                return;
            }
            req.response().onComplete(rar -> {
                if (rar.failed()) {
                    done.tryComplete(Reply.failed(TransportErrors.classify(rar.cause()).message(), start));
                } else {
                    read(rar.result(), req, keepBody, start, done);
                }
            });
            req.end().onFailure(e -> done.tryComplete(Reply.failed(TransportErrors.classify(e).message(), start)));
        });
        return done.future();
    }

    private static void read(HttpClientResponse resp, HttpClientRequest req, boolean keepBody, long start,
                             Promise<Reply> done) {
        int status = resp.statusCode();
        // Set before any reset below, or Vert.x logs the reset of an unhandled response as an error.
        resp.exceptionHandler(e -> done.tryComplete(Reply.failed(TransportErrors.describe(e), start)));
        if (status < 200 || status > 299) {
            // The status is the answer; drop the connection rather than read an error body of any size.
            done.tryComplete(new Reply(status, null, null, System.nanoTime() - start));
            req.reset();
            return;
        }
        String length = resp.getHeader("content-length");
        if (length != null && declaredTooLarge(length)) {
            done.tryComplete(Reply.failed(tooLarge(), start));
            req.reset();
            return;
        }
        Buffer body = Buffer.buffer();
        long[] received = {0};
        // All callbacks of one response run on its connection's event loop, so the counters need no locking.
        resp.handler(chunk -> {
            if (done.future().isComplete()) {
                return;
            }
            received[0] += chunk.length();
            if (received[0] > MAX_BODY_BYTES) {
                done.tryComplete(Reply.failed(tooLarge(), start));
                req.reset();
            } else if (keepBody) {
                body.appendBuffer(chunk);
            }
        });
        resp.endHandler(v -> done.tryComplete(new Reply(status, body, null, System.nanoTime() - start)));
    }

    private static boolean declaredTooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false; // the body is still counted as it arrives
        }
    }

    private static String tooLarge() {
        return "response body too large (over " + MAX_BODY_BYTES + " bytes)";
    }

    /** {@code 5 s} for whole seconds, else {@code 300 ms}. */
    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static void reset(HttpClientRequest req) {
        if (req != null) {
            req.reset();
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /**
     * What one GET got: a status (and, when kept, the body) or a transport failure.
     *
     * @param nanos from the start of the request to its end or failure
     */
    private record Reply(int status, Buffer body, String failure, long nanos) {
        static Reply failed(String failure, long start) {
            return new Reply(0, null, failure, System.nanoTime() - start);
        }

        boolean ok() {
            return failure == null && status >= 200 && status <= 299;
        }
    }
}
