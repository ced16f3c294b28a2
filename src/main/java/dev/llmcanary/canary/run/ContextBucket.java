package dev.llmcanary.canary.run;

/** The discretised context size of a request (reference §18.3): a low-cardinality stand-in for prompt length. */
public final class ContextBucket {

    private ContextBucket() {
    }

    public static String of(int promptTokens) {
        if (promptTokens <= 1024) {
            return "<=1k";
        }
        if (promptTokens <= 4096) {
            return "1k-4k";
        }
        if (promptTokens <= 16384) {
            return "4k-16k";
        }
        return ">16k";
    }

    /** Without usage, about four characters per token is the usual estimate for English text. */
    public static int estimateTokens(int promptChars) {
        return (promptChars + 3) / 4;
    }
}
