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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes every finished run to the database before the runner reports it finished, but never waits on it longer than
 * the write budget: a database that stops answering (a blackholed network holds a pooled connection's read until the
 * socket timeout, 15 s) would otherwise hold the single result worker, and with it every job's next tick. A write
 * that misses the budget marks the store down and its result goes to the buffer; if the late write lands after all,
 * the flush finds the row already there. While the database is unreachable, results wait in a bounded buffer (the
 * canaries keep running) and {@link #flush()} — called periodically — writes them once it is back; results that find
 * the buffer full are dropped and counted.
 */
public final class RunStore implements RunSink {

    private static final Logger LOG = Logger.getLogger(RunStore.class);
    /** Outcomes kept as long as passes: a cancelled run says nothing about the target either. */
    private static final String KEPT_SHORT = "outcome IN ('pass', 'cancelled')";
    /** Rows deleted per statement, so a purge never holds a long transaction (or a statement past its timeout). */
    static final int PURGE_BATCH = 5_000;
    /** The write budget of the convenience constructors. */
    static final Duration PATIENT_WRITE_BUDGET = Duration.ofSeconds(30);

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
    private final Duration writeBudget;
    /** One write at a time; a write hung on the database fills the short queue and later ones are buffered. */
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(16), r -> {
                Thread t = new Thread(r, "llm-canary-store-writer");
                t.setDaemon(true);
                return t;
            });

    /** A store with a status of its own and a patient write budget (tests and tools). */
    public RunStore(Database db, ObjectMapper json, Retention retention, int bufferCapacity, MeterRegistry registry) {
        this(db, json, retention, bufferCapacity, registry, new StoreStatus(registry, java.time.Clock.systemUTC()));
    }

    /**
     * A store with a patient write budget (tests and tools: a loaded machine's slow write is still a write, not an
     * outage). The service passes {@code llm-canary.store.write-budget}.
     */
    public RunStore(Database db, ObjectMapper json, Retention retention, int bufferCapacity, MeterRegistry registry,
                    StoreStatus status) {
        this(db, json, retention, bufferCapacity, registry, status, PATIENT_WRITE_BUDGET);
    }

    /**
     * @param status      shared with the scheduler's claims: a store known down is not written to, results are
     *                    buffered
     * @param writeBudget how long a result write may take before the store counts as down and the result is buffered
     */
    public RunStore(Database db, ObjectMapper json, Retention retention, int bufferCapacity, MeterRegistry registry,
                    StoreStatus status, Duration writeBudget) {
        this.status = status;
        this.writeBudget = writeBudget;
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
                writeWithinBudget(r);
                status.ok();
                return;
            } catch (TimeoutException e) {
                status.failed("result write (no answer within " + writeBudget.toMillis() + " ms)", null);
                degrade("no answer within " + writeBudget.toMillis() + " ms");
            } catch (SQLException | RuntimeException e) {
                status.failed("result write", e);
                degrade(e.getClass().getSimpleName());
            }
        }
        enqueue(r);
    }

    private void degrade(String why) {
        if (degraded.compareAndSet(false, true)) {
            LOG.warnf("run store unavailable, buffering results (%s)", why);
        }
    }

    /** The write on the writer thread, waited for at most the budget. */
    private void writeWithinBudget(RunResult r) throws SQLException, TimeoutException {
        Future<?> done;
        try {
            done = writer.submit(() -> {
                write(r);
                return null;
            });
        } catch (RejectedExecutionException e) {
            throw new TimeoutException("a previous write is still waiting on the database");
        }
        try {
            done.get(writeBudget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
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
