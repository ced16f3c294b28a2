package dev.llmcanary.loadprobe;

import java.util.Locale;

/**
 * Where a load probe is: {@code running} until its runner (or Job) ends, then {@code done} with results,
 * {@code cancelled} (asked to stop, or the runner aborted it as cancelled) or {@code failed} (no summary came back).
 * Stored and shown by {@link #id()}.
 */
public enum ProbeState {
    RUNNING, DONE, CANCELLED, FAILED;

    /** The stored and API name: {@code running}, {@code done}, {@code cancelled}, {@code failed}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
