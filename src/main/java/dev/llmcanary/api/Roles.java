package dev.llmcanary.api;

/**
 * The API's two permissions, each granted by one configured bearer token ({@link TokenAuthentication}). Reading
 * stays open; {@link #TRIGGER} starts work on targets (canary runs, pool checks, gates), {@link #ADMIN} runs load
 * probes and implies {@link #TRIGGER}.
 */
public final class Roles {

    /** Granted by {@code llm-canary.api.token} (and by the admin token). */
    public static final String TRIGGER = "trigger";
    /** Granted by {@code llm-canary.api.admin-token}. */
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
