package dev.llmcanary.stream;

import java.util.List;

/**
 * Reads one flavor's SSE events into {@link StreamDelta}s. One instance per stream: a decoder may keep state (Triton's
 * cumulative text). The {@code [DONE]} sentinel and {@code event: error} are handled before a decoder is asked.
 */
public interface FlavorDecoder {

    /**
     * Decodes one event's data.
     *
     * @return one delta per choice in the event (usually one); never empty
     * @throws MalformedEventException when the data is not the JSON object the flavor sends
     */
    List<StreamDelta> decode(String data) throws MalformedEventException;

    /** A fresh decoder for the stream described by {@code options}. */
    static FlavorDecoder of(StreamOptions options) {
        return switch (options.flavor()) {
            case OPENAI_CHAT -> new OpenAiChatDecoder();
            case OPENAI_COMPLETIONS -> new OpenAiCompletionsDecoder();
            case TGI_GENERATE -> new TgiGenerateDecoder();
            case TRITON_GENERATE -> new TritonGenerateDecoder(options.cumulative());
            case LLAMACPP_COMPLETION -> new LlamaCppCompletionDecoder();
        };
    }
}
