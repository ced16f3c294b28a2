package dev.llmcanary.gate;

/**
 * Why a gate cannot start, with the HTTP status that says so: 400 bad names or overrides, 404 an unknown baseline
 * gate, 409 a baseline gate still running, 422 a suite that has no target on a pool, 429 the pool's gate cap, 503 no
 * configuration or database.
 *
 * @param retryAfterSeconds for 429, when to try again
 */
public final class GateRejected extends RuntimeException {

    private final int status;
    private final Long retryAfterSeconds;

    public GateRejected(int status, String detail) {
        this(status, detail, null);
    }

    public GateRejected(int status, String detail, Long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
