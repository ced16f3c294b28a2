package dev.llmcanary.canary.run;

/** Receives every finished run (metrics, log line, history). Called off the event loop, once per run. */
public interface RunSink {
    void accept(RunResult result);
}
