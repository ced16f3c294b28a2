package dev.llmcanary.gate;

import dev.llmcanary.canary.Refusal;

/**
 * Why a gate cannot start: {@link Refusal#INVALID} bad names or overrides, {@code NOT_FOUND} an unknown baseline gate,
 * {@code CONFLICT} a baseline gate still running, {@code UNSATISFIABLE} a suite that has no target on a pool,
 * {@code BUSY} the pool's gate cap, {@code UNAVAILABLE} no configuration or database. The API maps it to a status.
 *
 * @param retryAfterSeconds for {@code BUSY}, when to try again
 */
public final class GateRejected extends RuntimeException {

    private final Refusal refusal;
    private final Long retryAfterSeconds;

    public GateRejected(Refusal refusal, String detail) {
        this(refusal, detail, null);
    }

    public GateRejected(Refusal refusal, String detail, Long retryAfterSeconds) {
        super(detail);
        this.refusal = refusal;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Refusal refusal() {
        return refusal;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
