package dev.llmcanary.canary.run;

/**
 * Token figures of one run.
 *
 * @param output          from usage, or the count of token-bearing chunks
 * @param outputEstimated true when the server reported no usage and {@code output} is a chunk count
 * @param tokenChunks     token-bearing chunks received
 * @param prompt          prompt tokens from usage, {@code null} when not reported
 * @param contextBucket   {@code <=1k}, {@code 1k-4k}, {@code 4k-16k} or {@code >16k}
 */
public record TokenCounts(int output, boolean outputEstimated, int tokenChunks, Integer prompt, String contextBucket) {
}
