package dev.llmcanary.target;

import io.vertx.core.buffer.Buffer;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One streaming POST, fully resolved from configuration (never from an API caller): the endpoint's base URL, the
 * flavor's path, headers (auth, trace context, canary extras) and the JSON body.
 *
 * @param deadline the whole attempt's limit: before headers it is a {@code timeout} error, after it the stream is cut
 */
public record StreamRequest(URI baseUrl, String path, Map<String, String> headers, Buffer body,
                            Duration connectTimeout, Duration deadline) {
}
