package dev.llmcanary.simulator;

/**
 * How generation ended, for wires that send a separate finish chunk.
 *
 * @param reason      "stop" or "length"
 * @param stopMatch   the stop string that matched, or null
 * @param reportUsage whether the finish chunk shows usage
 */
record Finish(String reason, String stopMatch, String fullText, TokenCounts counts, boolean reportUsage,
              boolean idChanged, long promptMs, long predictedMs) {
}
