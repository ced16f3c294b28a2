package dev.llmcanary.simulator;

import java.util.List;
import java.util.Optional;

/** The simulator's ground truth for one request: when it arrived, when headers and each chunk were written. */
public record RecordedRequest(String requestId, String model, String route, long receivedNanos,
                              long headersWrittenNanos, List<RecordedChunk> chunks) {

    public RecordedRequest {
        chunks = List.copyOf(chunks);
    }

    /** The first chunk that carried generated text (reasoning or content), if any was written. */
    public Optional<RecordedChunk> firstToken() {
        for (RecordedChunk c : chunks) {
            if (c.kind() == ChunkKind.TOKEN) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
