package dev.llmcanary.stream;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/** Test fixtures: options and a way to play a literal SSE body into a session with fake, evenly spaced nanos. */
final class Streams {
    static final long MS = 1_000_000L;
    static final long START = 0;
    static final long WRITTEN = 1 * MS;
    static final long HEADERS = 5 * MS;
    static final long FIRST_EVENT = 10 * MS;
    static final long STEP = 10 * MS;

    private Streams() {
    }

    static StreamOptions options(Flavor flavor) {
        return options(flavor, flavor.sendsDone(), Cumulative.AUTO);
    }

    static StreamOptions options(Flavor flavor, boolean requireDone, Cumulative cumulative) {
        return new StreamOptions(flavor, requireDone, 1, 1_000 * MS, 5_000 * MS, 64 * 1024, 1024 * 1024, 1000,
                cumulative, 0);
    }

    /** Splits a body after each blank line, so each event is its own read. */
    static List<String> events(String body) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < body.length() - 1; i++) {
            if (body.charAt(i) == '\n' && body.charAt(i + 1) == '\n') {
                parts.add(body.substring(from, i + 2));
                from = i + 2;
                i++;
            }
        }
        if (from < body.length()) {
            parts.add(body.substring(from));
        }
        return parts;
    }

    /** A session that has written its request and accepted SSE headers. */
    static StreamSession open(StreamOptions options, StreamListener listener) {
        StreamSession session = new StreamSession(options, listener, START);
        session.requestWritten(WRITTEN);
        session.headers(200, "text/event-stream; charset=utf-8", null, HEADERS);
        return session;
    }

    /** Feeds each event as one read at FIRST_EVENT + i * STEP; returns the time after the last one. */
    static long play(StreamSession session, String body) {
        long at = FIRST_EVENT;
        for (String part : events(body)) {
            session.bytes(Buffer.buffer(part), at);
            at += STEP;
        }
        return at;
    }

    /** Plays a whole body and ends it the way a healthy server does. */
    static StreamResult run(StreamOptions options, String body) {
        StreamSession session = open(options, StreamListener.NONE);
        long at = play(session, body);
        session.end(at);
        return session.finish(at);
    }
}
