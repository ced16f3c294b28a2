package dev.llmcanary.gate.store;

/** One canary run of a gate as stored: its place in the start order, side, and trace. */
public record GateRunLink(int seq, String side, String runId, String traceId, String outcome) {
}
