package dev.llmcanary.stream;

import java.util.Arrays;
import java.util.Optional;

/**
 * The wire flavor of a streaming endpoint: which path is called, what the request body looks like and
 * how the SSE events are decoded. One decoder per flavor.
 */
public enum Flavor {
    /** {@code /v1/chat/completions}: vLLM, TGI Messages API, llama.cpp server, SGLang, Triton's OpenAI frontend, Ollama. */
    OPENAI_CHAT("openai-chat", "/v1/chat/completions", true, true),
    /** {@code /v1/completions}. */
    OPENAI_COMPLETIONS("openai-completions", "/v1/completions", true, false),
    /** TGI {@code /generate_stream}: {@code token.text}, {@code token.special}, {@code details}; never sends {@code [DONE]}. */
    TGI_GENERATE("tgi-generate", "/generate_stream", false, false),
    /** Triton {@code /v2/models/{model}/generate_stream}: {@code text_output}; never sends {@code [DONE]}. */
    TRITON_GENERATE("triton-generate", "/v2/models/{model}/generate_stream", false, false),
    /** llama.cpp {@code /completion} with {@code stream: true}: {@code content}, {@code stop}, {@code timings}; never sends {@code [DONE]}. */
    LLAMACPP_COMPLETION("llamacpp-completion", "/completion", false, false);

    private final String id;
    private final String pathTemplate;
    private final boolean sendsDone;
    private final boolean chat;

    Flavor(String id, String pathTemplate, boolean sendsDone, boolean chat) {
        this.id = id;
        this.pathTemplate = pathTemplate;
        this.sendsDone = sendsDone;
        this.chat = chat;
    }

    /** The name used in configuration and labels, e.g. {@code openai-chat}. */
    public String id() {
        return id;
    }

    /** The request path; {@code {model}} is replaced by the model name where the flavor routes by path. */
    public String path(String model) {
        return pathTemplate.replace("{model}", model);
    }

    /** Whether a healthy server of this flavor ends its stream with {@code data: [DONE]} ({@code require_done: auto}). */
    public boolean sendsDone() {
        return sendsDone;
    }

    /** Whether the flavor takes chat {@code messages}; the others take a plain {@code prompt}. */
    public boolean chat() {
        return chat;
    }

    /** Whether the flavor is one of the OpenAI-compatible APIs (accepts {@code stream_options.include_usage}). */
    public boolean openAi() {
        return this == OPENAI_CHAT || this == OPENAI_COMPLETIONS;
    }

    public static Optional<Flavor> fromId(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
