package dev.llmcanary.canary.run;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Message;
import dev.llmcanary.canary.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@link UntrustedText} for each canary under the current catalog. The pools' key values are read once per catalog
 * snapshot (a reload or a discovery change builds a new snapshot, so keys are re-read then); a canary's prompt runs
 * are built once per canary and snapshot. Thread-safe; the values are never logged.
 */
final class UntrustedTexts {

    /** Header names whose values are credentials (Authorization, X-Api-Key, a session cookie, …). */
    static final java.util.regex.Pattern CREDENTIAL_HEADER = java.util.regex.Pattern.compile(
            "auth|key|token|secret|cookie|session|passw|credential", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** A bound on cached canaries per snapshot, for callers that build a fresh definition per run. */
    private static final int MAX_CACHED = 512;

    private final Function<String, String> secrets;
    private volatile State state;

    /** @param secrets reads a pool's key from the environment variable it names */
    UntrustedTexts(Function<String, String> secrets) {
        this.secrets = secrets;
    }

    private record State(Catalog catalog, List<String> keys, Map<CanaryDefinition, UntrustedText> byCanary) {
    }

    /** The cleaner for a run of {@code canary}, knowing every configured key and the canary's prompt and headers. */
    UntrustedText of(Catalog catalog, CanaryDefinition canary) {
        State s = state;
        if (s == null || s.catalog() != catalog) {
            s = new State(catalog, keys(catalog), new ConcurrentHashMap<>());
            state = s;
        }
        if (s.byCanary().size() >= MAX_CACHED) {
            s.byCanary().clear();
        }
        List<String> keys = s.keys();
        return s.byCanary().computeIfAbsent(canary, c -> build(keys, c));
    }

    private List<String> keys(Catalog catalog) {
        List<String> keys = new ArrayList<>();
        for (Pool pool : catalog.pools()) {
            if (pool.apiKeyEnv() != null) {
                String value = secrets.apply(pool.apiKeyEnv());
                if (value != null) {
                    keys.add(value);
                }
            }
        }
        return List.copyOf(keys);
    }

    private static UntrustedText build(List<String> keys, CanaryDefinition canary) {
        List<String> secrets = new ArrayList<>(keys);
        if (canary.headers() != null) {
            // a gateway that echoes headers echoes these too; only credential-like headers are secrets, or a plain
            // value such as "x-sim-fault: buffered" would blank that word out of every reason
            canary.headers().forEach((name, value) -> {
                if (CREDENTIAL_HEADER.matcher(name).find()) {
                    secrets.add(value);
                }
            });
        }
        List<String> prompts = new ArrayList<>();
        if (canary.prompt() != null) {
            prompts.add(canary.prompt());
        }
        if (canary.messages() != null) {
            for (Message m : canary.messages()) {
                prompts.add(m.content());
            }
        }
        return UntrustedText.of(secrets, prompts);
    }
}
