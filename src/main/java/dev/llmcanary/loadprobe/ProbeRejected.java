package dev.llmcanary.loadprobe;

/** A load-probe request that cannot be honoured; {@code status} is the HTTP status the API answers with. */
public class ProbeRejected extends RuntimeException {

    private final int status;

    public ProbeRejected(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
