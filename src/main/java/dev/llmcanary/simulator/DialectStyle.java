package dev.llmcanary.simulator;

/**
 * The quirks of one server's OpenAI-compatible stream, one row per dialect.
 *
 * @param chatObject      the "object" of chat chunks
 * @param emptyId         TGI sends {@code "id":""}
 * @param roleChunk       a role-only first chunk by default
 * @param roleEvery       {@code "role":"assistant"} in every delta
 * @param usageNull       {@code "usage":null} on chunks that do not report usage
 * @param stopReason      vLLM's {@code stop_reason} on the finish chunk
 * @param matchedStop     SGLang's {@code matched_stop} on the finish chunk
 * @param reasoningField  the delta field for reasoning tokens, or null when not supported
 * @param finishOnLast    finish_reason on the last content chunk, no finish chunk of its own
 * @param done            ends with {@code data: [DONE]}
 * @param emptyEvery      an empty-content chunk before every n-th token chunk (0 never)
 * @param eosReason       the finish_reason of a natural stop
 * @param fingerprint     system_fingerprint, or null to leave it out
 * @param usageWhenAsked  how usage is reported when the request asks for it and the profile does not say
 */
record DialectStyle(String prefix, String chatObject, boolean emptyId, boolean roleChunk, boolean roleEvery,
                    boolean usageNull, boolean stopReason, boolean matchedStop, String reasoningField,
                    boolean finishOnLast, boolean done, int emptyEvery, String eosReason, String fingerprint,
                    UsageMode usageWhenAsked) {

    private static final String CHUNK = "chat.completion.chunk";

    /** This style reporting {@code fp} as its {@code system_fingerprint} (the {@code fingerprint:} fault). */
    DialectStyle withFingerprint(String fp) {
        return fp == null ? this : new DialectStyle(prefix, chatObject, emptyId, roleChunk, roleEvery, usageNull,
                stopReason, matchedStop, reasoningField, finishOnLast, done, emptyEvery, eosReason, fp,
                usageWhenAsked);
    }

    static DialectStyle of(Dialect dialect) {
        return switch (dialect) {
            case OPENAI, TRITON_CUMULATIVE -> new DialectStyle("data: ", CHUNK, false, true, false, false, false,
                    false, null, false, true, 0, "stop", "fp_sim", UsageMode.SEPARATE);
            case VLLM -> new DialectStyle("data: ", CHUNK, false, true, false, true, true, false,
                    "reasoning_content", false, true, 0, "stop", null, UsageMode.SEPARATE);
            case TGI_2 -> new DialectStyle("data:", "text_completion", true, false, true, false, false, false,
                    null, true, false, 0, "eos_token", "2.0.4-native", UsageMode.SEPARATE);
            case TGI_3 -> new DialectStyle("data: ", CHUNK, true, false, true, false, false, false, null, true,
                    true, 0, "stop", "3.0.1-native", UsageMode.SEPARATE);
            case LLAMACPP -> new DialectStyle("data: ", CHUNK, false, true, false, false, false, false, null,
                    false, true, 5, "stop", "b4500", UsageMode.SEPARATE);
            case SGLANG -> new DialectStyle("data: ", CHUNK, false, true, false, false, false, true,
                    "reasoning_content", false, true, 0, "stop", null, UsageMode.SEPARATE);
            case OLLAMA -> new DialectStyle("data: ", CHUNK, false, false, true, false, false, false, "reasoning",
                    false, true, 0, "stop", "fp_ollama", UsageMode.FINAL);
        };
    }
}
