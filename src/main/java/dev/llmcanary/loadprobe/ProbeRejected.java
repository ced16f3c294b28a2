package dev.llmcanary.loadprobe;

import dev.llmcanary.canary.Refusal;

/** A load-probe request that cannot be honoured, and why in the domain's words; the API maps it to a status. */
public class ProbeRejected extends RuntimeException {

    private final Refusal refusal;

    public ProbeRejected(Refusal refusal, String message) {
        super(message);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}
