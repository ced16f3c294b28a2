package dev.llmcanary.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads stored runs: keyset-paginated listings, single results and the per-target SLO counts of a window. */
public final class RunQueries {

    private final Database db;
    private final RunRows rows;

    public RunQueries(Database db, ObjectMapper json) {
        this.db = db;
        this.rows = new RunRows(json);
    }

    /** Runs matching the query, newest first (ties broken by run id), at most {@code query.limit()}. */
    public RunPage find(RunQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(RunRows.COLUMNS).append(" FROM runs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        eq(sql, args, "canary", q.canary());
        eq(sql, args, "pool", q.pool());
        eq(sql, args, "endpoint", q.endpoint());
        eq(sql, args, "model", q.model());
        eq(sql, args, "outcome", q.outcome());
        eq(sql, args, "run_trigger", q.trigger() == null ? null : q.trigger().label());
        if (q.since() != null) {
            sql.append(" AND started_at >= ?");
            args.add(RunRows.timestamp(q.since()));
        }
        if (q.until() != null) {
            sql.append(" AND started_at < ?");
            args.add(RunRows.timestamp(q.until()));
        }
        if (q.after() != null) {
            sql.append(" AND (started_at < ? OR (started_at = ? AND run_id < ?))");
            args.add(RunRows.timestamp(q.after().startedAt()));
            args.add(RunRows.timestamp(q.after().startedAt()));
            args.add(q.after().runId());
        }
        // one extra row says whether another page exists without a COUNT
        sql.append(" ORDER BY started_at DESC, run_id DESC LIMIT ").append(q.limit() + 1);
        List<StoredRun> found = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(RunRows.summary(rs));
                }
            }
        }
        if (found.size() <= q.limit()) {
            return new RunPage(List.copyOf(found), null);
        }
        List<StoredRun> page = List.copyOf(found.subList(0, q.limit()));
        StoredRun last = page.get(page.size() - 1);
        return new RunPage(page, new Cursor(last.startedAt(), last.runId()));
    }

    public Optional<RunResult> get(String runId) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT result_json, run_trigger FROM runs WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rows.fromRow(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /**
     * Scheduled runs and passing scheduled runs per pool × model × SLO class that started at or after {@code since}.
     * Gate and on-demand runs never count: a gate's candidate may fail on purpose, and a person's retries of a
     * failing canary would weigh one incident many times.
     */
    public List<SloCount> sloCounts(Instant since) throws SQLException {
        String sql = "SELECT pool, model, slo_class, COUNT(*) AS runs, "
                + "SUM(CASE WHEN outcome = 'pass' THEN 1 ELSE 0 END) AS good FROM runs "
                + "WHERE run_trigger = '" + Trigger.SCHEDULE.label() + "' AND started_at >= ? AND outcome <> 'cancelled' "
                + "GROUP BY pool, model, slo_class ORDER BY pool, model, slo_class";
        List<SloCount> counts = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, RunRows.timestamp(since));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.add(new SloCount(rs.getString("pool"), rs.getString("model"), rs.getString("slo_class"),
                            rs.getLong("runs"), rs.getLong("good")));
                }
            }
        }
        return counts;
    }

    private static void eq(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }
}
