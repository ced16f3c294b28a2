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
    private static final String PURGE = "DELETE FROM runs WHERE started_at < ? AND ";

    private final Database db;
    private final RunRows rows;
    private final Retention retention;
    private final int bufferCapacity;
    private final Deque<RunResult> buffer = new ArrayDeque<>();
    private final Object flushLock = new Object();
    /** Set after a failed write: later results go straight to the buffer instead of each waiting on a dead database. */
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final Counter dropped;

    public RunStore(Database db, ObjectMapper json, Retention retention, int bufferCapacity, MeterRegistry registry) {
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
        if (!degraded.get()) {
            try {
                write(r);
                return;
            } catch (SQLException | RuntimeException e) {
                if (degraded.compareAndSet(false, true)) {
                    LOG.warnf("run store unavailable, buffering results (%s)", e.toString());
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
                LOG.debugf("run store still unavailable (%s)", e.toString());
                return false;
            }
            if (degraded.compareAndSet(true, false)) {
                LOG.info("run store available again, buffered results written");
            }
            return true;
        }
    }

    /** Deletes runs older than the retention at {@code now}; returns how many. */
    public int purge(Instant now) throws SQLException {
        try (Connection c = db.connect()) {
            return delete(c, now.minus(retention.successes()), "outcome = 'pass'")
                    + delete(c, now.minus(retention.failures()), "outcome <> 'pass'");
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

    private int delete(Connection c, Instant before, String outcome) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PURGE + outcome)) {
            ps.setObject(1, RunRows.timestamp(before));
            return ps.executeUpdate();
        }
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
