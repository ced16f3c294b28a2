package dev.llmcanary.stream;

/**
 * What one decoded event says about one choice, whatever the flavor; {@code null} means "not in this event".
 *
 * @param content      content text delta ({@code ""} counts as no content)
 * @param reasoning    reasoning text delta ({@code reasoning_content} or {@code reasoning})
 * @param toolCall     whether the event carried a (possibly partial) tool call
 * @param choiceIndex  the choice this delta belongs to ({@code null}: not choice-specific, e.g. a usage-only chunk)
 * @param sequence     the flavor's own ordering number (TGI {@code index}, Triton {@code sequence_index},
 *                     llama.cpp {@code tokens_predicted}), if sent
 * @param role         the role, if sent
 * @param id           the response id, if sent
 * @param finishReason the finish reason exactly as the server sent it
 * @param usage        token counts, if sent
 * @param error        an error message the server put into the stream
 * @param done         whether this is the {@code [DONE]} sentinel
 * @param last         whether the flavor marks this event as its final one (llama.cpp {@code stop: true}, TGI {@code details})
 * @param model        the model the server says answered (OpenAI {@code model}, Triton {@code model_name}, llama.cpp's
 *                     final {@code model}), as sent: the target's text, bounded and cleaned by whoever keeps it
 */
public record StreamDelta(String content, String reasoning, boolean toolCall, Integer choiceIndex, Long sequence,
                          String role, String id, String finishReason, Usage usage, String error, boolean done,
                          boolean last, String model, String systemFingerprint) {

    /** A delta that names no system fingerprint. */
    public StreamDelta(String content, String reasoning, boolean toolCall, Integer choiceIndex, Long sequence,
                       String role, String id, String finishReason, Usage usage, String error, boolean done,
                       boolean last, String model) {
        this(content, reasoning, toolCall, choiceIndex, sequence, role, id, finishReason, usage, error, done, last,
                model, null);
    }

    /** A delta that names no model. */
    public StreamDelta(String content, String reasoning, boolean toolCall, Integer choiceIndex, Long sequence,
                       String role, String id, String finishReason, Usage usage, String error, boolean done,
                       boolean last) {
        this(content, reasoning, toolCall, choiceIndex, sequence, role, id, finishReason, usage, error, done, last,
                null);
    }

    /** The {@code [DONE]} sentinel. */
    public static final StreamDelta DONE = new StreamDelta(null, null, false, null, null, null, null, null, null, null,
            true, false);

    /** An error the server put into the stream. */
    public static StreamDelta error(String message) {
        return new StreamDelta(null, null, false, null, null, null, null, null, null, message, false, false);
    }

    /** Whether the event carries generated output: content, reasoning or a tool call. Role-only or empty ones do not. */
    public boolean tokenBearing() {
        return toolCall || (content != null && !content.isEmpty()) || (reasoning != null && !reasoning.isEmpty());
    }
}
