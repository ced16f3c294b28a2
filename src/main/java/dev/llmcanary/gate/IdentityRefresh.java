package dev.llmcanary.gate;

import dev.llmcanary.canary.Pool;

import java.util.concurrent.CompletionStage;

/**
 * Reads the candidate's identity from its endpoint checks now, before a gate that pins a source only those checks
 * read ({@code model_sha}, {@code model_root}, …): in the background they read it at most once per identity
 * interval, and a gate just after a deployment must not judge the weights the endpoint served before it. One check
 * per endpoint, sequential per server, {@code Connection: close}.
 */
@FunctionalInterface
public interface IdentityRefresh {

    /** Completes when every endpoint of {@code candidate} was checked (or its check failed); never fails. */
    CompletionStage<?> readNow(Pool candidate);

    /** Reads nothing (a gate then judges what the background checks last read). */
    IdentityRefresh NONE = pool -> java.util.concurrent.CompletableFuture.completedFuture(null);
}
