package dev.llmcanary.loadprobe.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a prompt size from the plan's context-bucket mix and cuts a synthetic prompt of about that many tokens
 * (about four characters per token) from one prebuilt text, so building a request allocates one substring. A cap
 * ({@code maxPromptTokens}) keeps every bucket within a small server context; explicit prompts replace the mix.
 */
final class Prompts {

    private static final String WORDS = "the quick brown fox jumps over the lazy dog while the canary sings ";
    private final String text;
    private final List<Plan.PromptShare> mix;
    private final double totalWeight;
    private final int cap;
    private final List<String> explicit;

    Prompts(List<Plan.PromptShare> mix) {
        this(mix, null, List.of());
    }

    Prompts(List<Plan.PromptShare> mix, Integer maxPromptTokens, List<String> explicit) {
        this.mix = mix;
        this.explicit = List.copyOf(explicit);
        this.totalWeight = mix.stream().mapToDouble(Plan.PromptShare::weight).sum();
        this.cap = maxPromptTokens == null ? Integer.MAX_VALUE : maxPromptTokens;
        int maxTokens = Math.min(cap, mix.stream().mapToInt(p -> range(p.bucket())[1]).max().orElse(1024));
        this.text = WORDS.repeat(maxTokens * 4 / WORDS.length() + 1);
    }

    String next(SplittableRandom random) {
        if (!explicit.isEmpty()) {
            return explicit.get(random.nextInt(explicit.size()));
        }
        double pick = random.nextDouble() * totalWeight;
        Plan.PromptShare chosen = mix.get(mix.size() - 1);
        for (Plan.PromptShare p : mix) {
            pick -= p.weight();
            if (pick < 0) {
                chosen = p;
                break;
            }
        }
        int[] r = range(chosen.bucket());
        int high = Math.min(r[1], cap);
        int low = Math.min(r[0], high);
        int tokens = low + random.nextInt(high - low + 1);
        return text.substring(0, tokens * 4);
    }

    /** Prompt tokens [min, max] of a bucket (the same edges as the canaries' context buckets). */
    static int[] range(String bucket) {
        return switch (bucket) {
            case "<=1k" -> new int[] {16, 1024};
            case "1k-4k" -> new int[] {1025, 4096};
            case "4k-16k" -> new int[] {4097, 16384};
            case ">16k" -> new int[] {16385, 24576};
            default -> throw new IllegalArgumentException("unknown context bucket " + bucket);
        };
    }
}
