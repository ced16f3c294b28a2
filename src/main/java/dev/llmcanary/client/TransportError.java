package dev.llmcanary.client;

/**
 * Why a stream could not even start (no response headers): the run's outcome is {@code error}, not {@code fail}.
 *
 * @param kind    a stable, low-cardinality word: {@code connection_refused}, {@code dns}, {@code tls},
 *                {@code timeout}, {@code connection_closed}, {@code io}
 * @param message a human reason (never contains request text or credentials)
 */
public record TransportError(String kind, String message) {
}
