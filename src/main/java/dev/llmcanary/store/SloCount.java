package dev.llmcanary.store;

/** Runs and passing runs of one pool × model × SLO class over a window. */
public record SloCount(String pool, String model, String sloClass, long runs, long good) {
}
