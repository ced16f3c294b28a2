package dev.llmcanary.simulator;

/**
 * What one token chunk carries, already adjusted by faults.
 *
 * @param index       the native index/sequence number shown on the wire (1-based)
 * @param choiceIndex the OpenAI choice index shown on the wire
 * @param soFar       all text up to and including this chunk (cumulative dialects, TGI generated_text)
 * @param finish      "stop" or "length" when the finish rides on this chunk, else null
 * @param counts      token counts up to this chunk
 * @param reportUsage whether the chunk shows {@code counts} as usage
 */
record Piece(int index, int choiceIndex, String text, String soFar, boolean reasoning, boolean idChanged,
             String finish, String stopMatch, TokenCounts counts, boolean reportUsage) {
}
