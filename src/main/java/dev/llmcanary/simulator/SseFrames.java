package dev.llmcanary.simulator;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a stream's server-sent events, for every route: data events, comments, the {@code [DONE]} sentinel and
 * the two error frames, ended with the profile's line ending and cut by the byte-level faults ({@code invalid_utf8},
 * {@code split_utf8}). Framing lives here once so that a {@link Wire} holds only its dialect's payloads.
 *
 * <p>Each method returns the parts of one event: one socket write each (two only with {@code split_utf8}).
 */
final class SseFrames {

    /** The payload of a simulated failure in the stream, in the OpenAI error shape clients parse. */
    static final String ERROR_JSON =
            "{\"error\":{\"message\":\"simulated upstream failure\",\"type\":\"internal_error\",\"code\":500}}";
    /** Stands in for raw invalid bytes until the event is turned into bytes; JSON escaping leaves it intact. */
    static final String INVALID_MARK = "~~sim-invalid-utf8~~";
    private static final byte[] INVALID_BYTES = {(byte) 0xC3, (byte) 0x28};

    private final String dataPrefix;
    private final String eol;
    private final boolean splitUtf8;

    /**
     * @param dataPrefix the text before a payload on a data line ({@link Wire#prefix()})
     * @param crlf       end lines with CRLF instead of LF
     * @param splitUtf8  write each data event in two parts cut inside its first multi-byte character
     */
    SseFrames(String dataPrefix, boolean crlf, boolean splitUtf8) {
        this.dataPrefix = dataPrefix;
        this.eol = crlf ? "\r\n" : "\n";
        this.splitUtf8 = splitUtf8;
    }

    /** One data event carrying {@code payload}. */
    Buffer[] data(String payload) {
        return split(bytes(dataPrefix + payload + eol + eol));
    }

    /** The {@code [DONE]} sentinel that ends an OpenAI stream. */
    Buffer[] done() {
        return data("[DONE]");
    }

    /** A comment event ({@code : text}), such as the keep-alive some servers send between tokens; never split. */
    Buffer[] comment(String text) {
        return new Buffer[] {Buffer.buffer((": " + text + eol + eol).getBytes(StandardCharsets.US_ASCII))};
    }

    /** The simulated failure as a plain data event, the way most servers report an error mid-stream. */
    Buffer[] error() {
        return data(ERROR_JSON);
    }

    /** The simulated failure as a named {@code event: error} event, the way some servers report it. */
    Buffer[] errorEvent() {
        return split(bytes("event: error" + eol + dataPrefix + ERROR_JSON + eol + eol));
    }

    private static byte[] bytes(String event) {
        int mark = event.indexOf(INVALID_MARK);
        if (mark < 0) {
            return event.getBytes(StandardCharsets.UTF_8);
        }
        byte[] before = event.substring(0, mark).getBytes(StandardCharsets.UTF_8);
        byte[] after = event.substring(mark + INVALID_MARK.length()).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[before.length + INVALID_BYTES.length + after.length];
        System.arraycopy(before, 0, out, 0, before.length);
        System.arraycopy(INVALID_BYTES, 0, out, before.length, INVALID_BYTES.length);
        System.arraycopy(after, 0, out, before.length + INVALID_BYTES.length, after.length);
        return out;
    }

    /** One write, or with split_utf8 two writes cut inside the first multi-byte character (else the middle). */
    private Buffer[] split(byte[] event) {
        if (!splitUtf8 || event.length < 2) {
            return new Buffer[] {Buffer.buffer(event)};
        }
        int cut = event.length / 2;
        for (int i = 0; i < event.length; i++) {
            if ((event[i] & 0xC0) == 0xC0) {
                cut = i + 1;
                break;
            }
        }
        Buffer first = Buffer.buffer(event.length).appendBytes(event, 0, cut);
        Buffer second = Buffer.buffer(event.length).appendBytes(event, cut, event.length - cut);
        return new Buffer[] {first, second};
    }
}
