package dev.llmcanary.canary;

/** Which kind of request a canary sends: chat {@code messages} or a plain {@code prompt}. */
public enum Api {
    /** YAML {@code chat}: needs a flavor that takes messages. */
    CHAT,
    /** YAML {@code completion}: needs a flavor that takes a prompt. */
    COMPLETION
}
