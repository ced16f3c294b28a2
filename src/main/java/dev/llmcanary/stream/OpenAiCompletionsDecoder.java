package dev.llmcanary.stream;

import java.util.List;

/** Decodes {@code /v1/completions} chunks: {@code choices[].text}. */
final class OpenAiCompletionsDecoder implements FlavorDecoder {
    @Override
    public List<StreamDelta> decode(String data) throws MalformedEventException {
        return OpenAiChunks.decode(data, false);
    }
}
