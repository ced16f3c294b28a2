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
 *   <li><b>Our own hold-ups.</b> The sweep also notices when it runs late: then the loop itself was held (a CPU
 *       throttled pod, a starved machine) and socket reads waited with it, so chunks the server sent apart arrive
 *       together. A stream can ask whether that happened while it ran ({@link Loop#heldNanos}) before calling its
 *       delivery buffered.</li>
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

    /** A hold-up of a loop: when it ended (the loop ran again) and how long it lasted, in nanoTime. */
    record Hold(long endNanos, long lengthNanos) {
    }

    final class Loop {
        private final Context context;
        private final List<Stream> watched = new ArrayList<>();
        private final ArrayDeque<Stream> dirty = new ArrayDeque<>();
        private boolean drainScheduled;
        private long timerId = -1;
        private long lastSweep;
        private boolean heldSeen;
        private long lastHeldAt;
        private long lastHeld;

        private Loop(Context context) {
            this.context = context;
        }

        void watch(Stream s) {
            watched.add(s);
            if (timerId < 0) {
                // Called on the loop's own thread, so the periodic timer is bound to the same context.
                timerId = vertx.setPeriodic(sweepMillis, id -> sweep());
                lastSweep = System.nanoTime();
            }
        }

        /**
         * The latest hold-up of this loop (a sweep at least a period late) that ended after {@code sinceNanos}, or the
         * one going on now (the reads that end a stream run before an overdue timer does), as its end and length;
         * {@code null} when every sweep since ran less than a period late.
         */
        Hold latestHold(long sinceNanos, long nowNanos) {
            long period = sweepMillis * 1_000_000L;
            long overdue = timerId < 0 ? 0 : nowNanos - lastSweep - period;
            if (overdue >= period) {
                return new Hold(nowNanos, overdue);
            }
            return heldSeen && lastHeldAt - sinceNanos >= 0 ? new Hold(lastHeldAt, lastHeld) : null;
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
            long late = now - lastSweep - sweepMillis * 1_000_000L;
            lastSweep = now;
            if (late >= sweepMillis * 1_000_000L) {
                heldSeen = true;
                lastHeldAt = now;
                lastHeld = late;
            }
            watched.removeIf(s -> !s.sweep(now));
            if (watched.isEmpty()) {
                vertx.cancelTimer(timerId);
                timerId = -1;
            }
        }
    }
}
