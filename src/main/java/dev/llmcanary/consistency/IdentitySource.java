package dev.llmcanary.consistency;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a piece of an endpoint's identity was read. A fixed set from code, so its {@link #label()} may be a metric
 * label ({@code source} of {@code llm_canary_model_identity_changes_total}) and a configuration key
 * ({@code expected_identity: {model_sha: …}}); the values themselves are the target's text and never labels.
 */
public enum IdentitySource {
    /** {@code system_fingerprint} of an OpenAI-compatible stream (the canary's own request). */
    FINGERPRINT(Origin.STREAM),
    /** The {@code Server} header of the canary's own stream response (software and often its version). */
    SERVER(Origin.STREAM),
    /** {@code root} of the model's {@code /v1/models} entry: vLLM's weights path or Hub id behind a served name. */
    MODEL_ROOT(Origin.CHECK),
    /** {@code owned_by} of the model's {@code /v1/models} entry ({@code vllm}, {@code sglang}, {@code llamacpp}, …). */
    OWNED_BY(Origin.CHECK),
    /** TGI {@code GET /info} {@code model_id}: the Hub id of the loaded weights. */
    MODEL_ID(Origin.CHECK),
    /** TGI {@code GET /info} {@code model_sha}: the Hub revision of the loaded weights. */
    MODEL_SHA(Origin.CHECK),
    /** The server's version: TGI {@code GET /info} {@code version}, llama.cpp {@code GET /props} {@code build_info}. */
    VERSION(Origin.CHECK),
    /** llama.cpp {@code GET /props} {@code model_path}: the GGUF file the server loaded. */
    MODEL_PATH(Origin.CHECK),
    /** Triton {@code GET /v2/models/{model}} {@code versions}: the model versions the repository serves. */
    MODEL_VERSION(Origin.CHECK),
    /** Triton {@code GET /v2/models/{model}} {@code platform}: the backend ({@code python}, {@code tensorrt_llm}, …). */
    PLATFORM(Origin.CHECK);

    /** Where a source's value comes from, which decides when it is read. */
    public enum Origin {
        /** Read from the canary's own stream response: every run, no extra request. */
        STREAM,
        /** Read by the background endpoint check ({@code /v1/models} every check, native routes now and then). */
        CHECK
    }

    private final Origin origin;

    IdentitySource(Origin origin) {
        this.origin = origin;
    }

    public Origin origin() {
        return origin;
    }

    /** The name in configuration, logs, the API and the {@code source} label, e.g. {@code model_sha}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<IdentitySource> fromLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }

    @Override
    public String toString() {
        return label();
    }
}
