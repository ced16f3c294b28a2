package dev.llmcanary.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunSink;
import dev.llmcanary.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes every finished run to the database, synchronously on the result worker, so a run is committed before the
 * runner reports it finished. While the database is unreachable, results wait in a bounded buffer (the canaries keep
 * running) and {@link #flush()} — called periodically — writes them once it is back; results that find the buffer
 * full are dropped and counted.
 */
public final class RunStore implements RunSink {

    private static final Logger LOG = Logger.getLogger(RunStore.class);
    /** Outcomes kept as long as passes: a cancelled run says nothing about the target either. */
    private static final String KEPT_SHORT = "outcome IN ('pass', 'cancelled')";
    /** Rows deleted per statement, so a purge never holds a long transaction (or a statement past its timeout). */
    static final int PURGE_BATCH = 5_000;

    private final Database db;
    private final RunRows rows;
    private final Retention retention;
    private final int bufferCapacity;
    private final Deque<RunResult> buffer = new ArrayDeque<>();
    private final Object flushLock = new Object();
    /** Set after a failed write: later results go straight to the buffer instead of each waiting on a dead database. */
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final Counter dropped;
    private final Counter prunedByAge;
    private final Counter prunedBySize;
    private final StoreStatus status;

    /** A store with a status of its own (tests). */
    public RunStore(Database db, ObjectMapper json, Retention retention, int bufferCapacity, MeterRegistry registry) {
        this(db, json, retention, bufferCapacity, registry, new StoreStatus(registry, java.time.Clock.systemUTC()));
    }

    /** @param status shared with the scheduler's claims: a store known down is not written to, results are buffered */
    public RunStore(Database db, ObjectMapper json, Retention retention, int bufferCapacity, MeterRegistry registry,
                    StoreStatus status) {
        this.status = status;
        this.prunedByAge = pruned(registry, "age");
        this.prunedBySize = pruned(registry, "size");
        this.db = db;
        this.rows = new RunRows(json);
        this.retention = retention;
        this.bufferCapacity = bufferCapacity;
        this.dropped = Counter.builder(MetricNames.STORE_DROPPED_RESULTS)
                .description("Run results lost because the database was unreachable and the buffer was full")
                .register(registry);
        Gauge.builder(MetricNames.STORE_BUFFERED_RESULTS, this, RunStore::buffered)
                .description("Run results waiting in memory for the database")
                .register(registry);
    }

    @Override
    public void accept(RunResult r) {
        if (!degraded.get() && status.up()) {
            try {
                write(r);
                status.ok();
                return;
            } catch (SQLException | RuntimeException e) {
                status.failed("result write", e);
                if (degraded.compareAndSet(false, true)) {
                    LOG.warnf("run store unavailable, buffering results (%s)", e.getClass().getSimpleName());
                }
            }
        }
        enqueue(r);
    }

    /**
     * Writes buffered results, oldest first, and leaves the degraded state when all are written. Also migrates the
     * schema on the first call, so the service's start-up call prepares the database before the first run.
     *
     * @return whether the database is reachable and the buffer is empty
     */
    public boolean flush() {
        synchronized (flushLock) {
            try {
                try (Connection ignored = db.connect()) {
                    // reachability and schema first, even with nothing buffered
                }
                RunResult next;
                while ((next = peek()) != null) {
                    write(next);
                    remove(next);
                }
            } catch (SQLException | RuntimeException e) {
                status.failed("buffered results flush", e);
                LOG.debugf("run store still unavailable (%s)", e.toString());
                return false;
            }
            status.ok();
            if (degraded.compareAndSet(true, false)) {
                LOG.info("run store available again, buffered results written");
            }
            return true;
        }
    }

    /**
     * Deletes runs past their retention at {@code now}, then, over {@code max-runs}, the oldest passes (and cancelled
     * runs) and then the oldest of the rest until the cap holds; counts both in {@code llm_canary_store_pruned_runs}.
     *
     * @return how many runs were deleted
     */
    public int purge(Instant now) throws SQLException {
        try (Connection c = db.connect()) {
            int byAge = deleteBatched(c, "started_at < ? AND " + KEPT_SHORT, now.minus(retention.successes()))
                    + deleteBatched(c, "started_at < ? AND NOT " + KEPT_SHORT, now.minus(retention.failures()));
            prunedByAge.increment(byAge);
            int bySize = 0;
            if (retention.maxRuns() > 0) {
                long excess = count(c) - retention.maxRuns();
                bySize = deleteOldest(c, KEPT_SHORT, excess);
                bySize += deleteOldest(c, "NOT " + KEPT_SHORT, excess - bySize);
                prunedBySize.increment(bySize);
            }
            return byAge + bySize;
        }
    }

    public synchronized int buffered() {
        return buffer.size();
    }

    private void write(RunResult r) throws SQLException {
        try (Connection c = db.connect()) {
            rows.insert(c, r);
        } catch (SQLException e) {
            // "23…" is an integrity violation: the row is already there (a retry after an unacknowledged commit)
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
        }
    }

    /** Deletes every run matching {@code where} (one timestamp parameter), a batch at a time. */
    private static int deleteBatched(Connection c, String where, Instant before) throws SQLException {
        String sql = "DELETE FROM runs WHERE run_id IN (SELECT run_id FROM runs WHERE " + where + " LIMIT "
                + PURGE_BATCH + ")";
        int total = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n;
            do {
                ps.setObject(1, RunRows.timestamp(before));
                n = ps.executeUpdate();
                total += n;
            } while (n == PURGE_BATCH);
        }
        return total;
    }

    /** Deletes up to {@code n} of the oldest runs matching {@code where}, a batch at a time. */
    private static int deleteOldest(Connection c, String where, long n) throws SQLException {
        String sql = "DELETE FROM runs WHERE run_id IN (SELECT run_id FROM runs WHERE " + where
                + " ORDER BY started_at, run_id LIMIT ?)";
        int total = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            while (total < n) {
                int batch = (int) Math.min(PURGE_BATCH, n - total);
                ps.setInt(1, batch);
                int deleted = ps.executeUpdate();
                total += deleted;
                if (deleted < batch) {
                    break;
                }
            }
        }
        return total;
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM runs");
             java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Counter pruned(MeterRegistry registry, String reason) {
        return Counter.builder(MetricNames.STORE_PRUNED_RUNS)
                .description("Stored runs deleted by retention, by age or by the size cap")
                .tags(MetricNames.REASON, reason).register(registry);
    }

    private synchronized void enqueue(RunResult r) {
        if (buffer.size() >= bufferCapacity) {
            dropped.increment();
            return;
        }
        buffer.addLast(r);
    }

    private synchronized RunResult peek() {
        return buffer.peekFirst();
    }

    private synchronized void remove(RunResult r) {
        if (buffer.peekFirst() == r) {
            buffer.removeFirst();
        }
    }
}
