package dev.llmcanary.gate.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.store.Database;
import dev.llmcanary.store.Retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Stores gates, their state and verdicts, and links them to their canary runs; reads the stored runs a gate is
 * compared with (an earlier gate's, or a pool's window of history). Blocking JDBC: callers are worker threads.
 */
public final class GateStore {

    private static final String COLUMNS = "gate_id, suite, candidate_pool, baseline_kind, baseline_ref, state, outcome,"
            + " idempotency_key, owner, created_at, heartbeat_at, finished_at, runs_planned, runs_done, request_json,"
            + " verdict_json";

    private final Database db;
    private final ObjectMapper json;

    public GateStore(Database db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Inserts a new gate; {@code false} when its idempotency key is already taken (the caller reads that gate). */
    public boolean insert(GateRow g) throws SQLException {
        String sql = "INSERT INTO gates (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, g.gateId());
            ps.setString(2, g.suite());
            ps.setString(3, g.candidatePool());
            ps.setString(4, g.baselineKind());
            ps.setString(5, g.baselineRef());
            ps.setString(6, g.state());
            ps.setString(7, g.outcome());
            ps.setString(8, g.idempotencyKey());
            ps.setString(9, g.owner());
            ps.setObject(10, ts(g.createdAt()));
            ps.setObject(11, ts(g.heartbeatAt()));
            ps.setObject(12, g.finishedAt() == null ? null : ts(g.finishedAt()));
            ps.setInt(13, g.runsPlanned());
            ps.setInt(14, g.runsDone());
            ps.setString(15, g.requestJson());
            ps.setString(16, g.verdictJson());
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23") && g.idempotencyKey() != null
                    && byKey(g.idempotencyKey()).isPresent()) {
                return false;
            }
            throw e;
        }
    }

    public Optional<GateRow> get(String gateId) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM gates WHERE gate_id = ?", gateId);
    }

    /** The newest gates first (running and finished), at most {@code limit}: the list the status page shows. */
    public List<GateRow> recent(int limit) throws SQLException {
        List<GateRow> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM gates ORDER BY created_at DESC, gate_id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    public Optional<GateRow> byKey(String idempotencyKey) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM gates WHERE idempotency_key = ?", idempotencyKey);
    }

    /** Records that this replica still runs the gates, with their progress. */
    public void heartbeat(String gateId, int runsDone, Instant now) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE gates SET heartbeat_at = ?, runs_done = ? WHERE gate_id = ? AND state = 'running'")) {
            ps.setObject(1, ts(now));
            ps.setInt(2, runsDone);
            ps.setString(3, gateId);
            ps.executeUpdate();
        }
    }

    /** Finishes a running gate with its verdict and run links; a gate already finished is left as it is. */
    public boolean finish(String gateId, String outcome, String verdictJson, int runsDone,
                          Collection<GateRunLink> links, Instant now) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement ps = c.prepareStatement("UPDATE gates SET state = 'finished', outcome = ?,"
                        + " verdict_json = ?, runs_done = ?, finished_at = ?, heartbeat_at = ? WHERE gate_id = ?"
                        + " AND state = 'running'")) {
                    ps.setString(1, outcome);
                    ps.setString(2, verdictJson);
                    ps.setInt(3, runsDone);
                    ps.setObject(4, ts(now));
                    ps.setObject(5, ts(now));
                    ps.setString(6, gateId);
                    updated = ps.executeUpdate();
                }
                if (updated == 1 && !links.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO gate_runs (gate_id, seq, side, run_id,"
                            + " trace_id, outcome) VALUES (?, ?, ?, ?, ?, ?)")) {
                        for (GateRunLink l : links) {
                            ps.setString(1, gateId);
                            ps.setInt(2, l.seq());
                            ps.setString(3, l.side());
                            ps.setString(4, l.runId());
                            ps.setString(5, l.traceId());
                            ps.setString(6, l.outcome());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                c.commit();
                return updated == 1;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Finishes gates left running by a process that is gone (not {@code owner}, no heartbeat since
     * {@code staleBefore}) with the given verdict; returns their ids.
     */
    public List<String> recover(String owner, Instant staleBefore, String outcome, String verdictJson, Instant now)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.connect()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT gate_id FROM gates WHERE state = 'running'"
                    + " AND owner <> ? AND heartbeat_at < ?")) {
                ps.setString(1, owner);
                ps.setObject(2, ts(staleBefore));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
        }
        List<String> finished = new ArrayList<>();
        for (String id : ids) {
            if (finish(id, outcome, verdictJson, currentRunsDone(id), List.of(), now)) {
                finished.add(id);
            }
        }
        return finished;
    }

    private int currentRunsDone(String id) throws SQLException {
        return get(id).map(GateRow::runsDone).orElse(0);
    }

    public List<GateRunLink> links(String gateId) throws SQLException {
        List<GateRunLink> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, side, run_id, trace_id, outcome FROM gate_runs WHERE gate_id = ? ORDER BY seq")) {
            ps.setString(1, gateId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new GateRunLink(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** The stored results of the given runs, in the given order (runs purged meanwhile are missing). */
    public List<RunResult> results(List<String> runIds) throws SQLException {
        List<RunResult> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT result_json FROM runs WHERE run_id = ?")) {
            for (String id : runIds) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.add(parse(rs.getString(1)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * A pool's stored runs of the given canaries that started in [since, until), newest first, at most limit. Other
     * gates' runs are left out: they belong to their gate (a {@code gate} baseline names them), and a rolled-back
     * candidate's failures must not become a later gate's evidence or baseline.
     */
    public List<RunResult> window(String pool, List<String> canaries, Instant since, Instant until, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT result_json FROM runs WHERE pool = ? AND started_at >= ?"
                + " AND started_at < ? AND run_trigger <> '" + Trigger.GATE.label() + "'");
        if (!canaries.isEmpty()) {
            sql.append(" AND canary IN (").append("?, ".repeat(canaries.size() - 1)).append("?)");
        }
        sql.append(" ORDER BY started_at DESC, run_id DESC LIMIT ").append(limit);
        List<RunResult> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setString(1, pool);
            ps.setObject(2, ts(since));
            ps.setObject(3, ts(until));
            for (int i = 0; i < canaries.size(); i++) {
                ps.setString(4 + i, canaries.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(parse(rs.getString(1)));
                }
            }
        }
        return out;
    }

    /** Deletes finished gates (and their run links) older than the retention: passed ones sooner. */
    public int purge(Instant now, Retention retention) throws SQLException {
        return delete(now.minus(retention.successes()), "outcome = 'pass'")
                + delete(now.minus(retention.failures()), "outcome <> 'pass'");
    }

    private int delete(Instant before, String outcome) throws SQLException {
        String where = "state = 'finished' AND created_at < ? AND " + outcome;
        try (Connection c = db.connect()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM gate_runs WHERE gate_id IN (SELECT gate_id FROM gates WHERE " + where + ")")) {
                ps.setObject(1, ts(before));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM gates WHERE " + where)) {
                ps.setObject(1, ts(before));
                return ps.executeUpdate();
            }
        }
    }

    private Optional<GateRow> one(String sql, String arg) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static GateRow row(ResultSet rs) throws SQLException {
        return new GateRow(rs.getString("gate_id"), rs.getString("suite"), rs.getString("candidate_pool"),
                rs.getString("baseline_kind"), rs.getString("baseline_ref"), rs.getString("state"),
                rs.getString("outcome"), rs.getString("idempotency_key"), rs.getString("owner"),
                instant(rs, "created_at"), instant(rs, "heartbeat_at"), instant(rs, "finished_at"),
                rs.getInt("runs_planned"), rs.getInt("runs_done"), rs.getString("request_json"),
                rs.getString("verdict_json"));
    }

    private RunResult parse(String body) {
        try {
            return json.readValue(body, RunResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored run is not valid JSON", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant t) {
        return OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
