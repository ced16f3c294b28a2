package dev.llmcanary.client;

import io.vertx.core.buffer.Buffer;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One streaming POST, fully resolved from configuration (never from an API caller): the endpoint's base URL, the
 * flavor's path, headers (auth, trace context, canary extras) and the JSON body.
 *
 * @param deadline          the whole attempt's limit (total timeout): before headers it is a {@code timeout} error,
 *                          after it the stream is cut with a {@code timeout} violation
 * @param headersTimeout    response headers must arrive within this of the start, else a {@code timeout} error
 * @param firstTokenTimeout the first token must arrive within this of the start, else a {@code timeout} violation
 */
public record StreamRequest(URI baseUrl, String path, Map<String, String> headers, Buffer body,
                            Duration connectTimeout, Duration deadline, Duration headersTimeout,
                            Duration firstTokenTimeout) {

    /** A request whose only timeout is the deadline. */
    public StreamRequest(URI baseUrl, String path, Map<String, String> headers, Buffer body, Duration connectTimeout,
                         Duration deadline) {
        this(baseUrl, path, headers, body, connectTimeout, deadline, deadline, deadline);
    }
}
