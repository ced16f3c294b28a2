package dev.llmcanary.simulator;

/** What a recorded write carried, so a benchmark can find the first token among role, usage and framing writes. */
public enum ChunkKind {
    ROLE, TOKEN, EMPTY, FINISH, USAGE, DONE, ERROR, OTHER
}
