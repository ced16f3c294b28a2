package dev.llmcanary.target;

import io.vertx.core.Context;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-event-loop work of running streams, kept off the read path so arrival stamps stay true:
 * <ul>
 *   <li><b>Deferred parsing.</b> When many streams deliver in the same loop iteration, each buffer is only stamped
 *       and queued while the loop reads sockets; parsing runs as one task after the reads. Otherwise the stamp of
 *       the last socket read in a burst would include the parsing of every buffer read before it.</li>
 *   <li><b>Stall sweeps.</b> One periodic timer per loop asks every stream whether its current gap crossed a
 *       threshold, instead of a timer per chunk.</li>
 *   <li><b>Our own hold-ups.</b> A light probe timer ({@value #HOLD_PROBE_MILLIS} ms, nothing but a clock read)
 *       notices when it runs late: then the loop itself was held (a CPU-throttled pod, a starved machine) and socket
 *       reads waited with it, so chunks the server sent apart arrive together. A stream asks whether that happened
 *       while its tokens arrived ({@link Loop#holdsDuring}) before calling its delivery buffered. The stall sweep's
 *       period (20 ms) is too coarse for that: a 10 ms hold bunches five 2 ms tokens.</li>
 * </ul>
 * The lists of a loop are only touched from that loop's thread, so they need no locking.
 */
final class EventLoopWork {

    /** A stream served by a loop. */
    interface Stream {
        /** Parses what arrived since the last drain. */
        void drain();

        /** Checks the current gap; returns false once the stream is over and can be dropped. */
        boolean sweep(long nowNanos);
    }

    /** How often each busy loop checks that it is not being held. */
    static final long HOLD_PROBE_MILLIS = 4;
    /** A probe this late means the loop was held: timers on a free loop fire within about a millisecond. */
    static final long HOLD_LATENESS_NANOS = 3_000_000L;
    /** Reads after a hold-up that still belong to it (the piled-up data is read in the next loop iterations). */
    static final long HOLD_SLACK_NANOS = 2_000_000L;

    private final Vertx vertx;
    private final long sweepMillis;
    // Keyed by the Netty event loop, not the Vert.x context: every REST request runs on a fresh duplicated
    // context, and keying by context would add a loop (and a timer) per request.
    private final Map<EventExecutor, Loop> loops = new ConcurrentHashMap<>();

    EventLoopWork(Vertx vertx, long sweepMillis) {
        this.vertx = vertx;
        this.sweepMillis = sweepMillis;
    }

    /** The work of {@code context}'s loop; must be called on that loop's thread. */
    Loop loop(Context context) {
        return loops.computeIfAbsent(((ContextInternal) context).nettyEventLoop(), loop -> new Loop(context));
    }

    final class Loop {
        private final Context context;
        private final List<Stream> watched = new ArrayList<>();
        private final ArrayDeque<Stream> dirty = new ArrayDeque<>();
        private boolean drainScheduled;
        private long timerId = -1;
        private long probeId = -1;
        private long lastProbe;
        // The latest hold-ups, as (start, end) pairs in a ring: a stream's tokens may span several.
        private final long[] holds = new long[2 * 16];
        private int holdCount;
        private Loop(Context context) {
            this.context = context;
        }

        void watch(Stream s) {
            watched.add(s);
            if (timerId < 0) {
                // Called on the loop's own thread, so the periodic timers are bound to the same context.
                timerId = vertx.setPeriodic(sweepMillis, id -> sweep());
                probeId = vertx.setPeriodic(HOLD_PROBE_MILLIS, id -> probe());
                lastProbe = System.nanoTime();
            }
        }

        /**
         * The hold-ups of this loop that overlap {@code fromNanos}..{@code toNanos}, as (start, end) pairs: the
         * recorded ones and the one going on until {@code nowNanos} (the reads that end a stream run before an
         * overdue timer does). A hold-up spans from the last probe that ran on time to the late one.
         */
        long[] holdsDuring(long fromNanos, long toNanos, long nowNanos) {
            long[] found = new long[holds.length + 2];
            int n = 0;
            if (probeId >= 0 && late(nowNanos) && overlaps(lastProbe, nowNanos, fromNanos, toNanos)) {
                found[n++] = lastProbe;
                found[n++] = nowNanos;
            }
            for (int i = 0; i < Math.min(holdCount, holds.length / 2); i++) {
                if (overlaps(holds[2 * i], holds[2 * i + 1], fromNanos, toNanos)) {
                    found[n++] = holds[2 * i];
                    found[n++] = holds[2 * i + 1];
                }
            }
            return java.util.Arrays.copyOf(found, n);
        }

        /**
         * Whether a hold-up overlaps the window; reads of what piled up during the hold may come just after the late
         * probe ran, so its end counts {@link #HOLD_SLACK_NANOS} later.
         */
        private static boolean overlaps(long start, long end, long from, long to) {
            return to - start >= 0 && end + HOLD_SLACK_NANOS - from >= 0;
        }

        private boolean late(long now) {
            return now - lastProbe - HOLD_PROBE_MILLIS * 1_000_000L >= HOLD_LATENESS_NANOS;
        }

        private void probe() {
            long now = System.nanoTime();
            if (late(now)) {
                int slot = holdCount++ % (holds.length / 2);
                holds[2 * slot] = lastProbe;
                holds[2 * slot + 1] = now;
            }
            lastProbe = now;
        }

        /** Queues {@code s} for parsing after the current batch of socket reads. */
        void dirty(Stream s) {
            dirty.add(s);
            if (!drainScheduled) {
                drainScheduled = true;
                context.runOnContext(v -> drainAll());
            }
        }

        private void drainAll() {
            drainScheduled = false;
            for (Stream s; (s = dirty.poll()) != null; ) {
                s.drain();
            }
        }

        private void sweep() {
            long now = System.nanoTime();
            watched.removeIf(s -> !s.sweep(now));
            if (watched.isEmpty()) {
                vertx.cancelTimer(timerId);
                vertx.cancelTimer(probeId);
                timerId = -1;
                probeId = -1;
            }
        }
    }
}
