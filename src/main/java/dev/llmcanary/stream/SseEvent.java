package dev.llmcanary.stream;

/**
 * One dispatched server-sent event: what the decoders read.
 *
 * @param event        the {@code event:} field, or {@code null} when the event had none
 * @param data         the {@code data:} lines joined with {@code \n} (decoded as UTF-8)
 * @param arrivedNanos when the buffer that completed the event arrived
 */
public record SseEvent(String event, String data, long arrivedNanos) {
}
