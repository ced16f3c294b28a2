package dev.llmcanary.api;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The JSON request bodies of the gate operations, as the OpenAPI document shows them. The bodies are read by hand
 * ({@link GateRequests}, {@link FlaggerWebhook}) for exact, located errors; the fields those readers accept are taken
 * from these records ({@link #fields}), so the documented schema and the accepted fields cannot drift apart.
 */
public final class ApiSchemas {

    private ApiSchemas() {
    }

    /** The accepted field names of a body record, in declaration order (the order error messages list them in). */
    static List<String> fields(Class<? extends Record> body) {
        return Arrays.stream(body.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName).toList();
    }

    /** The body of {@code POST /api/gates}. */
    @Schema(name = "GateStartRequest", additionalProperties = Schema.False.class,
            description = "Gate a candidate pool against a baseline with a configured suite. Unknown fields are refused"
                    + " (400): targets are configured pools and endpoints, named, never URLs.")
    public record GateStart(
            @Schema(required = true, pattern = CanaryResource.NAME, description = "a gate suite of gates.yaml")
            String suite,
            @Schema(required = true) GateCandidate candidate,
            @Schema(description = "what to compare with; none: only the suite's absolute criteria are judged")
            GateBaseline baseline,
            @Schema(description = "the suite's run plan, within llm-canary.gates limits") GateOverrides overrides,
            @Schema(pattern = "[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}",
                    description = "the same key answers with the gate it started instead of starting another")
            String idempotencyKey,
            @Schema(description = "what the candidate must report it serves, by source: fingerprint, server,"
                    + " model_root, owned_by, model_id, model_sha, version, model_path, model_version, platform"
                    + " (those its flavor reports; 400 otherwise), e.g. {\"model_sha\": \"5f2b0e1c\"}. Adds the"
                    + " criterion identity: fail when a candidate run reports another value (expected and observed"
                    + " are named), inconclusive when none reports one. Values are identifiers"
                    + " ([A-Za-z0-9_.:+/-]{1,128}); text that is none is compared as its sha256: prefix")
            Map<String, String> identity) {
    }

    /** {@code candidate} of a gate. */
    @Schema(additionalProperties = Schema.False.class)
    public record GateCandidate(
            @Schema(required = true, pattern = CanaryResource.NAME, description = "a configured pool") String pool,
            @Schema(description = "only these configured endpoints of the pool (default: all)")
            List<String> endpoints) {
    }

    /** {@code baseline} of a gate: exactly one of {@code gate}, or {@code pool} and/or {@code window}. */
    @Schema(additionalProperties = Schema.False.class, description = "{\"pool\": p} runs the suite on pool p too;"
            + " {\"gate\": id} compares with a finished gate's runs; {\"window\": \"1h\", \"pool\"?: p} with stored"
            + " scheduled runs of that window")
    public record GateBaseline(
            @Schema(pattern = CanaryResource.NAME) String pool,
            @Schema(pattern = "[A-Za-z0-9][A-Za-z0-9-]{0,63}") String gate,
            @Schema(type = SchemaType.STRING, description = "30s, 5m, 1h, 7d or a number of seconds") String window) {
    }

    /** {@code overrides} of a gate. */
    @Schema(additionalProperties = Schema.False.class)
    public record GateOverrides(
            @Schema(minimum = "1", description = "runs per side, at most llm-canary.gates.max-repetitions")
            Integer repetitions,
            @Schema(minimum = "1", description = "runs at once, at most llm-canary.gates.max-concurrency")
            Integer concurrency,
            @Schema(type = SchemaType.STRING, description = "30s, 5m, 1h or a number of seconds; at most"
                    + " llm-canary.gates.max-deadline") String deadline) {
    }

    /** The body Flagger POSTs to {@code /api/gates/flagger}. */
    @Schema(name = "FlaggerWebhookRequest", additionalProperties = Schema.False.class,
            description = "Flagger's webhook payload; the gate is configured in the webhook's metadata")
    public record FlaggerHook(
            @Schema(required = true, pattern = "[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?") String name,
            @Schema(required = true, pattern = "[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?") String namespace,
            @Schema(description = "Flagger's canary phase") String phase,
            @Schema(pattern = "[A-Za-z0-9]{1,64}", description = "the canary revision; required for mode active")
            String checksum,
            @Schema(description = "the hook type, for callers that send it (pre-rollout: active, rollout: passive)")
            String type,
            @Schema(required = true) FlaggerMetadata metadata) {
    }

    /** The {@code metadata} map of a Flagger webhook: strings only. */
    @Schema(additionalProperties = Schema.False.class)
    public record FlaggerMetadata(
            @Schema(pattern = CanaryResource.NAME, description = "default flagger-pre-rollout") String suite,
            @Schema(required = true, pattern = CanaryResource.NAME, description = "the configured candidate pool")
            String pool,
            @Schema(description = "comma-separated configured endpoint names") String endpoints,
            @Schema(pattern = CanaryResource.NAME, description = "a baseline pool") String baseline,
            @Schema(pattern = "[A-Za-z0-9][A-Za-z0-9-]{0,63}", description = "a finished gate as the baseline")
            String baselineGate,
            @Schema(description = "stored-run window, default 10m") String window,
            @Schema(enumeration = {"active", "passive"}, description = "active runs a gate now (pre-rollout);"
                    + " passive evaluates stored runs (rollout); required unless type says")
            String mode,
            @Schema(description = "the trigger token, when Flagger cannot send an Authorization header")
            String token) {
    }
}
