package dev.llmcanary.stream;

import java.util.List;

/** Decodes {@code /v1/completions} chunks: {@code choices[].text}. */
final class OpenAiCompletionsDecoder implements FlavorDecoder {
    private boolean modelSeen;

    @Override
    public List<StreamDelta> decode(String data) throws MalformedEventException {
        List<StreamDelta> deltas = OpenAiChunks.decode(data, false, !modelSeen);
        modelSeen = modelSeen || deltas.get(0).model() != null;
        return deltas;
    }
}
