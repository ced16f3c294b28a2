package dev.llmcanary.stream;

/** Maps the finish reasons servers actually send onto OpenAI's set, so results compare across flavors. */
public final class FinishReasons {
    private FinishReasons() {
    }

    /**
     * {@code eos_token}, {@code stop_sequence}, {@code eos}, {@code word} → {@code stop}; {@code max_tokens},
     * {@code limit} → {@code length}; {@code function_call} → {@code tool_calls}; anything else is kept as sent.
     */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        return switch (raw) {
            case "stop", "eos_token", "stop_sequence", "eos", "word" -> "stop";
            case "length", "max_tokens", "limit" -> "length";
            case "tool_calls", "function_call" -> "tool_calls";
            default -> raw;
        };
    }
}
