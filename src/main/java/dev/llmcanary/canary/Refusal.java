package dev.llmcanary.canary;

/**
 * Why the service refuses a request to start something (a gate, a load probe), in the domain's words; the API layer
 * alone decides which HTTP status says so ({@code api.Refusals}).
 */
public enum Refusal {
    /** The request names something wrong or asks for more than the limits allow. */
    INVALID,
    /** The request is well formed but this caller or suite may not do it. */
    FORBIDDEN,
    /** A thing the request names does not exist. */
    NOT_FOUND,
    /** It clashes with something already running. */
    CONFLICT,
    /** The configuration cannot satisfy it (a suite with no target on a pool). */
    UNSATISFIABLE,
    /** A cap is reached; try again later. */
    BUSY,
    /** The service cannot do it right now: no configuration yet, a store or runner missing. */
    UNAVAILABLE,
    /** Starting it failed for a reason of ours. */
    FAILED
}
