package dev.llmcanary.stream;

/** An SSE event's data is not what its flavor sends (not JSON, not an object); the message never quotes the data. */
public final class MalformedEventException extends Exception {
    public MalformedEventException(String message) {
        super(message, null, false, false);
    }
}
