package dev.llmcanary.stream;

/** Token counts as the server reported them; either may be {@code null} when the server did not say. */
public record Usage(Integer promptTokens, Integer completionTokens) {
}
