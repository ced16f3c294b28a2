package dev.llmcanary.simulator;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * What the simulator says it serves, where real servers say it: TGI's {@code GET /info}, llama.cpp server's
 * {@code GET /props}, Triton's model metadata {@code GET /v2/models/{model}}, the {@code root} of each
 * {@code /v1/models} entry (as vLLM reports the weights behind a served name) and the {@code Server} header of every
 * response. The model profile's faults change them ({@code model_root:}, {@code model_sha:}, {@code model_version:},
 * {@code server:}), so a test can play a deployment that swapped the weights behind an unchanged name.
 */
final class IdentityRoutes {

    static final String MODEL_ROOT = "model_root";
    static final String MODEL_SHA = "model_sha";
    static final String MODEL_VERSION = "model_version";
    static final String SERVER = "server";

    /** What the simulator reports when no fault says otherwise. */
    static final String DEFAULT_SERVER = "llm-canary-simulator";
    static final String DEFAULT_SHA = "0000000000000000000000000000000000000000";
    static final String DEFAULT_VERSION = "1";
    static final String TGI_VERSION = "3.0.1-sim";
    static final String LLAMACPP_BUILD = "b0000-sim";
    private static final String TRITON_PREFIX = "/v2/models/";

    private final SimulatorConfig config;

    IdentityRoutes(SimulatorConfig config) {
        this.config = config;
    }

    /** The {@code Server} header of every response: the first model's {@code server:} fault, else the default. */
    String server() {
        return first(SERVER, config.models().keySet().iterator().next(), DEFAULT_SERVER);
    }

    /** The weights path behind a served name ({@code /v1/models} {@code root}, TGI's model id, llama.cpp's file). */
    String root(String model) {
        return first(MODEL_ROOT, model, "/models/" + model);
    }

    /**
     * Answers an identity route and returns {@code true}, or returns {@code false} when the request is none.
     *
     * @param defaultModel the model a native route serves when it names none (TGI and llama.cpp serve one model)
     */
    boolean handle(HttpServerRequest req, java.util.function.Function<Route, String> defaultModel) {
        if (req.method() != HttpMethod.GET) {
            return false;
        }
        String path = req.path();
        if (path.equals("/info")) {
            String model = defaultModel.apply(Route.TGI);
            json(req, 200, new JsonObject().put("model_id", root(model))
                    .put("model_sha", first(MODEL_SHA, model, DEFAULT_SHA)).put("model_dtype", "torch.float16")
                    .put("model_device_type", "cuda").put("max_concurrent_requests", 128)
                    .put("version", TGI_VERSION).putNull("sha").putNull("docker_label"));
            return true;
        }
        if (path.equals("/props")) {
            String model = defaultModel.apply(Route.LLAMACPP);
            json(req, 200, new JsonObject().put("model_path", root(model)).put("build_info", LLAMACPP_BUILD)
                    .put("total_slots", 1)
                    .put("default_generation_settings", new JsonObject().put("n_ctx", 4096)));
            return true;
        }
        if (path.startsWith(TRITON_PREFIX) && path.indexOf('/', TRITON_PREFIX.length()) < 0
                && path.length() > TRITON_PREFIX.length()) {
            String model = path.substring(TRITON_PREFIX.length());
            if (!config.models().containsKey(model)) {
                json(req, 404, new JsonObject().put("error", "Request for unknown model: '" + model
                        + "' is not found"));
                return true;
            }
            json(req, 200, new JsonObject().put("name", model)
                    .put("versions", new JsonArray().add(first(MODEL_VERSION, model, DEFAULT_VERSION)))
                    .put("platform", "python").put("inputs", new JsonArray()).put("outputs", new JsonArray()));
            return true;
        }
        return false;
    }

    /** The model profile's identity fault {@code name}, or {@code fallback}. */
    private String first(String name, String model, String fallback) {
        SimProfile p = config.models().get(model);
        if (p == null) {
            return fallback;
        }
        Map<String, String> identity = Faults.parse(List.copyOf(p.faults())).identity();
        return identity.getOrDefault(name, fallback);
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
