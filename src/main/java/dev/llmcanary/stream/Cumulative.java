package dev.llmcanary.stream;

/** Whether a flavor's text field carries a delta or the whole text so far (Triton {@code text_output} can do either). */
public enum Cumulative {
    /** Detect from the stream: text that repeats and extends everything received so far is cumulative. */
    AUTO,
    DELTA,
    CUMULATIVE
}
