package dev.llmcanary.guardrail;

/**
 * What a guardrail looks at: the assembled content text of the answer (reasoning excluded) and the
 * normalised finish reason ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}, or the
 * server's own value), which may be {@code null} when the server sent none.
 */
public record Answer(String text, String finishReason) {
}
