package dev.llmcanary.canary;

/** Whether a pool's streams must end with {@code data: [DONE]}; {@code AUTO} follows the flavor. */
public enum RequireDone {
    AUTO,
    TRUE,
    FALSE
}
