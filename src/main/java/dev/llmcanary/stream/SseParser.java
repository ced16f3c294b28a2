package dev.llmcanary.stream;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns the raw body bytes of an SSE response into {@link SseEvent}s, exactly and within a fixed memory bound.
 *
 * <p>A hand-written byte scanner rather than {@code RecordParser}: SSE allows three line ends ({@code \r\n},
 * {@code \n}, lone {@code \r}) and a {@code \r\n} may be split across reads, which a single-delimiter parser cannot
 * express. Bytes are only decoded once an event is complete, so a multi-byte UTF-8 character split across reads is
 * never seen half. Memory per stream is bounded by {@code maxEventBytes}: the current line (field name included) plus
 * the event's data so far may not exceed it, so a line that never ends is cut off rather than buffered.
 *
 * <p>Not thread-safe: one per stream, used from one event loop.
 */
public final class SseParser {

    /** Receives what the parser finds. */
    public interface Handler {
        void event(SseEvent event);

        /** The event's bytes were not valid UTF-8 (decoded with replacement characters); {@code eventNumber} counts from 1. */
        void invalidUtf8(int eventNumber, long atNanos);
    }

    private final int maxEventBytes;
    private final Handler handler;
    private final CharsetDecoder strictUtf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[256];
    private int dataLength;
    private boolean hasData;
    private String eventName;
    private boolean lastWasCr;
    private int events;
    private boolean oversize;

    public SseParser(int maxEventBytes, Handler handler) {
        this.maxEventBytes = maxEventBytes;
        this.handler = handler;
    }

    /**
     * Scans {@code length} bytes; complete events are handed to the handler with {@code atNanos} as arrival time.
     *
     * @return {@code false} once a line or event exceeded {@code maxEventBytes}; the parser then ignores further input
     */
    public boolean feed(byte[] bytes, int offset, int length, long atNanos) {
        if (oversize) {
            return false;
        }
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // the \n of a \r\n pair, possibly split across reads
                    continue;
                }
                lineEnded(atNanos);
            } else if (b == '\r') {
                lastWasCr = true;
                lineEnded(atNanos);
            } else {
                lastWasCr = false;
                if (lineLength + dataLength >= maxEventBytes) {
                    oversize = true;
                    return false;
                }
                if (lineLength == line.length) {
                    line = grow(line, maxEventBytes);
                }
                line[lineLength++] = b;
            }
            if (oversize) {
                return false;
            }
        }
        return true;
    }

    /**
     * The body ended normally: a last line or event without its terminating blank line is still dispatched, so a
     * server that omits the final blank line is not penalised.
     */
    public void endOfInput(long atNanos) {
        if (oversize) {
            return;
        }
        if (lineLength > 0) {
            lineEnded(atNanos);
        }
        dispatch(atNanos);
    }

    /** Whether the size limit was hit. */
    public boolean oversize() {
        return oversize;
    }

    /** SSE events dispatched so far. */
    public int events() {
        return events;
    }

    private void lineEnded(long atNanos) {
        if (lineLength == 0) {
            dispatch(atNanos);
            return;
        }
        if (line[0] == ':') {
            lineLength = 0; // comment / keep-alive
            return;
        }
        int colon = indexOfColon();
        int nameEnd = colon < 0 ? lineLength : colon;
        int valueStart = colon < 0 ? lineLength : colon + 1;
        if (valueStart < lineLength && line[valueStart] == ' ') {
            valueStart++;
        }
        if (isField(nameEnd, DATA)) {
            appendData(valueStart);
        } else if (isField(nameEnd, EVENT)) {
            eventName = new String(line, valueStart, lineLength - valueStart, StandardCharsets.UTF_8);
        }
        // id, retry and unknown fields carry nothing the engine uses
        lineLength = 0;
    }

    private void appendData(int valueStart) {
        int valueLength = lineLength - valueStart;
        int needed = dataLength + (hasData ? 1 : 0) + valueLength;
        if (needed > maxEventBytes) {
            oversize = true;
            return;
        }
        if (needed > data.length) {
            byte[] bigger = new byte[Math.min(maxEventBytes, Math.max(needed, data.length * 2))];
            System.arraycopy(data, 0, bigger, 0, dataLength);
            data = bigger;
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(line, valueStart, data, dataLength, valueLength);
        dataLength += valueLength;
        hasData = true;
    }

    private void dispatch(long atNanos) {
        if (!hasData && eventName == null) {
            return;
        }
        events++;
        String text = decode(atNanos);
        SseEvent event = new SseEvent(eventName, text, atNanos);
        hasData = false;
        dataLength = 0;
        eventName = null;
        handler.event(event);
    }

    private String decode(long atNanos) {
        if (dataLength == 0) {
            return "";
        }
        // Most events are pure ASCII JSON (non-ASCII text is usually escaped in JSON): then the bytes are valid UTF-8
        // as they stand and one copy into a Latin-1 string replaces the decoder's CharBuffer and second copy.
        if (ascii(data, dataLength)) {
            return new String(data, 0, dataLength, StandardCharsets.ISO_8859_1);
        }
        try {
            return strictUtf8.decode(ByteBuffer.wrap(data, 0, dataLength)).toString();
        } catch (CharacterCodingException e) {
            handler.invalidUtf8(events, atNanos);
            return new String(data, 0, dataLength, StandardCharsets.UTF_8);
        }
    }

    private static boolean ascii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private int indexOfColon() {
        for (int i = 0; i < lineLength; i++) {
            if (line[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    private boolean isField(int nameLength, byte[] name) {
        if (nameLength != name.length) {
            return false;
        }
        for (int i = 0; i < nameLength; i++) {
            if (line[i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] grow(byte[] array, int max) {
        byte[] bigger = new byte[Math.min(max, array.length * 2)];
        System.arraycopy(array, 0, bigger, 0, array.length);
        return bigger;
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
}
