package dev.llmcanary.stream;

import java.util.List;

/** Decodes {@code /v1/chat/completions} chunks: {@code choices[].delta} with content, reasoning, role and tool calls. */
final class OpenAiChatDecoder implements FlavorDecoder {
    @Override
    public List<StreamDelta> decode(String data) throws MalformedEventException {
        return OpenAiChunks.decode(data, true);
    }
}
