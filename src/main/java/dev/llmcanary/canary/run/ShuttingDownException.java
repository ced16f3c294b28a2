package dev.llmcanary.canary.run;

/** A run was asked for after the service began to shut down: it is not started. */
public final class ShuttingDownException extends IllegalStateException {

    public ShuttingDownException() {
        super("llm-canary is shutting down; no new run starts");
    }
}
