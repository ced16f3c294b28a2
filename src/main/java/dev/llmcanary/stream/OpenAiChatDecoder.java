package dev.llmcanary.stream;

import java.util.List;

/** Decodes {@code /v1/chat/completions} chunks: {@code choices[].delta} with content, reasoning, role and tool calls. */
final class OpenAiChatDecoder implements FlavorDecoder {
    private boolean modelSeen;

    @Override
    public List<StreamDelta> decode(String data) throws MalformedEventException {
        List<StreamDelta> deltas = OpenAiChunks.decode(data, true, !modelSeen);
        modelSeen = modelSeen || deltas.get(0).model() != null;
        return deltas;
    }
}
