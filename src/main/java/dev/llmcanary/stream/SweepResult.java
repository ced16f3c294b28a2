package dev.llmcanary.stream;

/** What a periodic stall sweep found for one stream. */
public enum SweepResult {
    /** Nothing to do. */
    NONE,
    /** The current gap just crossed the stall threshold (reported once per gap). */
    STALL,
    /** The current gap crossed the hard limit: close the connection, the session is terminated. */
    ABORT
}
