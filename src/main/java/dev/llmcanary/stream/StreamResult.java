package dev.llmcanary.stream;

import java.util.List;

/**
 * Everything one stream produced, once it is over.
 *
 * @param trace          timestamps
 * @param violations     broken rules, in detection order
 * @param content        assembled content text (for guardrails; never logged)
 * @param reasoning      assembled reasoning text, if any (never logged)
 * @param toolCallChunks chunks that carried a tool call delta
 * @param finishReason   normalised finish reason ({@code stop}, {@code length}, {@code tool_calls},
 *                       {@code content_filter}) or the server's own value; {@code null} when none arrived
 * @param rawFinishReason the finish reason as the server sent it (e.g. TGI's {@code eos_token}), or {@code null}
 * @param usage          the last usage the server reported, or {@code null}
 * @param responseId     the response id, if the flavor has one
 * @param httpStatus     the response status, or 0 when no headers arrived
 * @param bytes          body bytes received
 * @param events         SSE data events received
 * @param aborted        whether the engine cut the stream short (stall abort, oversize)
 * @param ended          how the stream ended, and so whether the answer is complete
 * @param responseModel  the model the stream named first (OpenAI {@code model}, Triton {@code model_name}, llama.cpp's
 *                       {@code model}), at most {@link #MAX_MODEL_CHARS} characters as sent (the target's text,
 *                       uncleaned); {@code null} when the flavor or server names none
 * @param systemFingerprint the {@code system_fingerprint} the stream named first (OpenAI dialects: what the server
 *                       says it runs), at most {@link #MAX_MODEL_CHARS} characters as sent (uncleaned); {@code null}
 *                       when none
 */
public record StreamResult(StreamTrace trace, List<Violation> violations, String content, String reasoning,
                           int toolCallChunks, String finishReason, String rawFinishReason, Usage usage,
                           String responseId, int httpStatus, long bytes, int events, boolean aborted,
                           StreamEnd ended, String responseModel, String systemFingerprint) {

    /** Longer model names are cut: a name is an identifier, and the target's text is bounded wherever it is kept. */
    public static final int MAX_MODEL_CHARS = 256;

    /** A result whose stream named no system fingerprint. */
    public StreamResult(StreamTrace trace, List<Violation> violations, String content, String reasoning,
                        int toolCallChunks, String finishReason, String rawFinishReason, Usage usage,
                        String responseId, int httpStatus, long bytes, int events, boolean aborted,
                        StreamEnd ended, String responseModel) {
        this(trace, violations, content, reasoning, toolCallChunks, finishReason, rawFinishReason, usage, responseId,
                httpStatus, bytes, events, aborted, ended, responseModel, null);
    }

    /** A result whose stream named no model. */
    public StreamResult(StreamTrace trace, List<Violation> violations, String content, String reasoning,
                        int toolCallChunks, String finishReason, String rawFinishReason, Usage usage,
                        String responseId, int httpStatus, long bytes, int events, boolean aborted,
                        StreamEnd ended) {
        this(trace, violations, content, reasoning, toolCallChunks, finishReason, rawFinishReason, usage, responseId,
                httpStatus, bytes, events, aborted, ended, null);
    }
}
