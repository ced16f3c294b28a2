package dev.llmcanary.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Plays a {@link StreamPlan} on one response from its event loop: one timer per wait, one socket write per part,
 * and the recording of every write's start and completion time.
 *
 * <p>Each event is due its planned gap after the <em>previous write</em> (when that write was more than a millisecond
 * late), not at a fixed offset from the request: a simulator that falls behind (a starved machine, a benchmark at its limit) then streams late, as a busy server
 * does, instead of catching up with a burst of overdue writes that would look like a buffering proxy on the wire.
 * Events planned together (a {@code buffered} fault) still go out together.
 */
final class StreamPlayer {

    private static final long MS = 1_000_000L;
    /** Later than this, an event moves the schedule rather than making the next ones catch up. */
    private static final long LATE_NANOS = MS;

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final StreamPlan plan;
    private final LiveRecording recording;
    private final String contentType;
    private int next = -1;
    // When the last event was written and when it was planned: the next one is due its planned gap later.
    private long anchorNanos;
    private long anchorDueNanos;
    private long timerId = -1;
    private boolean closed;
    private Runnable finished = () -> { };

    StreamPlayer(Vertx vertx, HttpServerRequest request, StreamPlan plan, LiveRecording recording,
                 String contentType) {
        this.vertx = vertx;
        this.request = request;
        this.response = request.response();
        this.plan = plan;
        this.recording = recording;
        this.contentType = contentType;
    }

    /** Runs {@code r} once the response has ended or its connection closed (the simulated load counts it out). */
    StreamPlayer onFinished(Runnable r) {
        this.finished = r;
        return this;
    }

    void start() {
        anchorNanos = recording.receivedNanos();
        anchorDueNanos = 0;
        response.closeHandler(v -> {
            finished.run();
            closed = true;
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
            }
        });
        advance();
    }

    private void advance() {
        List<SimEvent> events = plan.events();
        while (!closed) {
            long due = next < 0 ? plan.headersDueNanos() : events.get(next).dueNanos();
            long now = System.nanoTime();
            long wait = anchorNanos + (due - anchorDueNanos) - now;
            if (wait > 0) {
                timerId = vertx.setTimer(Math.max(1, (wait + MS - 1) / MS), id -> {
                    timerId = -1;
                    advance();
                });
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> advance());
                return;
            }
            // A timer's usual overshoot keeps the plan's clock (no drift over a long answer); real lateness moves it.
            anchorNanos = -wait <= LATE_NANOS ? now + wait : now;
            anchorDueNanos = due;
            if (next < 0) {
                writeHead();
            } else {
                SimEvent event = events.get(next);
                if (event.close()) {
                    closed = true;
                    request.connection().close();
                    return;
                }
                write(event);
            }
            next++;
            if (next == events.size()) {
                closed = true;
                response.end();
                finished.run();
                return;
            }
        }
    }

    private void writeHead() {
        response.setStatusCode(200)
                .putHeader("Content-Type", contentType)
                .putHeader("Cache-Control", "no-cache")
                .setChunked(true);
        long t0 = System.nanoTime();
        recording.headersWritten(t0);
        response.writeHead();
    }

    private void write(SimEvent event) {
        Buffer[] parts = event.parts();
        long t0 = System.nanoTime();
        int seq = recording.begin(event.kind(), t0);
        for (int i = 0; i < parts.length - 1; i++) {
            response.write(parts[i]);
        }
        response.write(parts[parts.length - 1]).onSuccess(v -> recording.done(seq, System.nanoTime()));
    }
}
